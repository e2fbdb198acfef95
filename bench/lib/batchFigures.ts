import type { LogLine } from './cliLog.ts';
import type { WatchedRun } from './vmwatchProcesses.ts';

/** Warm-runner hit rate and per-batch overhead from the watch runs (filled in once batches report them). */
export function batchFigures(runs: WatchedRun[], _lines: LogLine[]): Record<string, unknown> {
  return { runs: runs.length, warmRunnerHitRate: null, perBatchOverheadMs: null, note: 'not exposed yet' };
}
