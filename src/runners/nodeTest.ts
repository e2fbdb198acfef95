import { readFileSync } from 'node:fs';
import path from 'node:path';
import { shellQuote } from '../process/shellQuote.ts';
import { batchFileFor, failureFrom, fileResultOf, NAME_SEPARATOR, readJsonLines } from './results.ts';
import { escapeRegExp, fileArg, resultsPath } from './shell.ts';
import type { BatchCommand, BatchOptions, CaseResult, CaseStatus, FileResult, RunnerAdapter, RunnerRule } from './types.ts';

const REPORT = 'node-test.jsonl';

/** vmwatch's reporter (nodeTestReporter.mjs) as a `--test-reporter` value: a data: URL, nothing written into the app. */
const REPORTER = `data:text/javascript;base64,${readFileSync(new URL('./nodeTestReporter.mjs', import.meta.url)).toString('base64')}`;

/** One line of the reporter's results file. */
interface NodeTestRecord {
  file: string;
  durationMs: number;
  error?: string;
  cases: Array<{ name: string; status: CaseStatus; durationMs: number; failure?: { message: string; stack?: string } }>;
}

/**
 * `--test-name-pattern` for `names`. Node 20 matches a pattern against each test's own title (a
 * matching describe runs all it holds); newer Node against the full name joined by spaces. Both
 * forms are in the alternation, so a same-titled test elsewhere may run too.
 */
export function nodeTestNamePattern(names: readonly string[]): string {
  const forms = new Set<string>();
  for (const name of names) {
    const parts = name.split(NAME_SEPARATOR);
    forms.add(escapeRegExp(parts.at(-1)!));
    if (parts.length > 1) forms.add(parts.map(escapeRegExp).join(' '));
  }
  return `^(?:${[...forms].join('|')})$`;
}

/**
 * `node --test`: one `node --test` for the batch (Node runs each file in its own child process,
 * side by side as it does by default). Spec output goes to stdout for output.log; vmwatch's
 * reporter gives each event to its file (Node 20's JUnit reporter cannot), writes one JSON line
 * per finished file (a crash keeps the files finished before it) and prints the progress lines.
 */
export const nodeTestAdapter: RunnerAdapter = {
  kind: 'node-test',
  typechecks: () => false,
  canFilterCases: () => true,
  needsOneFilePerBatch: () => false,
  reportsProgress: () => true,

  batchCommand(rule: RunnerRule, files: readonly string[], options: BatchOptions): BatchCommand {
    const dir = options.resultsDir;
    const words = [
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${REPORTER}`,
      `--test-reporter-destination=${resultsPath(dir, REPORT)}`,
      ...(rule.args ?? []),
    ];
    if (options.cases !== undefined && options.cases.length > 0) words.push(`--test-name-pattern=${nodeTestNamePattern(options.cases)}`);
    const line = (shown: (w: string) => string): string => ['node', ...words.map(shown), ...files.map(fileArg)].join(' ');
    return {
      command: `mkdir -p ${shellQuote(dir)} && ${line(shellQuote)}`,
      display: line((w) => (w.includes(REPORTER) ? '--test-reporter=<vmwatch reporter>' : shellQuote(w))),
    };
  },

  async readResults(_rule: RunnerRule, files: readonly string[], localResultsDir: string): Promise<Map<string, FileResult>> {
    // No report: node --test itself did not get to the end of a file.
    const records = ((await readJsonLines(path.join(localResultsDir, REPORT))) ?? []) as NodeTestRecord[];
    const results = new Map<string, FileResult>();
    for (const record of records) {
      const file = typeof record?.file === 'string' ? batchFileFor(record.file, files) : undefined;
      if (file === undefined || !Array.isArray(record.cases)) continue;
      const cases = record.cases.map(
        (c): CaseResult => ({
          name: c.name,
          status: c.status,
          durationMs: c.durationMs,
          ...(c.failure ? { failure: failureFrom(c.failure.stack ?? c.failure.message, file, c.failure.message) } : {}),
        }),
      );
      results.set(file, fileResultOf(file, cases, record.durationMs, record.error));
    }
    return results;
  },
};
