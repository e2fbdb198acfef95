import path from 'node:path';
import { readJUnit, type JUnitCase } from './junitXml.ts';
import { batchFileFor, failureFrom, fileResultOf, NAME_SEPARATOR } from './results.ts';
import { fileArg, resultsPath } from './shell.ts';
import type { BatchCommand, BatchOptions, CaseResult, FileResult, RunnerAdapter, RunnerRule } from './types.ts';
import { shellQuote } from '../process/shellQuote.ts';

const REPORT = 'command-junit.xml';

/** The user's command with `{files}` (all of the batch) and `{file}` (a batch of one) filled in, shell-quoted. */
export function fillCommand(command: string, files: readonly string[]): string {
  if (command.includes('{file}') && files.length !== 1) {
    throw new Error(
      `the command uses {file}, which names one test file, but was given ${files.length}: use {files} to run several at once`,
    );
  }
  return command.split('{files}').join(files.map(fileArg).join(' ')).split('{file}').join(files.map(fileArg).join(' '));
}

/**
 * Any command. Without a JUnit file there is one exit code for the whole command, so each file
 * must run alone (needsOneFilePerBatch) and the caller judges it by that exit code: readResults
 * knows nothing then. With `junit`, the report is copied into the results folder after the
 * command, and its cases are given to the batch's files by their `file` attribute, or by a
 * classname or suite name that spells the file's path; with one file, every case is that file's.
 */
export const commandAdapter: RunnerAdapter = {
  kind: 'command',
  typechecks: () => true,
  canFilterCases: () => false,
  needsOneFilePerBatch: (rule) => rule.junit === undefined || !(rule.command ?? '').includes('{files}'),
  // Nothing says which file an arbitrary command is on: its batch is bound by the sum of the timeouts.
  reportsProgress: () => false,

  batchCommand(rule: RunnerRule, files: readonly string[], options: BatchOptions): BatchCommand {
    if (rule.command === undefined) throw new Error("runner 'command' needs a command");
    const filled = fillCommand(rule.command, files);
    if (rule.junit === undefined) return { command: filled };
    const junit = shellQuote(rule.junit);
    const dir = shellQuote(options.resultsDir);
    const copied = shellQuote(resultsPath(options.resultsDir, REPORT));
    return { command: `rm -f ${junit}; (${filled}); s=$?; mkdir -p ${dir} && { cp ${junit} ${copied} 2>/dev/null || true; }; exit $s` };
  },

  async readResults(rule: RunnerRule, files: readonly string[], localResultsDir: string): Promise<Map<string, FileResult>> {
    if (rule.junit === undefined) return new Map();
    const junit = await readJUnit(path.join(localResultsDir, REPORT));
    if (junit === undefined) return new Map();
    const byFile = new Map<string, CaseResult[]>();
    for (const c of junit) {
      const file = files.length === 1 ? files[0]! : attribute(c, files);
      if (file === undefined) continue; // cannot tell whose it is: that file stays without a result
      byFile.set(file, [...(byFile.get(file) ?? []), caseOf(c, file, files)]);
    }
    // A file none of whose cases could be found has no result: it is rerun alone, not guessed passed.
    return new Map([...byFile].map(([file, cases]) => [file, fileResultOf(file, cases)]));
  },
};

/** `tests/test_x.py` → `tests.test_x`; `src/a.test.ts` → `src.a.test`. */
function dotted(file: string): string {
  return file
    .replace(/\.[^./]+$/, '')
    .split('/')
    .join('.');
}

function attribute(c: JUnitCase, files: readonly string[]): string | undefined {
  if (c.file !== undefined) return batchFileFor(c.file, files);
  for (const named of [c.classname, ...[...c.suites].reverse()]) {
    if (named === '') continue;
    const byPath = batchFileFor(named, files);
    if (byPath !== undefined) return byPath;
    const byModule = files.filter((f) => named === dotted(f) || named.startsWith(`${dotted(f)}.`));
    if (byModule.length > 0) return byModule.reduce((a, b) => (dotted(b).length > dotted(a).length ? b : a));
  }
  return undefined;
}

function caseOf(c: JUnitCase, file: string, files: readonly string[]): CaseResult {
  const suites = c.suites.filter((s) => s !== '' && batchFileFor(s, files) === undefined);
  return {
    name: [...suites, c.name].join(NAME_SEPARATOR),
    status: c.status,
    durationMs: c.durationMs,
    ...(c.problem ? { failure: failureFrom(c.problem.text || c.problem.message, file, c.problem.message) } : {}),
  };
}
