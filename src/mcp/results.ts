import type { RunSummary } from '../report/types.ts';

/** A run for an agent: counts, then the tests that did not pass first, each with its failing cases and their messages. */
export function resultsForAgent(summary: RunSummary): Record<string, unknown> {
  const notPassed = summary.tests.filter((t) => t.status !== 'passed');
  const passed = summary.tests.filter((t) => t.status === 'passed');
  return {
    runId: summary.runId,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    changedFiles: summary.changedFiles,
    total: summary.tests.length,
    passed: passed.length,
    notPassed: notPassed.length,
    ...(summary.error === undefined ? {} : { error: summary.error }),
    failures: notPassed.map((t) => ({
      id: t.id,
      status: t.status,
      ...(t.error ? { error: t.error.slice(0, 2000) } : {}),
      failedCases: (t.cases ?? [])
        .filter((c) => c.status === 'failed')
        .map((c) => ({ name: c.name, message: c.failure?.message?.slice(0, 2000), location: c.failure?.location })),
    })),
    passedTests: passed.map((t) => t.id),
  };
}
