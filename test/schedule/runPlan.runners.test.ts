import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { VMPool } from '../../src/pool/VMPool.ts';
import { connect } from '../../src/transport/connect.ts';
import { processesRunning } from '../helpers/processes.ts';
import { type DiscoveredRun, runDiscovered, batchLog } from '../helpers/runDiscovered.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';
import { tempSandbox, type TempSandbox } from '../helpers/tempSandbox.ts';

const GUEST = '/mnt/vmwatch-test/app';
/** The hanging tests start this sleep; nothing else on the machine has this command line. */
const HANG = ['sleep', '417.25'];
const TIMEOUT_MS = 3_000;

/**
 * Per runner: a batch of four files (one fails, one passes, one hangs past its timeout, one kills
 * the runner) through the real scheduler, the runner's real CLI in sandbox machines. Each file's
 * own name says what it does; `pattern` picks them out.
 */
interface RunnerCase {
  runner: 'pytest' | 'node-test' | 'vitest';
  rule: Record<string, unknown>;
  files: Record<string, string>;
  /** Copy the runner into the snapshot (Vitest comes with the app). */
  prepare?: (tree: string) => void;
  fails: string;
  passes: string;
  hangs: string;
  kills: string;
}

const CASES: RunnerCase[] = [
  {
    runner: 'pytest',
    rule: { pattern: 'tests/test_*.py', runner: 'pytest', python: '/usr/bin/python3' },
    files: {
      'tests/test_a_fails.py': 'def test_bad():\n    assert 1 == 2, "one is not two"\n',
      'tests/test_b_hangs.py': `import subprocess\n\ndef test_hangs():\n    subprocess.run(${JSON.stringify(HANG)})\n`,
      'tests/test_c_passes.py': 'def test_good():\n    pass\n',
      'tests/test_d_kills.py': 'import os, signal\n\ndef test_kills():\n    os.kill(os.getpid(), signal.SIGKILL)\n',
    },
    fails: 'tests/test_a_fails.py',
    hangs: 'tests/test_b_hangs.py',
    passes: 'tests/test_c_passes.py',
    kills: 'tests/test_d_kills.py',
  },
  {
    runner: 'node-test',
    rule: { pattern: 'tests/*.test.mjs', runner: 'node-test' },
    files: {
      'tests/a-fails.test.mjs':
        "import test from 'node:test';\nimport assert from 'node:assert';\ntest('bad', () => assert.equal(1, 2));\n",
      'tests/b-hangs.test.mjs':
        "import test from 'node:test';\nimport { spawnSync } from 'node:child_process';\n" +
        `test('hangs', () => { spawnSync('${HANG[0]}', ['${HANG[1]}']); });\n`,
      'tests/c-passes.test.mjs': "import test from 'node:test';\ntest('good', () => {});\n",
      // Kills the `node --test` process that runs this file: that run writes no report.
      'tests/d-kills.test.mjs': "import test from 'node:test';\ntest('kills', () => { process.kill(process.ppid, 'SIGKILL'); });\n",
    },
    fails: 'tests/a-fails.test.mjs',
    hangs: 'tests/b-hangs.test.mjs',
    passes: 'tests/c-passes.test.mjs',
    kills: 'tests/d-kills.test.mjs',
  },
  {
    runner: 'vitest',
    rule: { pattern: 'tests/*.test.mjs', runner: 'vitest' },
    files: {
      'package.json': '{ "type": "module" }\n',
      'tests/a-fails.test.mjs': "import { it, expect } from 'vitest';\nit('bad', () => expect(1).toBe(2));\n",
      'tests/b-hangs.test.mjs':
        "import { it } from 'vitest';\nimport { spawnSync } from 'node:child_process';\n" +
        `it('hangs', () => { spawnSync('${HANG[0]}', ['${HANG[1]}']); }, 600_000);\n`,
      'tests/c-passes.test.mjs': "import { it } from 'vitest';\nit('good', () => {});\n",
      // Kills Vitest itself (the worker's parent): no report at all.
      'tests/d-kills.test.mjs': "import { it } from 'vitest';\nit('kills', () => { process.kill(process.ppid, 'SIGKILL'); });\n",
    },
    prepare: (tree) => execFileSync('cp', ['-a', realpathSync('node_modules'), path.join(tree, 'node_modules')]),
    fails: 'tests/a-fails.test.mjs',
    hangs: 'tests/b-hangs.test.mjs',
    passes: 'tests/c-passes.test.mjs',
    kills: 'tests/d-kills.test.mjs',
  },
];

describe.skipIf(sandboxUnavailable() !== null).each(CASES)('runPlan: a batch of real $runner files in sandbox machines', (rc) => {
  let sb: TempSandbox;
  let pool: VMPool;
  let into: string;

  beforeAll(async () => {
    sb = tempSandbox({ guestPath: GUEST, files: rc.files });
    rc.prepare?.(sb.snapshotTree);
    into = mkdtempSync(path.join(tmpdir(), 'vmwatch-runs-'));
    pool = new VMPool({ provider: sb.provider, connect, pool: `runners-${rc.runner}`, size: 2, backoffMs: 10 });
    await pool.init();
  }, 60_000);
  afterAll(async () => {
    await pool?.destroy();
    await sb?.cleanup();
    rmSync(into, { recursive: true, force: true });
  });

  /** One shard on one machine (its files in name order); reruns alone go to the free machine. */
  async function run(files: string[]): Promise<{ byId: DiscoveredRun['byId']; runDir: string }> {
    const config = configSchema.parse({ root: '.', discover: [{ ...rc.rule, timeoutMs: TIMEOUT_MS, minShardMs: 0 }] });
    const { byId, outcome } = await runDiscovered({ pool, config, files, root: sb.snapshotTree, guestPath: GUEST, into, concurrency: 1 });
    return { byId, runDir: outcome.runDir };
  }

  it('a file that hangs stops the batch at its own timeoutMs and times out alone; every other file gets its real result', async () => {
    const { byId, runDir } = await run([rc.fails, rc.hangs, rc.passes]);
    const log = batchLog(runDir);
    expect(log).toContain(`# batch of 3 files`);
    expect(log).toContain(`# stopped: ${rc.hangs} ran past its timeoutMs (3000 ms) in this batch`);
    expect(byId[rc.hangs], byId[rc.hangs]?.error).toMatchObject({ status: 'timedout' });
    expect(byId[rc.hangs]!.batchSize).toBeUndefined();
    expect(byId[rc.hangs]!.reasons).toContain('stopped its batch: ran past its timeoutMs (3000 ms) there');
    // In the batch when the runner had reported it, else run again alone: real results either way.
    expect(byId[rc.fails]).toMatchObject({ status: 'failed' });
    expect(byId[rc.fails]!.cases!.map((c) => c.status)).toEqual(['failed']);
    expect(byId[rc.passes]).toMatchObject({ status: 'passed' });
    expect(byId[rc.passes]!.cases!.map((c) => c.status)).toEqual(['passed']);
    expect(processesRunning(HANG.join(' '))).toEqual([]);
  }, 120_000);

  it('a file that kills its runner: the files without a result run again alone, none is guessed', async () => {
    const { byId } = await run([rc.fails, rc.passes, rc.kills]);
    // Alone it kills its runner again: a failure of that file, said as such, never a pass.
    expect(byId[rc.kills], byId[rc.kills]?.error).toMatchObject({ status: 'failed' });
    expect(byId[rc.kills]!.batchSize).toBeUndefined();
    expect(byId[rc.kills]!.error).toMatch(new RegExp(`^${rc.runner} reported no result for this file \\(exit [1-9]\\d*\\)`));
    expect(byId[rc.fails]!.cases!.map((c) => c.status)).toEqual(['failed']);
    expect(byId[rc.passes]!.cases!.map((c) => c.status)).toEqual(['passed']);
  }, 120_000);
});
