/** What to run from the API: everything, what failed last, or named tests. */
export type RunRequest = { all: true } | { failed: true } | { tests: string[] };

/** One Server-Sent Event: a state change, a finished test, a run's start or end. */
export interface ApiEvent {
  type: 'state' | 'run-start' | 'result' | 'run-end';
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
  /** Why the current changes run a test; null for an unknown test id. */
  why(testId: string): Promise<unknown>;
  /** Submit a run; an error says why nothing was submitted (e.g. no test failed). */
  run(request: RunRequest): { submitted: number } | { error: string };
  /** Cancel the current run; false when nothing runs. */
  cancel(): boolean;
  /** Get every event from now on; returns the unsubscribe function. */
  subscribe(listener: (event: ApiEvent) => void): () => void;
}
