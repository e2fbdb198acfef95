import { readFileSync } from 'node:fs';
import path from 'node:path';
import { batchFileFor, fileResultOf, firstLine, readJsonLines } from './results.ts';
import { fileArg, resultsPath } from './shell.ts';
import type { BatchCommand, BatchOptions, CaseResult, CaseStatus, FileResult, RunnerAdapter, RunnerRule } from './types.ts';
import { shellQuote } from '../process/shellQuote.ts';

const REPORT = 'unittest.jsonl';

/** The stdlib runner the machine runs with `python -c`: kept as a .py file beside this one. */
const RUNNER_SCRIPT = readFileSync(new URL('./unittestRunner.py', import.meta.url), 'utf8');

/** One line of the runner's results file. */
interface UnittestRecord {
  file: string;
  durationMs: number;
  error?: string;
  cases: Array<{ name: string; status: CaseStatus; durationMs: number; failure?: { message: string; stack: string; line: number | null } }>;
}

/**
 * unittest (stdlib): a small runner script imports each file as a module from the app folder
 * (`tests/test_x.py` → `tests.test_x`, as `python -m unittest tests/test_x.py` does), runs its
 * tests, and appends one JSON line per finished file, so files finished before a crash keep
 * their results.
 */
export const unittestAdapter: RunnerAdapter = {
  kind: 'unittest',
  typechecks: () => false,
  canFilterCases: () => true,
  needsOneFilePerBatch: () => false,
  reportsProgress: () => true,

  batchCommand(rule: RunnerRule, files: readonly string[], options: BatchOptions): BatchCommand {
    const words = [
      shellQuote(rule.python ?? 'python3'),
      ...(rule.args ?? []).map(shellQuote),
      '-c',
      shellQuote(RUNNER_SCRIPT),
      shellQuote(resultsPath(options.resultsDir, REPORT)),
      shellQuote(JSON.stringify(options.cases ?? [])),
      ...files.map(fileArg),
    ];
    return { command: words.join(' '), display: words.join(' ').replace(shellQuote(RUNNER_SCRIPT), '<vmwatch unittest runner>') };
  },

  async readResults(_rule: RunnerRule, files: readonly string[], localResultsDir: string): Promise<Map<string, FileResult>> {
    const records = ((await readJsonLines(path.join(localResultsDir, REPORT))) ?? []) as UnittestRecord[];
    const results = new Map<string, FileResult>();
    for (const record of records) {
      const file = typeof record?.file === 'string' ? batchFileFor(record.file, files) : undefined;
      if (file === undefined || !Array.isArray(record.cases)) continue;
      const cases = record.cases.map(
        (c): CaseResult => ({
          name: c.name,
          status: c.status,
          durationMs: c.durationMs,
          ...(c.failure
            ? {
                failure: {
                  message: c.failure.message,
                  stack: c.failure.stack,
                  ...(c.failure.line === null ? {} : { location: { file, line: c.failure.line } }),
                },
              }
            : {}),
        }),
      );
      results.set(file, fileResultOf(file, cases, record.durationMs, record.error === undefined ? undefined : lastErrorLine(record.error)));
    }
    return results;
  },
};

/** A traceback's exception line first (what a user acts on), then the traceback. */
function lastErrorLine(traceback: string): string {
  const lines = traceback.trimEnd().split('\n');
  return `${lines.at(-1) ?? firstLine(traceback)}\n${traceback.trimEnd()}`;
}
