import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ResultsStore } from '../../src/report/resultsStore.ts';
import type { RunSummary, TestResult } from '../../src/report/types.ts';
import type { CaseResult } from '../../src/runners/types.ts';

const c = (name: string, status: CaseResult['status']): CaseResult => ({ name, status, durationMs: 1 });

function run(tests: Array<Partial<TestResult> & Pick<TestResult, 'id' | 'status'>>): RunSummary {
  return {
    runId: 'r',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    changedFiles: [],
    passed: 0,
    failed: 0,
    tests: tests.map((t) => ({ exitCode: 0, durationMs: 10, vm: null, reasons: [], artifactsDir: '/x', ...t })),
  };
}

describe('ResultsStore failed cases (for f)', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('remembers the cases that failed, replaces those a filtered rerun ran, and forgets them when the file passes', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-store-'));
    const store = new ResultsStore(path.join(dir, 'runs'));
    store.record(run([{ id: 'a.test.ts', status: 'failed', cases: [c('one', 'failed'), c('two', 'failed'), c('three', 'passed')] }]));
    expect(store.failedCases('a.test.ts')).toEqual(['one', 'two']);
    // f reran only 'one' and 'two': 'one' now passes, 'two' still fails
    store.record(run([{ id: 'a.test.ts', status: 'failed', cases: [c('one', 'passed'), c('two', 'failed')] }]));
    expect(store.failedCases('a.test.ts')).toEqual(['two']);
    store.record(run([{ id: 'a.test.ts', status: 'passed', cases: [c('two', 'passed')] }]));
    expect(store.failedCases('a.test.ts')).toEqual([]);
    expect(store.failing()).toEqual([]);
    // a file that failed outside any case: nothing to filter to
    store.record(run([{ id: 'b.test.ts', status: 'failed', cases: [], error: 'SyntaxError' }]));
    expect(store.failedCases('b.test.ts')).toEqual([]);
    expect(store.failing()).toEqual(['b.test.ts']);
  });
});
