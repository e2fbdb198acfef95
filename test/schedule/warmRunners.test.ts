import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { VMPool } from '../../src/pool/VMPool.ts';
import type { RunSummary } from '../../src/report/types.ts';
import { warmRuleOf } from '../../src/schedule/planUnits.ts';
import { runPlan } from '../../src/schedule/runPlan.ts';
import { RESULTS_DIR } from '../../src/schedule/runUnit.ts';
import type { TestJob } from '../../src/schedule/types.ts';
import { WarmRunner } from '../../src/schedule/warm/WarmRunner.ts';
import { discoverTests } from '../../src/select/discover.ts';
import { connect } from '../../src/transport/connect.ts';
import { ChangeJournal } from '../../src/watch/ChangeJournal.ts';
import { processesRunning, waitFor } from '../helpers/processes.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';
import { tempSandbox, type TempSandbox } from '../helpers/tempSandbox.ts';

const GUEST = '/mnt/vmwatch-test/app';
/** The hanging test starts this; no other process on the machine has this command line. */
const HANG_MARKER = ['sleep', '917.25'];

const FILES: Record<string, string> = {
  'package.json': '{ "type": "module", "private": true }\n',
  'vitest.config.js': 'export default { test: {} };\n',
  'src/value.js': 'export const value = 1;\n',
  'tests/a.test.js': [
    "import { expect, it } from 'vitest';",
    "import { value } from '../src/value.js';",
    "it('value is one', () => expect(value).toBe(1));",
    "it('other', () => expect(2).toBe(2));",
    '',
  ].join('\n'),
  'tests/b.test.js': "import { it } from 'vitest';\nit('b passes', () => {});\n",
  'tests/files.test.js': "import { existsSync } from 'node:fs';\nimport { expect, it } from 'vitest';\nit('no old data', () => expect(existsSync('data/old.txt')).toBe(false));\n",
  'data/old.txt': 'old\n',
  'tests/hang.test.js': [
    "import { spawn } from 'node:child_process';",
    "import { it } from 'vitest';",
    `it('hangs', async () => { spawn('${HANG_MARKER[0]}', ['${HANG_MARKER[1]}'], { stdio: 'ignore' }); await new Promise(() => {}); }, 600_000);`,
    '',
  ].join('\n'),
};

const parsed = configSchema.parse({ root: '.', discover: [{ pattern: 'tests/*.test.js', runner: 'vitest', timeoutMs: 60_000 }] });
const rule = warmRuleOf(parsed.discover)!;
const EXCLUDES = ['/node_modules', `/${RESULTS_DIR}`, '/test-runs'];

describe.skipIf(sandboxUnavailable() !== null)('warm runners: real Vitest started ahead in sandbox machines', () => {
  let sb: TempSandbox;
  let app: string;
  let into: string;
  let pool: VMPool;
  let journal: ChangeJournal;

  beforeAll(() => {
    // The snapshot holds only Vitest (node_modules); the app itself comes by sync-ahead.
    sb = tempSandbox({ guestPath: GUEST, files: {} });
    execFileSync('cp', ['-a', realpathSync('node_modules'), path.join(sb.snapshotTree, 'node_modules')]);
  });
  afterAll(async () => sb.cleanup());

  beforeEach(async () => {
    app = mkdtempSync(path.join(tmpdir(), 'vmwatch-warm-app-'));
    into = mkdtempSync(path.join(tmpdir(), 'vmwatch-warm-runs-'));
    for (const [file, text] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(app, file)), { recursive: true });
      writeFileSync(path.join(app, file), text);
    }
    journal = new ChangeJournal({ fullSyncOn: [], slackMs: 0 });
    pool = new VMPool({
      provider: sb.provider,
      connect,
      pool: 'warm',
      size: 1,
      backoffMs: 10,
      prepare: async (vm, signal) => {
        const started = Date.now();
        await vm.copyToVM(app, GUEST, { exclude: EXCLUDES, delete: true, signal });
        vm.syncedAt = started;
        await WarmRunner.start(vm, { rule, resultsDir: RESULTS_DIR, env: {} });
      },
    });
    await pool.init();
  });
  afterEach(async () => {
    await pool.destroy();
    rmSync(app, { recursive: true, force: true });
    rmSync(into, { recursive: true, force: true });
  });

  const readiness = (): string | undefined => pool.status()[0]?.readiness;
  const waitWarm = (): Promise<unknown> => waitFor(() => pool.status()[0]?.state === 'ready' && readiness() === 'warm', 30_000, 'a ready, warm machine');

  function edit(file: string, text: string | null): void {
    const full = path.join(app, file);
    if (text === null) rmSync(full, { recursive: true, force: true });
    else writeFileSync(full, text);
    journal.record(file);
  }

  async function run(files: string[], options: { cases?: Record<string, string[]>; signal?: AbortSignal } = {}) {
    const jobs: TestJob[] = discoverTests(parsed, files).map((test) => ({ test, reasons: ['changed'], ...(options.cases?.[test.id] ? { cases: options.cases[test.id] } : {}) }));
    const outcome = await runPlan({
      pool,
      root: app,
      guestPath: GUEST,
      artifactsDir: 'test-runs',
      into,
      excludes: EXCLUDES,
      env: {},
      defaultTimeoutMs: 60_000,
      jobs,
      changedFiles: [],
      concurrency: 1,
      discover: parsed.discover,
      changesSince: (at) => journal.changesSince(at),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const summary = JSON.parse(readFileSync(path.join(outcome.runDir, 'summary.json'), 'utf8')) as RunSummary;
    const byId = Object.fromEntries(summary.tests.map((t) => [t.id, t]));
    const cases = (id: string) => Object.fromEntries((byId[id]?.cases ?? []).map((c) => [c.name, c.status]));
    return { byId, cases, outcome };
  }

  it('a warm hit runs the batch with the edited files, reports each case, and the machine is warm again after its revert', async () => {
    await waitWarm();
    edit('src/value.js', 'export const value = 2;\n');
    edit('tests/b.test.js', "import { it } from 'vitest';\nit('b edited', () => {});\n");
    const { byId, cases, outcome } = await run(['tests/a.test.js', 'tests/b.test.js']);
    expect(byId['tests/a.test.js']).toMatchObject({ status: 'failed', warm: true, batchSize: 2 });
    expect(cases('tests/a.test.js')).toEqual({ 'value is one': 'failed', other: 'passed' });
    expect(byId['tests/b.test.js']).toMatchObject({ status: 'passed', warm: true });
    expect(cases('tests/b.test.js')).toEqual({ 'b edited': 'passed' });
    expect(outcome.results[0]!.timings).toMatchObject({ warm: true, syncedFiles: 2 });
    // The warm runner's own output (Vitest's default reporter) is in the batch's log.
    const batchDir = path.dirname(outcome.results[0]!.artifactsDir!);
    const logs = execFileSync('sh', ['-c', `cat "${batchDir}"/*/output.log`], { encoding: 'utf8' });
    expect(logs).toMatch(/warm runner/);
    expect(logs).toMatch(/value is one/);
    // Reverted, synced again (with the edits), warm again: the next batch runs warm on the new tree.
    await waitWarm();
    const again = await run(['tests/a.test.js']);
    expect(again.byId['tests/a.test.js']).toMatchObject({ status: 'failed', warm: true });
  }, 120_000);

  it('a change to the Vitest config runs the next batch cold, with its results', async () => {
    await waitWarm();
    edit('vitest.config.js', "export default { test: { env: { FROM_CONFIG: 'yes' } } };\n");
    edit('tests/b.test.js', "import { expect, it } from 'vitest';\nit('sees the new config', () => expect(process.env.FROM_CONFIG).toBe('yes'));\n");
    const { byId, cases, outcome } = await run(['tests/b.test.js']);
    expect(byId['tests/b.test.js']!.warm).toBeUndefined();
    expect(outcome.results[0]!.timings.warm).toBeUndefined();
    expect(cases('tests/b.test.js')).toEqual({ 'sees the new config': 'passed' });
  }, 120_000);

  it('a case filter on a warm runner runs only the named cases', async () => {
    await waitWarm();
    const { byId } = await run(['tests/a.test.js'], { cases: { 'tests/a.test.js': ['other'] } });
    const ran = byId['tests/a.test.js']!.cases!.filter((c) => c.status !== 'skipped').map((c) => c.name);
    expect(byId['tests/a.test.js']).toMatchObject({ status: 'passed', warm: true });
    expect(ran).toEqual(['other']);
  }, 120_000);

  it('a file deleted since sync-ahead is removed by the warm runner; a deleted folder runs cold', async () => {
    await waitWarm();
    edit('data/old.txt', null);
    const file = await run(['tests/files.test.js']);
    expect(file.byId['tests/files.test.js']).toMatchObject({ status: 'passed', warm: true });

    await waitWarm();
    writeFileSync(path.join(app, 'data/old.txt'), 'back\n');
    // Recorded as the watcher would: the folder went, with its file. Not warm: refused, run cold.
    rmSync(path.join(app, 'data'), { recursive: true });
    journal.record('data/old.txt');
    journal.record('data');
    const folder = await run(['tests/files.test.js']);
    expect(folder.byId['tests/files.test.js'], folder.byId['tests/files.test.js']?.error).toMatchObject({ status: 'passed' });
    expect(folder.byId['tests/files.test.js']!.warm).toBeUndefined();
  }, 120_000);

  it('cancelling a warm batch kills its runner and everything the test started', async () => {
    await waitWarm();
    const controller = new AbortController();
    const running = run(['tests/hang.test.js', 'tests/b.test.js'], { signal: controller.signal });
    await waitFor(() => processesRunning(HANG_MARKER.join(' ')).length > 0, 60_000, 'the hanging test to start');
    controller.abort();
    const { byId } = await running;
    expect(byId['tests/hang.test.js']).toMatchObject({ status: 'cancelled' });
    expect(processesRunning(HANG_MARKER.join(' '))).toEqual([]);
  }, 120_000);
});
