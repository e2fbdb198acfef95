import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunSummary } from '../../src/report/types.ts';
import { startCli, type CliProcess } from '../helpers/cliProcess.ts';
import { createDemoProject, summaries, type DemoProject } from '../helpers/demoProject.ts';
import { notificationDaemonAvailable, startNotificationDaemon, type NotificationDaemon } from '../helpers/notificationDaemon.ts';
import { mountsUnder, processesMentioning, waitFor } from '../helpers/processes.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';

const unavailable = sandboxUnavailable() ?? notificationDaemonAvailable();
if (unavailable !== null) console.warn(`[vmwatch tests] skipping the watch e2e test: ${unavailable}`);

describe.skipIf(unavailable !== null)('vmwatch watch on a temp git copy of the demo app', () => {
  let demo: DemoProject;
  let daemon: NotificationDaemon;
  let cli: CliProcess;
  let home: string;

  beforeAll(async () => {
    home = inject('demoHome');
    demo = createDemoProject({ pool: 'e2e-watch' });
    daemon = await startNotificationDaemon();
    cli = startCli(['watch', '--config', demo.configFile], { env: { VMWATCH_HOME: home, VMWATCH_LOG: 'debug', ...daemon.env } });
    await cli.waitFor(/vmwatch: watching .* — 10 test\(s\), pool of 3 sandbox machine\(s\) ready/, { timeoutMs: 120_000 });
  });

  afterAll(async () => {
    if (cli.child.exitCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
    await daemon?.stop();
    demo?.cleanup();
  });

  const nextSummary = async (count: number): Promise<RunSummary> => {
    const list = await waitFor(() => (summaries(demo.runs).length >= count ? summaries(demo.runs) : null), 90_000, `run #${count}`);
    return list[count - 1]!;
  };

  it('a broken Python module runs exactly its importers, and a real notification says what failed', async () => {
    const prices = path.join(demo.app, 'shop/prices.py');
    writeFileSync(prices, `${readFileSync(prices, 'utf8')}\nraise RuntimeError("prices broken")\n`);
    const summary = await nextSummary(1);
    expect(summary.changedFiles).toEqual(['shop/prices.py']);
    expect(summary.tests.map((t) => t.id).sort()).toEqual([
      'py-api-check',
      'tests/test_cart.py',
      'tests/test_prices.py',
      'tests/test_receipt.py',
    ]);
    expect(summary.tests.every((t) => t.status === 'failed')).toBe(true);
    expect(summary.failed).toBe(4);
    // The machines were synced after the watcher started: the first save sends only what changed.
    const syncs = cli
      .stderr()
      .split('\n')
      .filter((l) => l.includes('"msg":"test finished"'))
      .map((l) => (JSON.parse(l) as { timings: { syncedFiles?: number } }).timings.syncedFiles);
    expect(syncs).toHaveLength(4);
    expect(
      syncs.every((n) => n !== undefined && n >= 0),
      `synced files per test: ${syncs.join(', ')}`,
    ).toBe(true);
    const pricesTest = summary.tests.find((t) => t.id === 'tests/test_prices.py')!;
    const log = readFileSync(path.join(pricesTest.artifactsDir, 'output.log'), 'utf8');
    expect(log).toMatch(/prices broken/);
    expect(log).toContain('<vmwatch unittest runner>');
    expect(pricesTest.error).toMatch(/prices broken/);
    const notes = await waitForHistory(daemon, 1);
    expect(notes.at(-1)).toMatchObject({
      appname: 'vmwatch',
      summary: 'vmwatch: 4 tests failed',
      body: 'new: py-api-check, tests/test_cart.py, tests/test_prices.py, tests/test_receipt.py',
    });
  });

  it('fixing it runs the same tests green, says so, and pulls the artifacts of a TS suite', async () => {
    await import('node:child_process').then(({ execFileSync }) =>
      execFileSync('git', ['checkout', '--', 'shop/prices.py'], { cwd: demo.app }),
    );
    const summary = await nextSummary(2);
    expect(summary.tests.map((t) => t.id).sort()).toEqual([
      'py-api-check',
      'tests/test_cart.py',
      'tests/test_prices.py',
      'tests/test_receipt.py',
    ]);
    expect(
      summary.tests.filter((t) => t.status !== 'passed').map((t) => [t.id, readFileSync(path.join(t.artifactsDir, 'output.log'), 'utf8')]),
    ).toEqual([]);
    const notes = await waitForHistory(daemon, 2);
    expect(notes.at(-1)).toMatchObject({ summary: 'vmwatch: green again' });

    writeFileSync(
      path.join(demo.app, 'scripts/write-report.ts'),
      `${readFileSync(path.join(demo.app, 'scripts/write-report.ts'), 'utf8')}\n// touched\n`,
    );
    const third = await nextSummary(3);
    expect(third.tests.map((t) => t.id)).toEqual(['write-report']);
    expect(third.tests[0]!.status).toBe('passed');
    const artifacts = third.tests[0]!.artifactsDir;
    expect(readdirSync(artifacts).sort()).toEqual(['balances.png', 'output.log', 'report.json', 'report.txt']);
  });

  it("serves the daemon's API: its URL on stdout, its token in a 0600 file, runs to read and to start", async () => {
    const [, url, token] = (await cli.waitFor(/vmwatch: dashboard (http:\/\/127\.0\.0\.1:\d+)\/\?token=([\w-]+)/))!;
    const file = path.join(home, 'daemons', 'e2e-watch.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ url, token, pid: cli.child.pid });
    expect((await fetch(`${url}/api/state`)).status).toBe(401);
    const get = async (p: string): Promise<unknown> => (await fetch(`${url}${p}`, { headers: { 'x-vmwatch-token': token! } })).json();
    expect(((await get('/api/state')) as { machines: unknown[] }).machines).toHaveLength(3);
    const runs = (await get('/api/runs')) as Array<{ runId: string; failedTests: string[] }>;
    expect(runs).toHaveLength(3);
    expect(runs[2]!.failedTests).toHaveLength(4);
    const post = (body: unknown) =>
      fetch(`${url}/api/run`, {
        method: 'POST',
        headers: { 'x-vmwatch-token': token!, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ failed: true })).status).toBe(409); // all green now
    expect((await post({ tests: ['nope'] })).status).toBe(409);
    expect((await post({ tests: ['tests/test_cart.py'] })).status).toBe(202);
    const fourth = await nextSummary(4);
    expect(fourth.tests.map((t) => [t.id, t.status])).toEqual([['tests/test_cart.py', 'passed']]);
    const output = await fetch(`${url}/api/runs/${fourth.runId}/tests/${encodeURIComponent('tests/test_cart.py')}/output`, {
      headers: { 'x-vmwatch-token': token! },
    });
    expect(await output.text()).toContain('<vmwatch unittest runner>');
  });

  it('SIGINT mid-run cancels, writes the summary, and leaves no sandbox process, mount or machine behind', async () => {
    const server = path.join(demo.app, 'src/server.ts');
    writeFileSync(server, `${readFileSync(server, 'utf8')}\n// touched\n`);
    await waitFor(
      () => processesMentioning(`${home}/sandbox/machines/`).some((p) => p.cmdline.includes('api-smoke')),
      60_000,
      'api-smoke running',
    );
    cli.child.kill('SIGINT');
    const t0 = Date.now();
    const exit = await cli.exited;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(exit.code).toBe(0);
    // Other e2e files share this VMWATCH_HOME, so look for this pool's machines only.
    const ours = path.join(home, 'sandbox', 'machines', 'vmwatch-e2e-watch-');
    expect(processesMentioning(ours)).toEqual([]);
    expect(mountsUnder(ours)).toEqual([]);
    expect(readdirSync(path.join(home, 'sandbox', 'machines')).filter((n) => n.startsWith('vmwatch-e2e-watch-'))).toEqual([]);
    const last = summaries(demo.runs).at(-1)!;
    expect(last.changedFiles).toEqual(['src/server.ts']);
    expect(last.tests.find((t) => t.id === 'api-smoke')?.status).toBe('cancelled');
    expect(existsSync(path.join(home, 'pools', 'e2e-watch.pid'))).toBe(false);
    expect(existsSync(path.join(home, 'daemons', 'e2e-watch.json'))).toBe(false);
  });
});

async function waitForHistory(
  daemon: NotificationDaemon,
  count: number,
): Promise<Array<{ summary: string; body: string; appname: string }>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const history = await daemon.history();
    if (history.length >= count) return history;
    if (Date.now() > deadline) throw new Error(`expected ${count} notifications, got ${JSON.stringify(history)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
