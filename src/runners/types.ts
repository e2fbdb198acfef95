/**
 * Runner adapters: how one test runner (Vitest, `node --test`, pytest, unittest, or any command
 * that writes JUnit XML) runs a batch of test files in one process inside a machine, and how its
 * own machine-readable output becomes results per file and per test case.
 *
 * An adapter only builds command lines and parses result files; it never talks to a machine.
 * schedule/ runs the command with the machine's transport and pulls `resultsDir` back.
 */

export type RunnerKind = 'vitest' | 'node-test' | 'pytest' | 'unittest' | 'command';

export type CaseStatus = 'passed' | 'failed' | 'skipped' | 'todo';

export interface CaseFailure {
  /** The assertion's message (may span lines; the first line is what terminals and notifications show). */
  message: string;
  stack?: string;
  /** Where it failed, root-relative, when the runner says. */
  location?: { file: string; line: number };
}

/** One test case as the runner reported it. */
export interface CaseResult {
  /** Full name, describe blocks joined with ' › ' (`money › parses cents`). */
  name: string;
  status: CaseStatus;
  durationMs: number;
  failure?: CaseFailure;
}

/** What the runner said about one test file of the batch. */
export interface FileResult {
  /** Root-relative path, as it was given to `batchCommand`. */
  file: string;
  /** `failed` when a case failed or the file itself could not run (import error, syntax error). */
  status: 'passed' | 'failed';
  durationMs: number;
  cases: CaseResult[];
  /** The file-level failure (load/collect error), when there was one. */
  error?: string;
}

export interface BatchOptions {
  /** Machine path, relative to the app folder, where the runner must write its result files. */
  resultsDir: string;
  /** Only these cases (full names as in CaseResult.name), for rerunning failed ones; the adapter may run more. */
  cases?: string[];
}

/** What the machine runs for one batch. */
export interface BatchCommand {
  /** sh -c command line, run with cwd = the app folder. File names are passed so that `-x.test.js` stays a file. */
  command: string;
  /** Extra environment for the command. */
  env?: Record<string, string>;
  /** How the command is shown in output.log when it embeds a script (the script left out). */
  display?: string;
}

/** The per-rule settings an adapter reads. */
export interface RunnerRule {
  runner: RunnerKind;
  /** `command` runner: the command line, `{files}` replaced by the batch's files (`{file}` for one). */
  command?: string;
  /** `command` runner: where the command writes JUnit XML, relative to the app folder. */
  junit?: string;
  /** Vitest: typecheck enabled (a type change can change the result). */
  typecheck?: boolean;
  /** Known runners: extra arguments for the runner, before the files (e.g. `['--import', 'tsx']` for `node --test`). */
  args?: string[];
  /** pytest and unittest: the Python interpreter to run (default `python3`). */
  python?: string;
}

/** Where runners write their result files, relative to the app folder in the machine (never synced in). */
export const RESULTS_DIR = '.vmwatch-results';

/** Exit status of a warm runner that refused the batch's changes (nothing changed, nothing ran). */
export const WARM_REFUSED_EXIT = 86;

/** The line a warm runner prints once it is loaded and waits for its batch. */
export const WARM_READY_LINE = 'vmwatch warm runner: ready';

/** The line a warm runner prints before WARM_READY_LINE: the app files it has loaded (root-relative, a JSON array). */
export const WARM_LOADED_LINE = /^vmwatch warm runner: loaded (\[.*\])$/m;

/** The line a warm runner that transforms ahead (`prewarms`) prints when that is done. */
export const WARM_PREWARMED_LINE = /vmwatch warm runner: prewarmed (\d+) modules in (\d+) ms/;

/**
 * A runner started ahead of its batch, in a clean machine, up to where it waits for the batch on
 * stdin (one JSON line: the changed files to write and remove, the env, and `batchRun`'s part).
 * It writes its results where `batchCommand` would, so `readResults` reads them unchanged.
 */
export interface WarmSupport {
  /** The command (cwd = the app folder) that starts the runner, prints WARM_READY_LINE once loaded, and waits on stdin. */
  startCommand(rule: RunnerRule, options: Pick<BatchOptions, 'resultsDir'> & { prewarm?: boolean }): BatchCommand;
  /** The runner's part of the batch message: what to run (files, case filter). */
  batchRun(rule: RunnerRule, files: readonly string[], options: BatchOptions): unknown;
  /** Root-relative globs of what a started runner has already loaded: a change to one makes it stale. */
  inputs(rule: RunnerRule): string[];
  /** It goes on loading the app after WARM_READY_LINE and prints WARM_PREWARMED_LINE when done. */
  prewarms?: boolean;
}

export interface RunnerAdapter {
  readonly kind: RunnerKind;
  /** Whether a change that only touches types can change this rule's result. */
  typechecks(rule: RunnerRule): boolean;
  /** Whether `cases` in BatchOptions is honoured (rerun only the failed cases). */
  canFilterCases(rule: RunnerRule): boolean;
  /**
   * Whether this rule's files must run one per batch: its results cannot be told apart per file
   * (a `command` without `{files}`, or without a JUnit file, has only one exit code).
   */
  needsOneFilePerBatch(rule: RunnerRule): boolean;
  /**
   * Whether its batches print progress lines (progress.ts) as they start and finish each file, so
   * each file gets its own `timeoutMs`; otherwise a batch is bound only by the sum of them.
   */
  reportsProgress(rule: RunnerRule): boolean;
  /** The command that runs `files` (root-relative) in one process. */
  batchCommand(rule: RunnerRule, files: readonly string[], options: BatchOptions): BatchCommand;
  /**
   * Results from the files the runner wrote under `resultsDir` (pulled to `localResultsDir` on the
   * host). A file of the batch that is missing from the map has no result (the runner crashed
   * before reporting it): the caller reruns it alone; a result is never guessed.
   */
  readResults(rule: RunnerRule, files: readonly string[], localResultsDir: string): Promise<Map<string, FileResult>>;
  /** Set when the runner can be started ahead of its batch (a warm runner). */
  readonly warm?: WarmSupport;
}
