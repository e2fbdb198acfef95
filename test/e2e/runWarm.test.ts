import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { RunSummary } from '../../src/report/types.ts';
import { runCli } from '../helpers/cliProcess.ts';
import { createDemoProject, DEMO_SNAPSHOT, type DemoProject } from '../helpers/demoProject.ts';
import { pytestUnavailable, SYSTEM_PYTHON as PYTHON } from '../helpers/pytestAvailable.ts';

const unavailable = pytestUnavailable();
if (unavailable !== null) console.warn(`[vmwatch tests] skipping the one-shot warm runner e2e test: ${unavailable}`);

/** The debug log's messages on stderr, in order. */
function messages(stderr: string): string[] {
  return stderr.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    const { msg } = JSON.parse(line) as { msg?: string };
    return msg === undefined ? [] : [msg];
  });
}

/**
 * A one-shot `vmwatch run` on the sandbox provider, with a pool of 2 and a pytest rule: the first
 * machine starts its warm runner while the changes are worked out, the selection waits until it
 * has, and the batch runs on it warm.
 */
describe.skipIf(unavailable !== null)('vmwatch run starts its warm runner ahead', () => {
  let demo: DemoProject;
  afterAll(() => demo?.cleanup());

  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(demo.app, file)), { recursive: true });
    writeFileSync(path.join(demo.app, file), text);
  };

  it('a runner loads before the selection starts, on one machine of 2 (on 2 cores); the batch runs on it warm', async () => {
    const pool = 'e2e-run-warm';
    // The demo app's snapshot, built by the suite's global setup: a missing one would be built
    // first, and the selection would not wait for that.
    demo = createDemoProject({
      pool,
      overrides: {
        notify: false,
        discover: [{ pattern: 'pyt/test_*.py', runner: 'pytest', python: PYTHON, timeoutMs: 60_000 }],
        tests: [],
        triggers: { map: [] },
        pool: { name: pool, snapshot: DEMO_SNAPSHOT, size: 2 },
      },
    });
    write('pyt/test_a.py', 'def test_a():\n    assert 1 == 1\n');
    write('pyt/test_b.py', 'def test_b():\n    assert 1 == 2\n');
    const env = { VMWATCH_HOME: inject('demoHome'), VMWATCH_LOG: 'debug', DBUS_SESSION_BUS_ADDRESS: 'disabled:', DISPLAY: '' };
    const result = await runCli(['run', '--config', demo.configFile, '--json'], { env });
    expect(result.code, result.stderr).toBe(1);
    const summary = JSON.parse(result.stdout) as RunSummary;
    expect(summary.tests.map((t) => [t.id, t.status, t.warm]).sort()).toEqual([
      ['pyt/test_a.py', 'passed', true],
      ['pyt/test_b.py', 'failed', true],
    ]);

    const log = messages(result.stderr);
    const selecting = log.indexOf('selecting the tests to run');
    const runStart = log.findIndex((m) => /^run \S+: 2 test\(s\)$/.test(m));
    expect(selecting).toBeGreaterThan(-1);
    expect(runStart).toBeGreaterThan(selecting);
    // Before the run starts, every machine of the pool is up: a core is left to the run itself, so
    // on 2 cores only one of them has a runner.
    const runners = Math.min(2, Math.max(1, availableParallelism() - 1));
    expect(log.slice(0, runStart).filter((m) => m === 'warm runner started')).toHaveLength(runners);
    expect(log.indexOf('warm runner started')).toBeLessThan(selecting);
    const batchLog = readFileSync(path.join(demo.runs, summary.runId, 'batches', '1', 'output.log'), 'utf8');
    expect(batchLog).toMatch(/# machine \S+, warm runner/);
  }, 240_000);
});
