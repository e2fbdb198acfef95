import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { VMPool } from '../../src/pool/VMPool.ts';
import { RunControl } from '../../src/schedule/RunControl.ts';
import { connect } from '../../src/transport/connect.ts';
import { runDiscovered, batchLog } from '../helpers/runDiscovered.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';
import { tempSandbox, type TempSandbox } from '../helpers/tempSandbox.ts';

const GUEST = '/mnt/vmwatch-test/app';

const unittestFile = (body: string): string => `import os, sys, time, unittest\n\nclass T(unittest.TestCase):\n${body}\n`;

/** A small Python app whose tests run under the real unittest runner, one file per behaviour. */
const FILES: Record<string, string> = {
  'tests/__init__.py': '',
  'tests/test_ok.py': unittestFile(
    '    def test_one(self):\n        self.assertEqual(1, 1)\n    def test_two(self):\n        self.assertTrue(True)',
  ),
  'tests/test_fails.py': unittestFile(
    '    def test_good(self):\n        pass\n    def test_bad(self):\n        self.assertEqual(1, 2, "one is not two")',
  ),
  // Kills its runner mid-batch: every file of the batch without a result must run again alone.
  'tests/test_crash.py': unittestFile('    def test_dies(self):\n        os._exit(3)'),
  'tests/test_more.py': unittestFile('    def test_fine(self):\n        pass'),
  // Hangs far past its own timeout.
  'tests/test_hang.py': unittestFile('    def test_sleeps(self):\n        time.sleep(120)'),
  // Hostile: prints progress lines as if it had finished and tests/test_more.py had started, then outlasts that file's timeout.
  'tests/test_fakes_progress.py': unittestFile(
    '    def test_fakes(self):\n' +
      '        os.write(1, b\'[vmwatch] finished "tests/test_fakes_progress.py"\\n[vmwatch] started "tests/test_more.py"\\n\')\n' +
      '        time.sleep(3.5)',
  ),
  // Fails on its first attempt only (vmwatch tells the attempt in VMWATCH_ATTEMPT).
  'tests/test_flaky.py': unittestFile(
    "    def test_sometimes(self):\n        self.assertNotEqual(os.environ.get('VMWATCH_ATTEMPT'), '1', 'first attempt')",
  ),
};

describe.skipIf(sandboxUnavailable() !== null)('runPlan: batches through a runner adapter (real unittest in sandbox machines)', () => {
  let sb: TempSandbox;
  let pool: VMPool;
  let into: string;

  beforeEach(async () => {
    sb = tempSandbox({ guestPath: GUEST, files: FILES });
    into = mkdtempSync(path.join(tmpdir(), 'vmwatch-runs-'));
    pool = new VMPool({ provider: sb.provider, connect, pool: 'batches', size: 2, backoffMs: 10 });
    await pool.init();
  });
  afterEach(async () => {
    await pool.destroy();
    await sb.cleanup();
    rmSync(into, { recursive: true, force: true });
  });

  const config = (extra: Record<string, unknown> = {}) =>
    configSchema.parse({
      root: '.',
      discover: [{ pattern: 'tests/test_*.py', runner: 'unittest', timeoutMs: 20_000, minShardMs: 0, ...extra }],
    });

  async function run(
    files: string[],
    options: {
      extra?: Record<string, unknown>;
      retry?: number;
      cases?: Record<string, string[]>;
      control?: RunControl;
      machines?: number;
      maxShards?: number;
    } = {},
  ) {
    return runDiscovered({
      pool,
      config: config(options.extra),
      files,
      root: sb.snapshotTree,
      guestPath: GUEST,
      into,
      concurrency: options.machines ?? 2,
      ...options,
    });
  }

  it('runs the files of a rule as one batch per machine and reports each file with its cases', async () => {
    const { byId, outcome } = await run(['tests/test_ok.py', 'tests/test_fails.py', 'tests/test_more.py']);
    expect(byId['tests/test_ok.py']).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(byId['tests/test_ok.py']!.cases!.map((c) => [c.name, c.status])).toEqual([
      ['T › test_one', 'passed'],
      ['T › test_two', 'passed'],
    ]);
    const failed = byId['tests/test_fails.py']!;
    expect(failed.status).toBe('failed');
    const bad = failed.cases!.find((c) => c.name === 'T › test_bad')!;
    expect(bad.status).toBe('failed');
    expect(bad.failure!.message).toContain('one is not two');
    // 3 files over 2 machines: two runner processes, one of them with two files
    const sizes = outcome.summary.tests.map((t) => t.batchSize ?? 1).sort();
    expect(sizes).toEqual([1, 2, 2]);
    const batched = outcome.summary.tests.find((t) => t.batchSize === 2)!;
    expect(readFileSync(path.join(batched.artifactsDir, 'output.log'), 'utf8')).toMatch(/# batch of 2 files/);
  });

  it('maxShards: fewer shards than machines (machines that share the host CPUs)', async () => {
    const { outcome } = await run(['tests/test_ok.py', 'tests/test_fails.py', 'tests/test_more.py'], { machines: 2, maxShards: 1 });
    expect(outcome.summary.tests.map((t) => t.batchSize ?? 1)).toEqual([3, 3, 3]);
  });

  it('a runner that dies mid-batch: every file without a result runs again alone on a fresh machine; none is guessed', async () => {
    // one machine: all three in one runner process, test_crash first
    const { byId, outcome } = await run(['tests/test_crash.py', 'tests/test_more.py', 'tests/test_ok.py'], { machines: 1 });
    const log = batchLog(outcome.runDir);
    expect(log).toContain('# batch of 3 files: tests/test_crash.py tests/test_more.py tests/test_ok.py');
    for (const id of ['tests/test_more.py', 'tests/test_ok.py']) {
      expect(byId[id]!.artifactsDir).not.toContain('/batches/');
      expect(readFileSync(path.join(byId[id]!.artifactsDir, 'output.log'), 'utf8')).toContain('# reasons: changed');
    }
    // test_crash kills the runner each time: alone, it is that file's failure, told as such
    expect(byId['tests/test_crash.py']).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(byId['tests/test_crash.py']!.error).toMatch(/reported no result for this file \(exit 3\)/);
    expect(byId['tests/test_crash.py']!.batchSize).toBeUndefined();
    // the others passed, from a real report (cases present), whether or not they had to run again
    for (const id of ['tests/test_more.py', 'tests/test_ok.py']) {
      expect(byId[id]!.status).toBe('passed');
      expect(byId[id]!.cases!.length).toBeGreaterThan(0);
    }
  });

  it(
    'honours each file timeout in the batch: a hanging file stops the batch at its own timeoutMs and times out alone; ' +
      'the file before it keeps its result, the one after it runs again alone',
    async () => {
      // One machine: one batch, in this order (without history, by name).
      const { byId, outcome } = await run(['tests/test_fails.py', 'tests/test_hang.py', 'tests/test_more.py'], {
        extra: { timeoutMs: 3_000 },
        machines: 1,
      });
      // The batch stopped at test_hang's own 3 s (without per-file timers it would have run for the sum, 9 s).
      const log = batchLog(outcome.runDir);
      expect(log).toContain('# stopped: tests/test_hang.py ran past its timeoutMs (3000 ms) in this batch');
      expect(byId['tests/test_hang.py']).toMatchObject({ status: 'timedout' });
      expect(byId['tests/test_hang.py']!.batchSize).toBeUndefined();
      expect(byId['tests/test_hang.py']!.reasons).toContain('stopped its batch: ran past its timeoutMs (3000 ms) there');
      expect(byId['tests/test_fails.py']).toMatchObject({ status: 'failed', batchSize: 3 });
      expect(byId['tests/test_fails.py']!.cases!.length).toBe(2);
      expect(byId['tests/test_more.py']!.status).toBe('passed');
      expect(byId['tests/test_more.py']!.batchSize).toBeUndefined();
    },
  );

  it('a fake progress line cannot give another file a verdict: the file it named runs alone and passes', async () => {
    const { byId, outcome } = await run(['tests/test_fakes_progress.py', 'tests/test_more.py'], {
      extra: { timeoutMs: 3_000 },
      machines: 1,
    });
    const log = batchLog(outcome.runDir);
    // The fake line did stop the batch, in test_more's name...
    expect(log).toContain('# stopped: tests/test_more.py ran past its timeoutMs (3000 ms) in this batch');
    // ...but test_more's verdict is its own run's.
    expect(byId['tests/test_more.py']).toMatchObject({ status: 'passed' });
    expect(byId['tests/test_more.py']!.batchSize).toBeUndefined();
    expect(byId['tests/test_more.py']!.cases!.map((c) => c.status)).toEqual(['passed']);
  });

  it('retry: a failed file of a batch is rerun alone on a fresh machine; passing then is flaky', async () => {
    const { byId } = await run(['tests/test_flaky.py', 'tests/test_fails.py', 'tests/test_ok.py'], { retry: 1, machines: 1 });
    expect(byId['tests/test_flaky.py']).toMatchObject({ status: 'flaky', attempts: 2 });
    expect(byId['tests/test_flaky.py']!.cases!.map((c) => c.status)).toEqual(['passed']);
    expect(byId['tests/test_fails.py']).toMatchObject({ status: 'failed', attempts: 2 });
    expect(byId['tests/test_ok.py']).toMatchObject({ status: 'passed' });
    expect(byId['tests/test_ok.py']!.attempts).toBeUndefined();
    // the rerun ran alone, in the file's own folder
    expect(existsSync(path.join(byId['tests/test_flaky.py']!.artifactsDir, 'output.log'))).toBe(true);
    expect(byId['tests/test_flaky.py']!.artifactsDir).not.toContain('/batches/');
  });

  it('filters to named cases: only the failed case runs again', async () => {
    const { byId } = await run(['tests/test_fails.py'], { cases: { 'tests/test_fails.py': ['T › test_bad'] } });
    expect(byId['tests/test_fails.py']!.cases!.map((c) => c.name)).toEqual(['T › test_bad']);
  });

  it('cancel: a batch shares one cancel; stopping one of its files stops the runner and reports every file of it cancelled', async () => {
    const control = new RunControl(['tests/test_hang.py', 'tests/test_ok.py']);
    const running = run(['tests/test_hang.py', 'tests/test_ok.py'], { control, machines: 1 });
    const deadline = Date.now() + 30_000;
    while (!control.isRunning('tests/test_hang.py') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(control.cancel('tests/test_hang.py', 'its inputs changed again').sort()).toEqual(['tests/test_hang.py', 'tests/test_ok.py']);
    const { byId } = await running;
    expect(byId['tests/test_hang.py']!.status).toBe('cancelled');
    expect(byId['tests/test_ok.py']!.status).toBe('cancelled');
  });
});
