import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunSummary } from '../../src/report/types.ts';
import { runCli } from '../helpers/cliProcess.ts';
import { createDemoProject, type DemoProject } from '../helpers/demoProject.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';

// Fails on a machine that has run it before (so a rerun on the same, unreverted machine fails),
// and on the first attempt; passes on a fresh machine's second attempt.
const FLAKY_ONCE =
  'if [ -e .stale ]; then echo "not a fresh machine"; exit 3; fi; touch .stale; echo "attempt $VMWATCH_ATTEMPT"; test ' +
  '"$VMWATCH_ATTEMPT" -gt 1';

describe.skipIf(sandboxUnavailable() !== null)('retry: 1', () => {
  let demo: DemoProject;
  let env: Record<string, string>;

  beforeAll(() => {
    demo = createDemoProject({
      pool: 'e2e-retry',
      overrides: {
        notify: false,
        retry: 1,
        tests: [
          { id: 'flaky-once', command: FLAKY_ONCE },
          { id: 'always-fails', command: 'echo "broken for good"; exit 1' },
        ],
        pool: { name: 'e2e-retry', snapshot: 'vmwatch-e2e-demo-ready', size: 2 },
      },
    });
    env = { VMWATCH_HOME: inject('demoHome'), DBUS_SESSION_BUS_ADDRESS: 'disabled:', DISPLAY: '' };
  });
  afterAll(() => demo.cleanup());

  it('a test that passes when rerun on a fresh machine is flaky (exit 0); one that fails twice is failed (exit 1)', async () => {
    const flaky = await runCli(['run', '--tests', 'flaky-once', '--json', '--config', demo.configFile], { env });
    expect(flaky.code, flaky.stderr).toBe(0);
    const s1 = JSON.parse(flaky.stdout) as RunSummary;
    expect(s1.tests).toMatchObject([{ id: 'flaky-once', status: 'flaky', attempts: 2 }]);
    expect([s1.passed, s1.failed, s1.flaky]).toEqual([0, 0, 1]);
    const dir = s1.tests[0]!.artifactsDir;
    expect(readFileSync(path.join(dir, 'output.attempt-1.log'), 'utf8')).toContain('attempt 1');
    expect(readFileSync(path.join(dir, 'output.log'), 'utf8')).toContain('attempt 2');
    expect(readFileSync(path.join(demo.runs, s1.runId, 'junit.xml'), 'utf8')).toContain('<flakyFailure');

    const both = await runCli(['run', '--tests', 'flaky-once,always-fails', '--json', '--config', demo.configFile], { env });
    expect(both.code, both.stderr).toBe(1);
    const s2 = JSON.parse(both.stdout) as RunSummary;
    const byId = Object.fromEntries(s2.tests.map((t) => [t.id, t]));
    expect(byId['always-fails']).toMatchObject({ status: 'failed', attempts: 2, exitCode: 1 });
    expect(byId['flaky-once']).toMatchObject({ status: 'flaky', attempts: 2 });
    expect(existsSync(path.join(byId['always-fails']!.artifactsDir, 'output.attempt-1.log'))).toBe(true);
  });
});
