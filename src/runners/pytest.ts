import { shellQuote } from '../process/shellQuote.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readJUnit, type JUnitCase } from './junitXml.ts';
import { batchFileFor, failureFrom, fileResultOf, NAME_SEPARATOR } from './results.ts';
import { resultsPath } from './shell.ts';
import { pytestWarm } from './warm/pytestWarm.ts';
import type { BatchCommand, BatchOptions, CaseFailure, CaseResult, FileResult, RunnerAdapter, RunnerRule } from './types.ts';

const REPORT = 'junit.xml';

/** vmwatch's pytest plugin (progress lines per file), kept as a .py file beside this one. */
const PYTEST_PROGRESS_PLUGIN = readFileSync(new URL('./pytestProgress.py', import.meta.url), 'utf8');

/** `python -c` this with pytest's arguments: `python -m pytest ARGS` with the progress plugin. */
const COLD_SCRIPT = `${PYTEST_PROGRESS_PLUGIN}
import os, sys
# As under -m: the folder itself first on sys.path, not '' (a test that changes folder moves '').
if sys.path and sys.path[0] == '':
    sys.path[0] = os.getcwd()
sys.exit(int(_vmwatch_pytest.main(sys.argv[1:], plugins=[VmwatchProgress()])))
`;

/**
 * What to pass pytest to run only `cases`: with one file, exact node ids (`file::Class::test`);
 * with several (a node id naming a test a file lacks stops pytest), `-k` on the test names when
 * they are plain identifiers; otherwise the files, unfiltered (the contract allows running more).
 */
export function pytestSelection(files: readonly string[], cases: readonly string[] | undefined): string[] {
  return pytestSelectionArgs(files, cases).map(shellQuote);
}

/** pytestSelection's words, unquoted (an argv). */
function pytestSelectionArgs(files: readonly string[], cases: readonly string[] | undefined): string[] {
  const asPath = (f: string): string => (f.startsWith('/') || f.startsWith('./') ? f : `./${f}`);
  if (cases === undefined || cases.length === 0) return files.map(asPath);
  if (files.length === 1) return cases.map((c) => asPath(`${files[0]!}::${c.split(NAME_SEPARATOR).join('::')}`));
  const leaves = [...new Set(cases.map((c) => c.split(NAME_SEPARATOR).at(-1)!))];
  if (!leaves.every((l) => /^[A-Za-z_]\w*$/.test(l))) return files.map(asPath);
  return ['-k', leaves.join(' or '), ...files.map(asPath)];
}

/** pytest's own flags for a batch (after `-m pytest`): JUnit XML (xunit1) into the results folder. */
function pytestArgs(rule: RunnerRule, resultsDir: string): string[] {
  return [
    '-p',
    'no:cacheprovider',
    '--rootdir=.',
    '--continue-on-collection-errors',
    '-o',
    'junit_family=xunit1',
    `--junitxml=${resultsPath(resultsDir, REPORT)}`,
    ...(rule.args ?? []),
  ];
}

/**
 * pytest: one session for the batch (collection errors do not stop it), with vmwatch's progress
 * plugin; results from its JUnit XML (xunit1: file and line per case).
 */
export const pytestAdapter: RunnerAdapter = {
  kind: 'pytest',
  typechecks: () => false,
  canFilterCases: () => true,
  needsOneFilePerBatch: () => false,
  reportsProgress: () => true,
  warm: pytestWarm((rule, resultsDir) => pytestArgs(rule, resultsDir), pytestSelectionArgs),

  batchCommand(rule: RunnerRule, files: readonly string[], options: BatchOptions): BatchCommand {
    const args = [...pytestArgs(rule, options.resultsDir), ...pytestSelectionArgs(files, options.cases)].map(shellQuote);
    const python = shellQuote(rule.python ?? 'python3');
    return { command: [python, '-c', shellQuote(COLD_SCRIPT), ...args].join(' '), display: [python, '-m', 'pytest', ...args].join(' ') };
  },

  async readResults(_rule: RunnerRule, files: readonly string[], localResultsDir: string): Promise<Map<string, FileResult>> {
    const junit = await readJUnit(path.join(localResultsDir, REPORT));
    if (junit === undefined) return new Map(); // pytest writes the report at the end: it did not get there
    const byFile = new Map<string, { cases: CaseResult[]; errors: string[] }>();
    for (const c of junit) {
      const file = fileOf(c, files);
      if (file === undefined) continue;
      const entry = byFile.get(file) ?? { cases: [], errors: [] };
      byFile.set(file, entry);
      if (isCollectionError(c)) entry.errors.push(c.problem!.text || c.problem!.message);
      else entry.cases.push(caseOf(c, file));
    }
    const results = new Map<string, FileResult>();
    for (const [file, { cases, errors }] of byFile) {
      results.set(file, fileResultOf(file, cases, undefined, errors.length > 0 ? errors.join('\n') : undefined));
    }
    return results;
  },
};

/** A file pytest could not collect (import error, syntax error): a case with no class and an error. */
function isCollectionError(c: JUnitCase): boolean {
  return c.classname === '' && c.problem?.kind === 'error';
}

/** The batch file of a case: its `file` attribute, else its dotted classname read as a path. */
function fileOf(c: JUnitCase, files: readonly string[]): string | undefined {
  if (c.file !== undefined) return batchFileFor(c.file, files);
  const parts = (c.classname || c.name).split('.');
  for (let k = parts.length; k > 0; k--) {
    const found = batchFileFor(`${parts.slice(0, k).join('/')}.py`, files);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** `tests.test_money.TestCents` + `test_parses` in tests/test_money.py → `TestCents › test_parses`. */
function caseName(c: JUnitCase, file: string): string {
  const parts = c.classname.split('.');
  const stem = path.posix.basename(file, '.py');
  const moduleAt = parts.lastIndexOf(stem);
  return [...(moduleAt >= 0 ? parts.slice(moduleAt + 1) : []), c.name].join(NAME_SEPARATOR);
}

function caseOf(c: JUnitCase, file: string): CaseResult {
  let failure: CaseFailure | undefined;
  if (c.problem) {
    failure = failureFrom(c.problem.text || c.problem.message, file, c.problem.message, 'last');
    if (!failure.location && c.line !== undefined) failure.location = { file, line: c.line + 1 };
  }
  return { name: caseName(c, file), status: c.status, durationMs: c.durationMs, ...(failure ? { failure } : {}) };
}
