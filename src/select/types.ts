import type { RunnerKind } from '../runners/types.ts';

/** A runnable test: a named suite from `tests`, or a file found by a `discover` rule. */
export interface TestCase {
  /** Suite id, or the test file's path relative to `root` (posix separators). */
  id: string;
  kind: 'suite' | 'discovered';
  /** Shell command, run in the machine with cwd = guestPath; `{file}` already replaced. */
  command: string;
  /** For discovered tests: the file, relative to root. */
  file?: string;
  /** For discovered tests: the runner of the rule that found it (`command`: run `command` as it is). */
  runner?: RunnerKind;
  /** For discovered tests: the index of that rule in `discover`. */
  rule?: number;
  timeoutMs?: number;
  /**
   * Whether its runner typechecks what it loads (from the rule); undefined = unknown, counted as
   * yes. A test that does not typecheck is selected only through runtime imports.
   */
  typechecks?: boolean;
}

/** How a file imports another: for its values at run time, or for types only (`import type`). */
export type ImportKind = 'runtime' | 'type-only';

export interface SelectedTest {
  id: string;
  /** Why it runs, shortest first, e.g. `imports src/money.ts via src/ledger.ts`, `changed`, `runAll trigger package.json`. */
  reasons: string[];
  /** Only these cases (full names), where the runner can filter: `f` reruns the failed cases alone. */
  cases?: string[];
}

/** What `select --json` prints: the selected tests and why, plus the files no rule covered. */
export interface Plan {
  changedFiles: string[];
  all: boolean;
  tests: SelectedTest[];
  /** Changed files that selected nothing and matched no rule. */
  uncovered: string[];
}

/** Anything with `has`: a Set of root-relative project files. */
export interface FileSet {
  has(file: string): boolean;
}
