import { describe, expect, it } from 'vitest';
import { formatDuration, formatRunSummary, formatTestLine } from '../../src/report/terminal.ts';
import type { RunSummary, TestResult, TestStatus } from '../../src/report/types.ts';
import { testArtifactsDir } from '../../src/schedule/runId.ts';

function result(id: string, status: TestStatus, extra: Partial<TestResult> = {}): TestResult {
  return {
    id,
    status,
    exitCode: 0,
    durationMs: 800,
    vm: 'vmwatch-demo-1',
    reasons: [],
    artifactsDir: testArtifactsDir('/app/test-runs/r7', id),
    ...extra,
  };
}

function summary(tests: TestResult[], extra: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: 'r7',
    startedAt: '2025-01-01T10:00:00.000Z',
    finishedAt: '2025-01-01T10:00:12.340Z',
    changedFiles: [],
    tests,
    passed: tests.filter((test) => test.status === 'passed').length,
    failed: tests.filter((test) => test.status !== 'passed').length,
    ...extra,
  };
}

describe('formatDuration', () => {
  it.each([
    [0, '0.0s'],
    [800, '0.8s'],
    [12_340, '12.3s'],
    [59_940, '59.9s'],
    [59_960, '1m 00s'],
    [125_000, '2m 05s'],
    [3_720_000, '1h 02m'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatTestLine', () => {
  it('shows status, id, duration and machine on one line', () => {
    expect(formatTestLine(result('src/money.test.ts', 'passed'))).toBe('✓ passed  src/money.test.ts  0.8s  [vmwatch-demo-1]');
    expect(formatTestLine(result('e2e', 'timedout', { durationMs: 61_000 }))).toBe('✗ timed out  e2e  1m 01s  [vmwatch-demo-1]');
  });

  it('leaves out the machine when there was none, and adds the first line of an error', () => {
    const line = formatTestLine(result('sse', 'error', { vm: null, durationMs: 0, error: 'no machine left\nstack...' }));
    expect(line).toBe('! error  sse  0.0s  no machine left');
    expect(formatTestLine(result('x', 'cancelled', { vm: null }))).toBe('- cancelled  x  0.8s');
  });

  it('colors only when asked to', () => {
    expect(formatTestLine(result('a', 'failed'))).not.toContain('\x1b[');
    expect(formatTestLine(result('a', 'failed'), { color: true })).toBe(
      '\x1b[31m✗ failed\x1b[39m  a  \x1b[2m0.8s\x1b[22m  \x1b[2m[vmwatch-demo-1]\x1b[22m',
    );
  });
});

describe('formatRunSummary', () => {
  const tests = [
    result('a', 'passed'),
    result('b', 'failed'),
    result('c', 'passed'),
    result('d', 'timedout'),
    result('e', 'cancelled'),
    result('f', 'error'),
  ];

  it('counts each status, gives the wall time and where the details are', () => {
    expect(formatRunSummary(summary(tests), { cwd: '/app' })).toBe(
      '✗ 6 tests: 2 passed, 1 failed, 1 error, 1 timed out, 1 cancelled in 12.3s · details: test-runs/r7',
    );
  });

  it('shows an absolute path outside the working directory', () => {
    expect(formatRunSummary(summary([result('a', 'passed')]), { cwd: '/elsewhere' })).toBe(
      '✓ 1 test: 1 passed in 12.3s · details: /app/test-runs/r7',
    );
  });

  it('finds the run folder when test ids are paths', () => {
    const nested = result('src/deep/x.test.ts', 'cancelled', {
      artifactsDir: `${testArtifactsDir('/app/test-runs/r7', 'src/deep/x.test.ts')}/`,
    });
    expect(formatRunSummary(summary([nested]), { cwd: '/app' })).toBe('- 1 test: 1 cancelled in 12.3s · details: test-runs/r7');
  });

  it('says so when nothing ran', () => {
    expect(formatRunSummary(summary([]))).toBe('no tests ran');
  });

  it('colors only when asked to', () => {
    expect(formatRunSummary(summary(tests), { cwd: '/app' })).not.toContain('\x1b[');
    const colored = formatRunSummary(summary([result('a', 'passed')]), { cwd: '/app', color: true });
    expect(colored).toBe('\x1b[32m✓\x1b[39m 1 test: \x1b[32m1 passed\x1b[39m in 12.3s\x1b[2m · details: test-runs/r7\x1b[22m');
  });

  it('lists the failing cases under a failed file with the first line of each message, at most five', () => {
    const cases = Array.from({ length: 7 }, (_, i) => ({
      name: `url › case ${i}`,
      status: 'failed' as const,
      durationMs: 1,
      failure: { message: `\nexpected ${i} to be 2\nmore` },
    }));
    const line = formatTestLine(
      result('src/utils.test.ts', 'failed', { exitCode: 1, cases: [{ name: 'ok', status: 'passed', durationMs: 1 }, ...cases] }),
    );
    expect(line.split('\n')).toEqual([
      '✗ failed  src/utils.test.ts  0.8s  [vmwatch-demo-1]',
      '    ✗ url › case 0 — expected 0 to be 2',
      '    ✗ url › case 1 — expected 1 to be 2',
      '    ✗ url › case 2 — expected 2 to be 2',
      '    ✗ url › case 3 — expected 3 to be 2',
      '    ✗ url › case 4 — expected 4 to be 2',
      '    and 2 more failing case(s)',
    ]);
  });

  it('tells why a file failed without a failing case (its runner could not load it)', () => {
    const line = formatTestLine(
      result('src/broken.test.ts', 'failed', { exitCode: 1, cases: [], error: 'SyntaxError: Unexpected token\n  at x' }),
    );
    expect(line.split('\n')).toEqual(['✗ failed  src/broken.test.ts  0.8s  [vmwatch-demo-1]', '    SyntaxError: Unexpected token']);
  });
});
