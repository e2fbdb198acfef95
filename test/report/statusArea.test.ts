import { describe, expect, it } from 'vitest';
import { renderStatusArea, type LiveState } from '../../src/report/statusArea.ts';
import { testArtifactsDir } from '../../src/schedule/runId.ts';

const base: LiveState = {
  machines: [
    { name: 'vmwatch-demo-1', state: 'running', readiness: 'warm' },
    { name: 'vmwatch-demo-2', state: 'cleaning' },
    { name: 'vmwatch-demo-3', state: 'failed', error: 'boot failed' },
  ],
  queued: ['tests/test_cart.py'],
  running: [{ id: 'src/money.test.ts', vm: 'vmwatch-demo-1', startedAt: 1_000, expectedMs: 4_000 }],
  lastRun: {
    runId: 'r1',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:02.000Z',
    changedFiles: [],
    tests: [
      {
        id: 'a',
        status: 'passed',
        exitCode: 0,
        durationMs: 1,
        vm: 'v',
        reasons: [],
        artifactsDir: testArtifactsDir('/w/test-runs/r1', 'a'),
      },
      {
        id: 'b',
        status: 'failed',
        exitCode: 1,
        durationMs: 1,
        vm: 'v',
        reasons: [],
        artifactsDir: testArtifactsDir('/w/test-runs/r1', 'b'),
      },
    ],
    passed: 1,
    failed: 1,
  },
  filter: 'money',
  prompt: null,
  help: ['a run all', 'q quit'],
  showHelp: false,
  now: 4_200,
  cwd: '/w',
};

describe('renderStatusArea', () => {
  it('shows machines, running tests with elapsed vs expected, the queue, the last run with log paths, the filter', () => {
    expect(renderStatusArea(base).slice(1)).toEqual([
      'machines  ● vmwatch-demo-1 running warm  ◌ vmwatch-demo-2 cleaning  ✗ vmwatch-demo-3 failed (boot failed)',
      '  running src/money.test.ts  3.2s / ~4.0s  [vmwatch-demo-1]',
      'queue     1 waiting: tests/test_cart.py',
      'last run  ✗ 2 tests: 1 passed, 1 failed in 2.0s · details: test-runs/r1',
      '  failed   b → test-runs/r1/tests/b/output.log',
      'filter    only tests matching "money" (p to change, p then Enter to clear)',
      'press w to show keys, q to quit',
    ]);
  });

  it('shows the keys on w and the prompt while it is open', () => {
    expect(renderStatusArea({ ...base, showHelp: true }).slice(-2)).toEqual(['  press a run all', '  press q quit']);
    expect(renderStatusArea({ ...base, prompt: 'mon' }).at(-1)).toBe('pattern › mon▏ (Enter to apply, Esc to cancel)');
  });
});
