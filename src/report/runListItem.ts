import type { RunSummary } from './types.ts';

/** `<into>/<runId>/run.json`: the run's line in the dashboard's run list, small enough to read 500 of at once. */
export const RUN_LIST_FILE = 'run.json';

/** A run as the run list shows it: its counts and the first failing tests, not every result. */
export interface RunListItem {
  runId: string;
  startedAt: string;
  finishedAt: string;
  total: number;
  passed: number;
  failed: number;
  flaky?: number;
  error?: string;
  changedFiles: string[];
  /** The first LISTED failing test ids (all of them are in the run's summary). */
  failedTests: string[];
}

const LISTED = 20;

export function runListItem(runId: string, summary: RunSummary): RunListItem {
  const failedTests = (summary.tests ?? []).filter((t) => t.status !== 'passed' && t.status !== 'flaky').map((t) => t.id);
  return {
    runId,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    total: summary.tests?.length ?? 0,
    passed: summary.passed,
    failed: summary.failed,
    ...(summary.flaky ? { flaky: summary.flaky } : {}),
    ...(summary.error ? { error: summary.error } : {}),
    changedFiles: (summary.changedFiles ?? []).slice(0, LISTED),
    failedTests: failedTests.slice(0, LISTED),
  };
}

export function isRunListItem(value: unknown): value is RunListItem {
  const v = value as Partial<RunListItem> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.runId === 'string' &&
    typeof v.total === 'number' &&
    typeof v.failed === 'number' &&
    Array.isArray(v.failedTests) &&
    Array.isArray(v.changedFiles)
  );
}
