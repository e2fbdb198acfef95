/** What to run from the API: everything, what failed last, or named tests. */
export type RunRequest = { all: true } | { failed: true } | { tests: string[] };

/**
 * One Server-Sent Event: a state change, a run's start (with its id), a finished test, output of
 * running tests (`{ runId, tests, offset, text }`: a batch's tests share one log), a run's end.
 */
export interface ApiEvent {
  type: 'state' | 'run-start' | 'result' | 'output' | 'run-end';
  data: unknown;
}

/**
 * The running daemon as the local API sees it. The API only reads files under `runsDir` and asks
 * the daemon for everything else; it never touches the pool itself.
 */
export interface DaemonApi {
  /** Where runs are written (artifacts.into): `<runsDir>/<runId>/summary.json`. */
  runsDir: string;
  /** Machines, queue, running tests with elapsed and expected times, the last run. */
  state(): unknown;
  /** Per test: last status, recent durations, flaky cases. */
  history(): unknown;
  /** One test's history (status, durations, cases, trend), or null for a test never run. */
  historyOf(testId: string): unknown;
  /** Cases that flipped with no change and tests that passed only when rerun. */
  flaky(): unknown;
  /** Why the current changes run a test; null for an unknown test id. */
  why(testId: string): Promise<unknown>;
  /** Submit a run; an error says why nothing was submitted (e.g. no test failed). */
  run(request: RunRequest): { submitted: number } | { error: string };
  /**
   * The log of a test of the run in progress: `live` while it runs (the file being written, to
   * follow), else its finished output.log; null for a test of no run in progress (read the summary).
   */
  liveLog(runId: string, testId: string): { file: string; live: boolean } | null;
  /** The run in progress: `{ runId, total, results }` (the results so far), or null. */
  current(): unknown;
  /** Cancel the current run; false when nothing runs. */
  cancel(): boolean;
  /**
   * Get every event from now on (`output` events only with `output: true`: following logs costs,
   * so only for a listener that wants them); returns the unsubscribe function.
   */
  subscribe(listener: (event: ApiEvent) => void, options?: { output?: boolean }): () => void;
}
