import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readJUnit, type JUnitCase } from './junitXml.ts';
import { batchFileFor, failureFrom, fileResultOf, NAME_SEPARATOR } from './results.ts';
import { escapeRegExp, fileArg, resultsPath } from './shell.ts';
import type { BatchCommand, BatchOptions, CaseResult, FileResult, RunnerAdapter, RunnerRule } from './types.ts';
import { shellQuote } from '../process/shellQuote.ts';
import { progressLine } from './progress.ts';

const junitName = (index: number): string => `node-test-${index}.xml`;
const logName = (index: number): string => `node-test-${index}.log`;

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
 * `node --test`: the batch runs as one `node --test` per file, one after another in the same shell
 * (Node runs every test file in a child process anyway: a batch pays only that parent's start per
 * file), each writing its own JUnit file, between progress lines (a timeout per file); spec output
 * goes to stdout and to a per-file log, from which a file that fails to load gets its error.
 *
 * One `node --test` for the whole batch cannot tell files apart for sure: its JUnit reporter does
 * not name them; its event stream names the file a test was declared in (a test a helper module
 * declares lands in the helper), replays the cases of a file that ended beside another one later,
 * and names files differently from Node 20 to 22. A file's own run has none of these problems.
 */
export const nodeTestAdapter: RunnerAdapter = {
  kind: 'node-test',
  typechecks: () => false,
  canFilterCases: () => true,
  needsOneFilePerBatch: () => false,
  reportsProgress: () => true,

  batchCommand(rule: RunnerRule, files: readonly string[], options: BatchOptions): BatchCommand {
    const dir = options.resultsDir;
    const common = [...(rule.args ?? [])];
    if (options.cases !== undefined && options.cases.length > 0) common.push(`--test-name-pattern=${nodeTestNamePattern(options.cases)}`);
    const runs = files.map((file, i) => {
      const reporters = [
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=spec',
        `--test-reporter-destination=${resultsPath(dir, logName(i))}`,
        '--test-reporter=junit',
        `--test-reporter-destination=${resultsPath(dir, junitName(i))}`,
      ];
      const mark = (kind: 'started' | 'finished'): string => `printf '%s' ${shellQuote(progressLine(kind, file))}`;
      const run = `node --test ${[...reporters, ...common].map(shellQuote).join(' ')} ${fileArg(file)} || s=1`;
      return `${mark('started')}; ${run}; ${mark('finished')}`;
    });
    return { command: [`mkdir -p ${shellQuote(dir)}`, 's=0', ...runs, 'exit $s'].join('; ') };
  },

  async readResults(_rule: RunnerRule, files: readonly string[], localResultsDir: string): Promise<Map<string, FileResult>> {
    const results = new Map<string, FileResult>();
    for (const [i, file] of files.entries()) {
      const junit = await readJUnit(path.join(localResultsDir, junitName(i)));
      if (junit === undefined) continue; // that run never finished its report
      const own = junit.filter((c) => !isFileLevel(c, file));
      const fileLevel = junit.find((c) => isFileLevel(c, file));
      const cases = own.map((c) => caseOf(c, file));
      const error = fileLevel ? await fileError(fileLevel, path.join(localResultsDir, logName(i))) : undefined;
      results.set(
        file,
        fileResultOf(file, cases, fileLevel ? cases.reduce((s, c) => s + c.durationMs, fileLevel.durationMs) : undefined, error),
      );
    }
    return results;
  },
};

/** Node reports a test file that exits non-zero outside its tests as a case named after the file's path. */
function isFileLevel(c: JUnitCase, file: string): boolean {
  return c.suites.length === 0 && c.status === 'failed' && path.posix.isAbsolute(c.name) && batchFileFor(c.name, [file]) === file;
}

function caseOf(c: JUnitCase, file: string): CaseResult {
  return {
    name: [...c.suites, c.name].join(NAME_SEPARATOR),
    status: c.status,
    durationMs: c.durationMs,
    ...(c.problem ? { failure: failureFrom(c.problem.text, file, c.problem.message) } : {}),
  };
}

/** What went wrong with the file as a whole: the error it printed (from the spec log) and how it exited. */
async function fileError(c: JUnitCase, logFile: string): Promise<string> {
  const exit = /exitCode: (\d+|null), signal: (?:'(\w+)'|null)/.exec(c.problem?.text ?? '');
  const how = exit?.[2] ? `was killed by ${exit[2]}` : exit?.[1] && exit[1] !== 'null' ? `exited with code ${exit[1]}` : 'failed';
  let printed: string | undefined;
  try {
    const log = await readFile(logFile, 'utf8');
    printed = log
      .split('\n')
      .map((l) => l.trim())
      .find((l) => /^(?:\w*Error|Error \[\w+\])\b.*:/.test(l) && !l.includes('test failed'));
  } catch {
    // no log: only the exit is known
  }
  return printed ? `${printed} (the test file ${how})` : `the test file ${how} before it reported its tests`;
}
