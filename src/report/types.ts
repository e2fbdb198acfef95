import type { CaseResult } from '../runners/types.ts';

/** The result of one test in one run. */
/** `flaky`: failed, then passed when rerun on a fresh machine (`retry`). Neither green nor red. */
export type TestStatus = 'passed' | 'failed' | 'error' | 'cancelled' | 'timedout' | 'flaky';

export interface TestResult {
  id: string;
  status: TestStatus;
  exitCode: number | null;
  durationMs: number;
  /** When the test's command started in its machine (ISO; when the job started if it never got that far). */
  startedAt?: string;
  /** When the result was known (ISO). */
  finishedAt?: string;
  /** Name of the machine it ran on (null when it never got one). */
  vm: string | null;
  reasons: string[];
  /** Absolute host path of `<into>/<runId>/tests/<folder>/`, the folder named by schedule/runId.ts testFolderName. */
  artifactsDir: string;
  /** Links in the machine's artifacts that pointed outside them: not copied, as `path -> target`. */
  droppedLinks?: string[];
  /** Why no artifacts were copied, when the artifacts folder itself was a symlink in the machine. */
  artifactsNote?: string;
  /** Set when status is `error`: what went wrong outside the test itself. */
  error?: string;
  /** How many times it ran (more than 1 with `retry`); each earlier attempt's log is `output.attempt-N.log`. */
  attempts?: number;
  /** Its test cases, when its runner reports them (runner adapters; `command` with `junit`). */
  cases?: CaseResult[];
  /** Set when it ran in a batch with other files of its rule: how many files that runner process ran. */
  batchSize?: number;
  /** Set when it ran on a runner started ahead in its machine (a warm runner). */
  warm?: boolean;
}

/** `<into>/<runId>/summary.json`. */
export interface RunSummary {
  runId: string;
  startedAt: string;
  finishedAt: string;
  changedFiles: string[];
  tests: TestResult[];
  passed: number;
  failed: number;
  /** Passed only when rerun. */
  flaky?: number;
  /** Set when the run's own files (summary.json, junit.xml) could not be written: why. */
  error?: string;
  /** The pool's machines when the run ended, with their counters (boots, reverts, failures, busy time). */
  machines?: Array<{ name: string; state: string; boots: number; reverts: number; failures: number; busyMs: number }>;
}

/** What to tell the user about a run; `kind` matches the `notify.on` values. */
export interface Notification {
  /** `problem`: vmwatch itself cannot run tests (the pool cannot start); always shown. */
  kind: 'failure' | 'recovery' | 'flaky' | 'problem';
  title: string;
  body: string;
  /** What clicking it opens, where the platform supports it (the run's folder). */
  open?: string;
}

/** What a run can notify about (`problem` comes from the pool, never from a run). */
export type RunNotification = Notification & { kind: Exclude<Notification['kind'], 'problem'> };

/** Where notifications go. The default is the desktop (node-notifier); a `notify.command` sink can follow. */
export interface NotificationSink {
  /** Resolves once delivered; rejects when it could not be. */
  send(notification: Notification): Promise<void>;
}
