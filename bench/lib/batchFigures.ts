import { round, stats } from './stats.ts';
import type { WatchedRun } from './vmwatchProcesses.ts';

/**
 * Per-batch overhead from the watch runs: a batch is the tests of one work unit (one runner
 * process, one artifacts folder). Its overhead is the unit's host-side wall time (acquire + sync +
 * exec + pull) less the test durations its runner reported; a plain command reports none, so there
 * the whole runner start-up counts as overhead. Warm-runner hits: read from the results when
 * vmwatch reports them (`warm` on a result).
 */
export function batchFigures(runs: WatchedRun[]): Record<string, unknown> {
  const overheads: number[] = [];
  const parts = { acquire: [] as number[], sync: [] as number[], execBeyondTests: [] as number[], pull: [] as number[] };
  const sizes: number[] = [];
  let warmKnown = 0;
  let warmHits = 0;
  let reportedDurations = true;
  for (const run of runs) {
    const timingsOf = new Map(run.finished.map((f) => [f.testId, f.timings]));
    const batches = new Map<string, typeof run.summary.tests>();
    for (const test of run.summary.tests) batches.set(test.artifactsDir, [...(batches.get(test.artifactsDir) ?? []), test]);
    for (const tests of batches.values()) {
      const t = timingsOf.get(tests[0]!.id);
      if (t === undefined) continue;
      const byRunner = tests.every((test) => test.cases !== undefined);
      reportedDurations &&= byRunner;
      const testMs = byRunner ? tests.reduce((sum, test) => sum + test.durationMs, 0) : 0;
      const beyond = byRunner ? Math.max(0, t.execMs - testMs) : 0;
      overheads.push(t.acquireMs + t.syncMs + beyond + t.pullMs);
      parts.acquire.push(t.acquireMs);
      parts.sync.push(t.syncMs);
      parts.execBeyondTests.push(beyond);
      parts.pull.push(t.pullMs);
      sizes.push(tests.length);
      // vmwatch marks a result `warm: true` when its batch ran on a warm runner (watch mode only).
      warmKnown += 1;
      if ((tests[0] as { warm?: boolean }).warm === true) warmHits += 1;
    }
  }
  return {
    runs: runs.length,
    batches: overheads.length,
    filesPerBatch: stats(sizes),
    perBatchOverheadMs: stats(overheads),
    perBatchOverheadPartsMs: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, stats(v)])),
    overheadNote: reportedDurations
      ? 'unit wall (acquire + sync + exec + pull) − the test durations the runner reported'
      : 'the runner reported no test durations (plain command), so all of exec (runner start-up and tests) is left out; ' +
        'overhead = acquire + sync + pull',
    warmRunnerHitRate: warmKnown === 0 ? null : round(warmHits / warmKnown, 2),
    ...(warmKnown === 0 ? { warmRunnerNote: 'vmwatch does not report whether a batch reused a warm runner process' } : {}),
  };
}
