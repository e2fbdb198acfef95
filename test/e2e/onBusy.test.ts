import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startCli, type CliProcess } from '../helpers/cliProcess.ts';
import { createDemoProject, summaries, type DemoProject } from '../helpers/demoProject.ts';
import { processesMentioning, waitFor } from '../helpers/processes.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';
import { testArtifactsDir } from '../../src/schedule/runId.ts';

const unavailable = sandboxUnavailable();
if (unavailable !== null) console.warn(`[vmwatch tests] skipping the onBusy e2e tests: ${unavailable}`);

/**
 * This file's own marker in its sleeps (`sleep 30.0<MARK>`), so a look at the machine's processes
 * finds only this test's, never another run's on the same machine.
 */
const MARK = `${process.pid}${Date.now() % 100_000}`;
/** The slow test's sleep for a content of slow.txt (`v1` → `sleep 30.0<MARK>1`). */
const slowSleep = (version: number): string => `sleep 30.0${MARK}${version}`;
const ourSleeps = (prefix: string): string[] =>
  processesMentioning(prefix)
    .map((p) => p.cmdline)
    .filter((cmdline) => cmdline.startsWith(prefix));
/** A suite that runs until killed, and says when it started, so a test can change its input mid-run. */
const SLOW = `echo "slow started $(cat slow.txt)"; sleep 30.0${MARK}$(tr -dc 0-9 < slow.txt) & wait; echo finished`;
/** A short test, with this file's marker. */
const SHORT = `echo "got $(cat slow.txt)"; sleep 2.0${MARK}`;

describe.skipIf(unavailable !== null)('changes during a run (watch.onBusy)', () => {
  let demo: DemoProject;
  let cli: CliProcess;

  afterEach(async () => {
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
    demo?.cleanup();
  });

  async function start(onBusy: string, pool: string, command = SLOW): Promise<void> {
    demo = createDemoProject({
      pool,
      setup: [],
      overrides: {
        notify: false,
        watch: { debounceMs: 100, onBusy, ignore: ['node_modules/**', '**/__pycache__/**'] },
        discover: [],
        tests: [{ id: 'slow', command, files: ['slow.txt'], timeoutMs: 60_000 }],
        pool: { name: pool, snapshot: `${pool}-ready`, size: 2 },
      },
    });
    writeFileSync(path.join(demo.app, 'slow.txt'), 'v0\n');
    cli = startCli(['watch', '--config', demo.configFile], { env: { VMWATCH_HOME: inject('demoHome') } });
    await cli.waitFor(/vmwatch: watching/, { timeoutMs: 120_000 });
  }

  /** Writes `content` to slow.txt (while nothing runs) and checks the next run, run number `count`, is the one that saw it. */
  async function expectNextRunIsOf(content: string, count: number): Promise<void> {
    expect(summaries(demo.runs)).toHaveLength(count - 1);
    writeFileSync(path.join(demo.app, 'slow.txt'), `${content}\n`);
    const list = await waitFor(() => (summaries(demo.runs).length >= count ? summaries(demo.runs) : null), 60_000, `run #${count}`);
    expect(list).toHaveLength(count);
    expect(readFileSync(path.join(list[count - 1]!.tests[0]!.artifactsDir, 'output.log'), 'utf8')).toContain(`got ${content}`);
  }

  const runningSlow = (): Promise<unknown> => waitFor(() => ourSleeps(slowSleep(0)).length > 0 || null, 30_000, 'the slow test running');

  it('restart: the running test is cancelled (not failed) within a second or so, its process tree is gone, and it runs again', async () => {
    await start('restart', 'e2e-busy-restart');
    // slow.txt is untracked: the initial run (what differs from HEAD) starts the slow test
    await runningSlow();
    const from = cli.stdout().length;
    writeFileSync(path.join(demo.app, 'slow.txt'), 'v1\n');
    await cli.waitFor(/- cancelled\s+slow/, { from, timeoutMs: 20_000 });
    await cli.waitFor(/restarting slow: changed again while running/, { timeoutMs: 5_000 });
    const first = await waitFor(() => summaries(demo.runs)[0] ?? null, 20_000, 'first summary');
    expect(first.tests).toMatchObject([{ id: 'slow', status: 'cancelled' }]);
    expect(first.failed).toBe(0);
    // the rerun sees the new content, and the cancelled run's process tree is gone: one `sleep 30` left
    const runDirs = (): string[] => (existsSync(demo.runs) ? readdirSync(demo.runs).sort() : []);
    await waitFor(
      () => {
        const second = runDirs()[1];
        const log = second === undefined ? '' : path.join(testArtifactsDir(path.join(demo.runs, second), 'slow'), 'output.log');
        return existsSync(log) && readFileSync(log, 'utf8').includes('slow started v1') ? true : null;
      },
      30_000,
      'the rerun with v1',
    ).catch((err: unknown) => {
      console.error(`runs: ${runDirs().join(', ')}\nstdout:\n${cli.stdout()}\nstderr:\n${cli.stderr().slice(-3000)}`);
      throw err;
    });
    // the rerun's sleep starts a moment after its echo: wait for it, and for the cancelled one to be gone
    await waitFor(() => (ourSleeps(`sleep 30.0${MARK}`).join() === slowSleep(1) ? true : null), 10_000, `only ${slowSleep(1)} left`).catch(
      (err: unknown) => {
        throw new Error(`${(err as Error).message}; running: ${ourSleeps(`sleep 30.0${MARK}`).join(', ') || 'none'}`);
      },
    );
  });

  it('restart, a batch (real unittest): the batch is cancelled (a finished file keeps its result), its tree gone, all rerun', async () => {
    /** A unittest file whose test sleeps with this file's marker: version 0 until killed, version 1 briefly. */
    const slowTest = (version: number): string =>
      `import subprocess, unittest\n\nclass Slow(unittest.TestCase):\n    def test_sleeps(self):\n` +
      `        subprocess.run(['sleep', '${version === 0 ? slowSleep(0).slice('sleep '.length) : `0.5${MARK}`}'])\n`;
    const fastTest = 'import unittest\n\nclass Fast(unittest.TestCase):\n    def test_passes(self):\n        pass\n';
    demo = createDemoProject({
      pool: 'e2e-busy-batch',
      setup: [],
      overrides: {
        notify: false,
        watch: { debounceMs: 100, onBusy: 'restart', ignore: ['node_modules/**', '**/__pycache__/**'] },
        discover: [{ pattern: 'tests/busy_*.py', runner: 'unittest', timeoutMs: 60_000 }],
        tests: [],
        pool: { name: 'e2e-busy-batch', snapshot: 'e2e-busy-batch-ready', size: 2 },
      },
    });
    writeFileSync(path.join(demo.app, 'tests/busy_fast.py'), fastTest);
    writeFileSync(path.join(demo.app, 'tests/busy_slow.py'), slowTest(0));
    cli = startCli(['watch', '--config', demo.configFile], { env: { VMWATCH_HOME: inject('demoHome') } });
    await cli.waitFor(/vmwatch: watching/, { timeoutMs: 120_000 });
    // Both files are untracked: the initial run takes them as one batch, and the slow one sleeps.
    await runningSlow();
    const from = cli.stdout().length;
    writeFileSync(path.join(demo.app, 'tests/busy_slow.py'), slowTest(1));
    await cli.waitFor(/restarting tests\/busy_(fast|slow)\.py, tests\/busy_(fast|slow)\.py: changed again while running/, {
      from,
      timeoutMs: 20_000,
    });
    const byId = (run: number) =>
      Object.fromEntries((summaries(demo.runs)[run]?.tests ?? []).map((t) => [t.id, { status: t.status, reasons: t.reasons }]));
    await waitFor(() => summaries(demo.runs)[0] ?? null, 20_000, 'first summary');
    // unittest runs the files in order and reports each as it ends: the fast one had passed before the
    // cancel, and keeps that result; the slow one is cancelled. Both run again.
    expect(byId(0)).toMatchObject({ 'tests/busy_fast.py': { status: 'passed' }, 'tests/busy_slow.py': { status: 'cancelled' } });
    // The cancelled batch's whole process tree is gone, the sleep its test started included.
    await waitFor(() => (ourSleeps(slowSleep(0)).length === 0 ? true : null), 10_000, `${slowSleep(0)} gone`);
    await waitFor(() => summaries(demo.runs)[1] ?? null, 60_000, 'the rerun');
    expect(byId(1)).toMatchObject({ 'tests/busy_fast.py': { status: 'passed' }, 'tests/busy_slow.py': { status: 'passed' } });
    expect(byId(1)['tests/busy_fast.py']!.reasons).toContain('restarted: its batch was restarted');
  });

  it('queue: a change during the run runs the test again after it, as one more run', async () => {
    await start('queue', 'e2e-busy-queue', SHORT);
    await waitFor(() => ourSleeps(`sleep 2.0${MARK}`).length > 0 || null, 30_000, 'first run going');
    writeFileSync(path.join(demo.app, 'slow.txt'), 'v1\n');
    writeFileSync(path.join(demo.app, 'slow.txt'), 'v2\n');
    const list = await waitFor(() => (summaries(demo.runs).length >= 2 ? summaries(demo.runs) : null), 60_000, 'two runs');
    expect(list.map((s) => s.tests.map((t) => [t.id, t.status]))).toEqual([[['slow', 'passed']], [['slow', 'passed']]]);
    expect(readFileSync(path.join(list[1]!.tests[0]!.artifactsDir, 'output.log'), 'utf8')).toContain('got v2');
    // Nothing more was queued: the next run is the one of the next change (an extra run of v1/v2 would come first).
    await expectNextRunIsOf('v3', 3);
  });

  it('ignore: a change during the run is dropped', async () => {
    await start('ignore', 'e2e-busy-ignore', SHORT);
    await waitFor(() => ourSleeps(`sleep 2.0${MARK}`).length > 0 || null, 30_000, 'first run going');
    writeFileSync(path.join(demo.app, 'slow.txt'), 'v1\n');
    await cli.waitFor(/change ignored \(watch\.onBusy: 'ignore'\)/, { timeoutMs: 10_000 });
    await waitFor(() => summaries(demo.runs)[0] ?? null, 30_000, 'the first run');
    // The ignored change never runs: the next run is the one of the next change (a run of v1 would come first).
    await expectNextRunIsOf('v2', 2);
  });
});
