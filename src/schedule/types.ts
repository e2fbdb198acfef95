import type { VMPool } from '../pool/VMPool.ts';
import type { TestResult } from '../report/types.ts';
import type { TestCase } from '../select/types.ts';

export interface TestJob {
  test: TestCase;
  reasons: string[];
  /** 1 for the first run, 2 for the first rerun (`retry`); the command sees it as VMWATCH_ATTEMPT. */
  attempt?: number;
  /** Run only these cases of the file (full names), where its runner can filter (`f`: rerun failed). */
  cases?: string[];
}

export interface RunContext {
  pool: VMPool;
  root: string;
  guestPath: string;
  /** Artifacts folder inside the machine, relative to guestPath. */
  artifactsDir: string;
  runDir: string;
  /** rsync excludes for syncing the app in. */
  excludes: string[];
  env: Record<string, string>;
  defaultTimeoutMs: number;
  /** Cap on a test's output.log (config `output.maxBytes`); unset: no cap. */
  outputMaxBytes?: number;
  signal?: AbortSignal;
  /**
   * The files changed since `at` (root-relative, deleted ones included), when the caller knows them
   * all (the watcher); null when it cannot say, and the app is synced in full.
   */
  changesSince?: (at: number) => string[] | null;
  /** Told the machine's name once a test has one. */
  onAcquired?: (vm: string, testId: string) => void;
  /**
   * Told where a unit's output goes: the file being written while it runs (`live`), then, once it
   * ended, its output.log. A batch's tests share one log.
   */
  onLog?: (testIds: string[], file: string, live: boolean) => void;
}

/** Where the host-side time of one test went (for the benchmark and the logs). */
export interface TestTimings {
  /** Epoch ms: job start, machine acquired, app synced, command running in the machine. */
  queuedAt: number;
  acquiredAt?: number;
  syncedAt?: number;
  commandStartedAt?: number;
  acquireMs: number;
  syncMs: number;
  execStartMs?: number;
  execMs: number;
  pullMs: number;
  /** Set when its warm runner said there was no artifacts folder, so none was copied out. */
  noArtifacts?: true;
  /** Files sent by a partial sync (or in a warm runner's batch); -1 for a full one. */
  syncedFiles?: number;
  /** The batch ran on a runner started ahead in the machine (its start-up not paid by the batch). */
  warm?: boolean;
}

export type TimedResult = TestResult & { timings: TestTimings };
