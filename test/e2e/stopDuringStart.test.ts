import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCli, type CliProcess } from '../helpers/cliProcess.ts';
import { createDemoProject, DEMO_SNAPSHOT, type DemoProject } from '../helpers/demoProject.ts';
import { mountsUnder, processesMentioning, waitFor } from '../helpers/processes.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';

const unavailable = sandboxUnavailable();
if (unavailable !== null) console.warn(`[vmwatch tests] skipping the stop-during-start e2e test: ${unavailable}`);

const POOL = 'e2e-stopstart';
/** Each machine's sync-ahead copies this (sparse on the host, written in full into each machine): a start that takes many seconds. */
const BALLAST_BYTES = 1536 * 1024 * 1024;

describe.skipIf(unavailable !== null)('vmwatch watch and run stopped while the pool is still starting', () => {
  let demo: DemoProject;
  let cli: CliProcess | undefined;
  let home: string;

  beforeAll(() => {
    home = inject('demoHome');
    demo = createDemoProject({ pool: POOL, overrides: { notify: false, pool: { name: POOL, snapshot: DEMO_SNAPSHOT, size: 4 } } });
    // Ignored by git and by the watcher, but synced into every machine ahead of the first test.
    const dir = path.join(demo.app, '__pycache__');
    mkdirSync(dir, { recursive: true });
    const fd = openSync(path.join(dir, 'ballast.bin'), 'w');
    ftruncateSync(fd, BALLAST_BYTES);
    closeSync(fd);
  });

  afterAll(async () => {
    if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
    // A failed run leaves its copies running: end this pool's (and only this pool's) processes.
    for (const p of processesMentioning(path.join(home, 'sandbox', 'machines', `vmwatch-${POOL}-`))) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    demo?.cleanup();
  });

  it('SIGTERM mid-start stops promptly and leaves no machine, sandbox process, mount or pool lock behind', async () => {
    // Other e2e files share this VMWATCH_HOME, so look at this pool's machines only.
    const machines = path.join(home, 'sandbox', 'machines');
    const ours = path.join(machines, `vmwatch-${POOL}-`);
    cli = startCli(['watch', '--config', demo.configFile], { env: { VMWATCH_HOME: home } });
    // Mid-start: a machine exists and its sync-ahead copy is running.
    await waitFor(
      () => processesMentioning(ours).some((p) => p.cmdline.includes('rsync')),
      60_000,
      'a sync-ahead rsync into a pool machine',
    );
    expect(cli.stdout()).not.toMatch(/vmwatch: watching/);
    cli.child.kill('SIGTERM');
    const exit = await Promise.race([
      cli.exited,
      new Promise<'still running'>((r) => setTimeout(() => r('still running'), 10_000).unref()),
    ]);
    expect(exit, cli.stderr().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(cli.stderr()).toMatch(/vmwatch: stopped; no machine left running/);
    expect(processesMentioning(ours)).toEqual([]);
    expect(mountsUnder(ours)).toEqual([]);
    expect(readdirSync(machines).filter((n) => n.startsWith(`vmwatch-${POOL}-`))).toEqual([]);
    expect(existsSync(path.join(home, 'pools', `${POOL}.pid`))).toBe(false);
  });

  it('SIGTERM to a one-shot run waiting for its first machine ends it (130) and leaves nothing behind', async () => {
    const machines = path.join(home, 'sandbox', 'machines');
    const ours = path.join(machines, `vmwatch-${POOL}-`);
    // Nothing changed, but the sandbox pool starts while the run works that out: it waits for the first machine.
    cli = startCli(['run', '--config', demo.configFile], { env: { VMWATCH_HOME: home, VMWATCH_LOG: 'debug' } });
    await waitFor(
      () => processesMentioning(ours).some((p) => p.cmdline.includes('rsync')),
      60_000,
      'a sync-ahead rsync into a pool machine',
    );
    cli.child.kill('SIGTERM');
    const exit = await Promise.race([
      cli.exited,
      new Promise<'still running'>((r) => setTimeout(() => r('still running'), 10_000).unref()),
    ]);
    expect(exit, cli.stderr().slice(-3000)).toEqual({ code: 130, signal: null });
    // Stopped before it selected anything.
    expect(cli.stderr()).not.toMatch(/selecting the tests to run/);
    expect(processesMentioning(ours)).toEqual([]);
    expect(mountsUnder(ours)).toEqual([]);
    expect(readdirSync(machines).filter((n) => n.startsWith(`vmwatch-${POOL}-`))).toEqual([]);
    expect(existsSync(path.join(home, 'pools', `${POOL}.pid`))).toBe(false);
  });
});
