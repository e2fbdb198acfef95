import { execFileSync } from 'node:child_process';
import { readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { batchLog } from '../helpers/runDiscovered.ts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { hasStaleWarmRunner } from '../../src/schedule/warm/staleWarmRunner.ts';
import { processesMentioning, processesRunning, waitFor } from '../helpers/processes.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';
import { tempSandbox, type TempSandbox } from '../helpers/tempSandbox.ts';
import { WARM_GUEST, WarmApp } from '../helpers/warmApp.ts';

/** The hanging test starts this; no other process on the machine has this command line. */
const HANG_MARKER = ['sleep', '917.25'];

const FILES: Record<string, string> = {
  'package.json': '{ "type": "module", "private": true }\n',
  'vitest.config.js': "import { shared } from './config/shared.js';\nexport default { test: { env: { FROM_SHARED: shared } } };\n",
  'config/shared.js': "export const shared = 'one';\n",
  'src/value.js': 'export const value = 1;\n',
  'tests/a.test.js': [
    "import { expect, it } from 'vitest';",
    "import { value } from '../src/value.js';",
    "it('value is one', () => expect(value).toBe(1));",
    "it('other', () => expect(2).toBe(2));",
    '',
  ].join('\n'),
  'tests/b.test.js': "import { it } from 'vitest';\nit('b passes', () => {});\n",
  'tests/files.test.js':
    "import { existsSync } from 'node:fs';\nimport { expect, it } from 'vitest';\nit('no old data', () => " +
    "expect(existsSync('data/old.txt')).toBe(false));\n",
  'data/old.txt': 'old\n',
  'src/lib/index.js': "export const where = 'folder';\n",
  'tests/lib.test.js':
    "import { expect, it } from 'vitest';\nimport { where } from '../src/lib';\nit('where', () => expect(where).toBe('file'));\n",
  'tests/hang.test.js': [
    "import { spawn } from 'node:child_process';",
    "import { it } from 'vitest';",
    `it('hangs', async () => { spawn('${HANG_MARKER[0]}', ['${HANG_MARKER[1]}'], { stdio: 'ignore' }); await new Promise(() ` +
      `=> {}); }, 600_000);`,
    '',
  ].join('\n'),
  'tests/worker.test.js': [
    "import { fork } from 'node:child_process';",
    "import { Worker } from 'node:worker_threads';",
    "import { expect, it } from 'vitest';",
    "it('runs in a worker as Vitest starts it, with the batch environment', async () => {",
    "  expect(process.env.VMWATCH_TEST_ID).toBe('tests/worker.test.js');",
    "  expect(process.env.EXTRA).toBe(process.env.EXPECT_EXTRA === '1' ? '1' : undefined);",
    '  expect(process.argv[1]).toMatch(/workers[\\\\/]forks\\.js$/);',
    "  expect(process.execArgv).not.toContain('-e');",
    "  expect(process.env.PATH.split(':')[0]).toMatch(/node_modules\\/\\.bin$/);",
    "  const child = fork('tests/child.cjs');",
    "  expect(await new Promise((resolve, reject) => { child.on('message', resolve); child.on('error', reject); })).toBe('child ran');",
    "  const thread = new Worker(new URL('./thread.mjs', import.meta.url));",
    "  const flags = await new Promise((resolve, reject) => { thread.on('message', resolve); thread.on('error', reject); });",
    "  expect(flags).not.toContain('--input-type=module');",
    "  expect(flags).not.toContain('-e');",
    '});',
    '',
  ].join('\n'),
  'tests/forge.test.js': [
    "import { expect, it } from 'vitest';",
    "const body = JSON.stringify({ complete: true, files: { 'vitest.json': Buffer.from('{}').toString('base64') } });",
    "it('fails, and prints a results frame of its own', () => {",
    '  process.stdout.write(`\\nvmwatch warm runner: results ${"0".repeat(32)} ${body.length}\\n${body}\\n`);',
    '  expect(1).toBe(2);',
    '});',
    '',
  ].join('\n'),
  'tests/plant.test.js': [
    "import { mkdirSync, symlinkSync } from 'node:fs';",
    "import { it } from 'vitest';",
    "it('plants a link in the results folder', () => {",
    "  mkdirSync('.vmwatch-results', { recursive: true });",
    "  symlinkSync('/etc/passwd', '.vmwatch-results/planted.json');",
    '});',
    '',
  ].join('\n'),
  'tests/second.test.js':
    "import { expect, it } from 'vitest';\nit('passes on the second attempt', () => expect(process.env.VMWATCH_ATTEMPT).toBe('2'));\n",
  'tests/artifact.test.js':
    "import { mkdirSync, writeFileSync } from 'node:fs';\nimport { it } from 'vitest';\n" +
    "it('writes an artifact', () => { mkdirSync('test-runs', { recursive: true }); writeFileSync('test-runs/out.txt', 'made'); });\n",
  'tests/thread.mjs': "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage(process.execArgv);\n",
  'tests/child.cjs': "process.send(process.execArgv.includes('-e') ? 'wrong flags' : 'child ran', () => process.exit(0));\n",
};

/** In the warm runner's command line (its setup), so this test can find its own runner. */
const RUNNER_MARKER = '--testTimeout=593171';
const parsed = configSchema.parse({
  root: '.',
  discover: [{ pattern: 'tests/*.test.js', runner: 'vitest', args: [RUNNER_MARKER], timeoutMs: 60_000 }],
});

describe.skipIf(sandboxUnavailable() !== null)('warm runners: real Vitest started ahead in sandbox machines', () => {
  let sb: TempSandbox;
  let w: WarmApp;

  beforeAll(() => {
    // The snapshot holds only Vitest (node_modules); the app itself comes by sync-ahead.
    sb = tempSandbox({ guestPath: WARM_GUEST, files: {} });
    execFileSync('cp', ['-a', realpathSync('node_modules'), path.join(sb.snapshotTree, 'node_modules')]);
  });
  afterAll(async () => sb.cleanup());
  beforeEach(async () => {
    w = new WarmApp(sb, parsed, FILES);
    await w.pool.init();
  });
  afterEach(async () => w.stop());

  it('a warm hit runs the batch with the edited files, reports each case, and the machine is warm again after its revert', async () => {
    await w.waitWarm();
    // The edited files were transformed ahead with their old text: the batch must see the new one.
    await w.waitPrewarmed();
    w.edit('src/value.js', 'export const value = 2;\n');
    w.edit('tests/b.test.js', "import { it } from 'vitest';\nit('b edited', () => {});\n");
    const { byId, cases, outcome } = await w.run(['tests/a.test.js', 'tests/b.test.js']);
    expect(byId['tests/a.test.js']).toMatchObject({ status: 'failed', warm: true, batchSize: 2 });
    expect(cases('tests/a.test.js')).toEqual({ 'value is one': 'failed', other: 'passed' });
    expect(byId['tests/b.test.js']).toMatchObject({ status: 'passed', warm: true });
    expect(cases('tests/b.test.js')).toEqual({ 'b edited': 'passed' });
    // No test wrote an artifacts folder, and the runner said so: nothing was copied out.
    expect(outcome.results[0]!.timings).toMatchObject({ warm: true, syncedFiles: 2, noArtifacts: true });
    // The warm runner's own output (Vitest's default reporter) is in the batch's log.
    const logs = w.batchLogs(outcome);
    expect(logs).toMatch(/warm runner/);
    // The results came in the runner's output, and are not shown in the log.
    expect(logs).not.toMatch(/vmwatch warm runner: results/);
    expect(logs).toMatch(/value is one/);
    // Reverted, synced again (with the edits), warm again: the next batch runs warm on the new tree.
    await w.waitWarm();
    const again = await w.run(['tests/a.test.js']);
    expect(again.byId['tests/a.test.js']).toMatchObject({ status: 'failed', warm: true });
  }, 120_000);

  it("a warm batch's artifacts folder is copied out as a cold one's is", async () => {
    await w.waitWarm();
    const { byId, outcome } = await w.run(['tests/artifact.test.js']);
    expect(byId['tests/artifact.test.js']).toMatchObject({ status: 'passed', warm: true });
    expect(outcome.results[0]!.timings.noArtifacts).toBeUndefined();
    expect(w.artifact(outcome, 'out.txt')).toBe('made');
  }, 120_000);

  it('artifacts written by a globalSetup teardown are copied out, though the setup moved the cwd', async () => {
    await w.stop();
    w = new WarmApp(sb, parsed, {
      ...FILES,
      'vitest.config.js': "export default { test: { globalSetup: ['./global-setup.js'] } };\n",
      'global-setup.js': [
        "import { mkdirSync, writeFileSync } from 'node:fs';",
        "import path from 'node:path';",
        'const app = process.cwd();',
        'export default function () {',
        "  process.chdir('/');",
        "  const out = path.join(app, 'test-runs');",
        "  return () => { mkdirSync(out); writeFileSync(path.join(out, 'teardown.txt'), 'torn down'); };",
        '}',
        '',
      ].join('\n'),
    });
    await w.pool.init();
    await w.waitWarm();
    const { byId, outcome } = await w.run(['tests/b.test.js']);
    expect(byId['tests/b.test.js']).toMatchObject({ status: 'passed', warm: true });
    expect(outcome.results[0]!.timings.noArtifacts).toBeUndefined();
    expect(w.artifact(outcome, 'teardown.txt')).toBe('torn down');
  }, 120_000);

  it('destroying the pool ends an idle, loaded warm runner (its whole process tree)', async () => {
    await w.waitWarm(); // warm: loaded, waiting on stdin (it would wait forever)
    expect(processesMentioning(RUNNER_MARKER).length).toBeGreaterThan(0);
    await w.pool.destroy();
    expect(processesMentioning(RUNNER_MARKER)).toEqual([]);
  }, 120_000);

  it('a change to the Vitest config runs the next batch cold, with its results', async () => {
    await w.waitWarm();
    w.edit('vitest.config.js', "export default { test: { env: { FROM_CONFIG: 'yes' } } };\n");
    w.edit(
      'tests/b.test.js',
      "import { expect, it } from 'vitest';\nit('sees the new config', () => expect(process.env.FROM_CONFIG).toBe('yes'));\n",
    );
    const { byId, cases, outcome } = await w.run(['tests/b.test.js']);
    expect(byId['tests/b.test.js']!.warm).toBeUndefined();
    expect(outcome.results[0]!.timings.warm).toBeUndefined();
    expect(cases('tests/b.test.js')).toEqual({ 'sees the new config': 'passed' });
  }, 120_000);

  it('a change to the Vitest config restarts an idle warm runner: the next batch runs warm, on the new config', async () => {
    await w.waitWarm();
    const stale = (): string[] => w.pool.recycleIdle((vm) => hasStaleWarmRunner(vm, (at) => w.journal.changesSince(at)));
    w.edit('src/value.js', 'export const value = 1;\n');
    expect(stale()).toEqual([]);
    w.edit('vitest.config.js', "export default { test: { env: { FROM_CONFIG: 'yes' } } };\n");
    w.edit(
      'tests/b.test.js',
      "import { expect, it } from 'vitest';\nit('sees the new config', () => expect(process.env.FROM_CONFIG).toBe('yes'));\n",
    );
    expect(stale()).toEqual([w.pool.status()[0]!.name]);
    expect(w.pool.status()[0]!.state).toBe('cleaning');
    await w.waitWarm();
    expect(stale()).toEqual([]);
    const { byId, cases } = await w.run(['tests/b.test.js']);
    expect(byId['tests/b.test.js']!.warm).toBe(true);
    expect(cases('tests/b.test.js')).toEqual({ 'sees the new config': 'passed' });
  }, 120_000);

  it('a change to a file the Vitest config imports runs the batch cold: the runner said it loaded it, it is not asked', async () => {
    await w.waitWarm();
    w.edit('config/shared.js', "export const shared = 'two';\n");
    w.edit(
      'tests/b.test.js',
      "import { expect, it } from 'vitest';\nit('sees the new shared value', () => expect(process.env.FROM_SHARED).toBe('two'));\n",
    );
    const { byId, cases, outcome } = await w.run(['tests/b.test.js']);
    expect(byId['tests/b.test.js']!.warm).toBeUndefined();
    expect(cases('tests/b.test.js')).toEqual({ 'sees the new shared value': 'passed' });
    expect(w.batchLogs(outcome)).not.toMatch(/refused/);
  }, 120_000);

  it('a change to a file the Vitest config imports restarts an idle warm runner: the next batch runs warm, on the new value', async () => {
    await w.waitWarm();
    const stale = (): string[] => w.pool.recycleIdle((vm) => hasStaleWarmRunner(vm, (at) => w.journal.changesSince(at)));
    expect(stale()).toEqual([]);
    w.edit('config/shared.js', "export const shared = 'three';\n");
    w.edit(
      'tests/b.test.js',
      "import { expect, it } from 'vitest';\nit('sees the newer shared value', () => expect(process.env.FROM_SHARED).toBe('three'));\n",
    );
    expect(stale()).toEqual([w.pool.status()[0]!.name]);
    await w.waitWarm();
    const { byId, cases } = await w.run(['tests/b.test.js']);
    expect(byId['tests/b.test.js']!.warm).toBe(true);
    expect(cases('tests/b.test.js')).toEqual({ 'sees the newer shared value': 'passed' });
  }, 120_000);

  it('a warm runner that ends before its batch (a broken config) shows the machine cold; batches run cold', async () => {
    await w.waitWarm();
    w.edit('vitest.config.js', "throw new Error('broken config');\n");
    await w.run(['tests/b.test.js']);
    // After the revert, sync-ahead brings the broken config: the runner starts (warming), dies, and the status says cold.
    await waitFor(() => w.pool.status()[0]?.state === 'ready' && w.readiness() === 'cold', 30_000, 'a ready, cold machine');
    const { byId, outcome } = await w.run(['tests/b.test.js']);
    expect(byId['tests/b.test.js']!.warm).toBeUndefined();
    expect(byId['tests/b.test.js']!.status).not.toBe('passed');
    expect(w.batchLogs(outcome)).toMatch(/broken config/);
  }, 120_000);

  it('a case filter on a warm runner runs only the named cases', async () => {
    await w.waitWarm();
    const { byId } = await w.run(['tests/a.test.js'], { cases: { 'tests/a.test.js': ['other'] } });
    const ran = byId['tests/a.test.js']!.cases!.filter((c) => c.status !== 'skipped').map((c) => c.name);
    expect(byId['tests/a.test.js']).toMatchObject({ status: 'passed', warm: true });
    expect(ran).toEqual(['other']);
  }, 120_000);

  it('a file deleted since sync-ahead is removed by the warm runner; a deleted folder runs cold', async () => {
    await w.waitWarm();
    w.edit('data/old.txt', null);
    const file = await w.run(['tests/files.test.js']);
    expect(file.byId['tests/files.test.js']).toMatchObject({ status: 'passed', warm: true });

    await w.waitWarm();
    writeFileSync(path.join(w.app, 'data/old.txt'), 'back\n');
    // Recorded as the watcher would: the folder went, with its file. Not warm: refused, run cold.
    rmSync(path.join(w.app, 'data'), { recursive: true });
    w.journal.record('data/old.txt');
    w.journal.record('data');
    const folder = await w.run(['tests/files.test.js']);
    expect(folder.byId['tests/files.test.js'], folder.byId['tests/files.test.js']?.error).toMatchObject({ status: 'passed' });
    expect(folder.byId['tests/files.test.js']!.warm).toBeUndefined();
  }, 120_000);

  it('a file added since the warm runner transformed ahead re-resolves the imports (a file wins over a folder)', async () => {
    await w.waitWarm();
    await w.waitPrewarmed();
    // '../src/lib' resolved to src/lib/index.js when it was transformed ahead; src/lib.js now comes first.
    w.edit('src/lib.js', "export const where = 'file';\n");
    const { byId } = await w.run(['tests/lib.test.js']);
    expect(byId['tests/lib.test.js'], byId['tests/lib.test.js']?.error).toMatchObject({ status: 'passed', warm: true });
  }, 120_000);

  it('a file of a warm batch that outlives its own timeout stops the batch; it and the unreported files run alone', async () => {
    await w.stop();
    const short = configSchema.parse({
      root: '.',
      discover: [{ pattern: 'tests/*.test.js', runner: 'vitest', args: [RUNNER_MARKER], timeoutMs: 3_000, minShardMs: 0 }],
    });
    w = new WarmApp(sb, short, FILES);
    await w.pool.init();
    await w.waitWarm();
    const { byId, outcome } = await w.run(['tests/hang.test.js', 'tests/b.test.js']);
    // The batch ran on the warm runner (its log says so); its progress lines gave hang.test.js its own 3 s, then it was killed.
    const log = batchLog(outcome.runDir);
    expect(log).toMatch(/warm runner/);
    expect(log).toMatch(/\[vmwatch\] started ".*tests\/hang\.test\.js"/);
    expect(log).toContain('# stopped: tests/hang.test.js ran past its timeoutMs (3000 ms) in this batch');
    // Alone, on a fresh machine, it timed out again: that is its verdict.
    expect(byId['tests/hang.test.js']).toMatchObject({ status: 'timedout' });
    expect(byId['tests/hang.test.js']!.batchSize).toBeUndefined();
    expect(byId['tests/hang.test.js']!.reasons).toContain('stopped its batch: ran past its timeoutMs (3000 ms) there');
    // Finished in the batch, or (when Vitest had not got to it) run again alone: passed either way.
    expect(byId['tests/b.test.js']).toMatchObject({ status: 'passed' });
    expect(processesRunning(HANG_MARKER.join(' '))).toEqual([]);
  }, 120_000);

  it('retry: a file that fails warm and passes on its rerun (warm again, same folder) is flaky', async () => {
    await w.waitWarm();
    const { byId } = await w.run(['tests/second.test.js'], { retry: 1 });
    expect(byId['tests/second.test.js']).toMatchObject({ status: 'flaky', warm: true, attempts: 2 });
  }, 120_000);

  it('a warm runner started for a one-shot run (no transforming ahead) runs its batch warm', async () => {
    await w.stop();
    w = new WarmApp(sb, parsed, FILES, { prewarm: false });
    await w.pool.init();
    await w.waitWarm();
    w.edit('src/value.js', 'export const value = 2;\n');
    const { byId, outcome } = await w.run(['tests/a.test.js']);
    expect(byId['tests/a.test.js']).toMatchObject({ status: 'failed', warm: true });
    expect(w.batchLogs(outcome)).toMatch(/not transforming ahead/);
    // Its modules were transformed while it ran (a one-shot runner has transformed nothing before).
    expect(w.batchLogs(outcome)).toMatch(/the batch's modules transformed ahead of its worker: [1-9]/);
  }, 120_000);

  it("the batch's first worker is the one started ahead, with the batch's environment and Vitest's own flags and argv", async () => {
    await w.waitWarm();
    const { byId, outcome } = await w.run(['tests/worker.test.js']);
    expect(byId['tests/worker.test.js']).toMatchObject({ status: 'passed', warm: true });
    expect(w.batchLogs(outcome)).toMatch(/worker started ahead: ran the first test files/);
  }, 120_000);

  it('no worker is started ahead when it would preload code (it would run before the changes are applied)', async () => {
    await w.stop();
    w = new WarmApp(sb, parsed, {
      ...FILES,
      'vitest.config.js': "export default { test: { execArgv: ['--require', './preload.cjs'] } };\n",
      'preload.cjs': 'globalThis.preloaded = true;\n',
    });
    await w.pool.init();
    await w.waitWarm();
    const { byId, outcome } = await w.run(['tests/b.test.js']);
    expect(byId['tests/b.test.js']).toMatchObject({ status: 'passed', warm: true });
    expect(w.batchLogs(outcome)).toMatch(/worker started ahead: the worker preloads code \(--require\)/);
  }, 120_000);

  it('a worker started ahead with another environment than the batch gives is not used; Vitest starts its own', async () => {
    await w.waitWarm();
    const { byId, outcome } = await w.run(['tests/worker.test.js'], { env: { EXTRA: '1', EXPECT_EXTRA: '1' } });
    expect(byId['tests/worker.test.js']).toMatchObject({ status: 'passed', warm: true });
    expect(w.batchLogs(outcome)).toMatch(/worker started ahead: not used: the environment variable (EXTRA|EXPECT_EXTRA) differs/);
  }, 120_000);

  it("a test's own results frame is not taken for the runner's; a link planted in the results folder is not followed", async () => {
    await w.waitWarm();
    const { byId, outcome } = await w.run(['tests/forge.test.js', 'tests/plant.test.js']);
    expect(byId['tests/forge.test.js']).toMatchObject({ status: 'failed', warm: true });
    expect(byId['tests/plant.test.js']).toMatchObject({ status: 'passed', warm: true });
    const logs = w.batchLogs(outcome);
    expect(logs).toContain(`results ${'0'.repeat(32)}`); // the test's, shown as its output
    expect(logs).not.toMatch(/vmwatch warm runner: results (?!0{32})[0-9a-f]{32} /); // the runner's, cut out
    // Not sent (a link): copied out instead, and the link dropped.
    const results = path.join(outcome.results[0]!.artifactsDir!, '.vmwatch-results');
    expect(readdirSync(results)).toEqual(['vitest.json']);
  }, 120_000);

  it('cancelling a warm batch kills its runner and everything the test started', async () => {
    await w.waitWarm();
    const controller = new AbortController();
    const running = w.run(['tests/hang.test.js', 'tests/b.test.js'], { signal: controller.signal });
    await waitFor(() => processesRunning(HANG_MARKER.join(' ')).length > 0, 60_000, 'the hanging test to start');
    controller.abort();
    const { byId } = await running;
    expect(byId['tests/hang.test.js']).toMatchObject({ status: 'cancelled' });
    expect(processesRunning(HANG_MARKER.join(' '))).toEqual([]);
  }, 120_000);
});
