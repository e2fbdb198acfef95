import { shellQuote } from '../process/shellQuote.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { batchFileFor, failureFrom, fileResultOf, firstLine, NAME_SEPARATOR } from './results.ts';
import { escapeRegExp, fileArg } from './shell.ts';
import { PROGRESS_REPORTER_SHOWN, vitestReporterArgs, vitestWarm } from './warm/vitestWarm.ts';
import type { BatchCommand, BatchOptions, CaseResult, CaseStatus, FileResult, RunnerAdapter, RunnerRule } from './types.ts';

const REPORT = 'vitest.json';

/** The parts of Vitest's JSON reporter output that are read. */
interface VitestReport {
  testResults?: Array<{
    name: string;
    status: string;
    message?: string;
    startTime?: number;
    endTime?: number;
    assertionResults?: Array<{
      ancestorTitles?: string[];
      title: string;
      status: string;
      duration?: number | null;
      failureMessages?: string[];
      location?: { line: number; column: number } | null;
    }>;
  }>;
}

/**
 * Vitest's `-t` pattern for `names`: Vitest matches it against a test's full name, its describe
 * blocks and its title joined by single spaces (`money cents parses cents`).
 */
export function vitestNamePattern(names: readonly string[]): string {
  return `^(?:${names.map((n) => n.split(NAME_SEPARATOR).map(escapeRegExp).join(' ')).join('|')})$`;
}

/**
 * The app's own Vitest, run with the arguments in "$@": its `node_modules/.bin/vitest` when the
 * app folder has one (what npx would find too, about a second later on a small machine), with
 * that folder first on PATH as npx puts it (a test may run `tsc` by name); else npx.
 */
const VITEST_BIN =
  'if [ -x node_modules/.bin/vitest ]; then export PATH="$PWD/node_modules/.bin:$PATH"; exec node_modules/.bin/vitest "$@"; fi; ' +
  'exec npx vitest "$@"';

/**
 * Vitest: one `vitest run` for the batch; results from its JSON reporter. Files are passed as
 * `./file` filters (Vitest matches them as path fragments, so a file whose path contains another
 * batch file's path may run too; only the batch's files are read back).
 */
export const vitestAdapter: RunnerAdapter = {
  kind: 'vitest',
  typechecks: (rule) => rule.typecheck === true,
  canFilterCases: () => true,
  needsOneFilePerBatch: () => false,
  reportsProgress: () => true,
  warm: vitestWarm(REPORT, vitestNamePattern),

  batchCommand(rule: RunnerRule, files: readonly string[], options: BatchOptions): BatchCommand {
    const words = ['run', ...vitestReporterArgs(options.resultsDir, REPORT)];
    if (options.cases !== undefined && options.cases.length > 0) words.push('-t', vitestNamePattern(options.cases));
    words.push(...(rule.args ?? []));
    const args = [...words.map(shellQuote), ...files.map(fileArg)].join(' ');
    const shown = [
      ...words.map((w) => (w.startsWith('--reporter=data:') ? PROGRESS_REPORTER_SHOWN : shellQuote(w))),
      ...files.map(fileArg),
    ];
    return { command: `set -- ${args}; ${VITEST_BIN}`, display: `vitest ${shown.join(' ')}` };
  },

  async readResults(_rule: RunnerRule, files: readonly string[], localResultsDir: string): Promise<Map<string, FileResult>> {
    let report: VitestReport;
    try {
      report = JSON.parse(await readFile(path.join(localResultsDir, REPORT), 'utf8')) as VitestReport;
    } catch {
      return new Map(); // no report: Vitest itself did not finish
    }
    const results = new Map<string, FileResult>();
    for (const tr of report.testResults ?? []) {
      const file = batchFileFor(tr.name, files);
      if (file === undefined) continue;
      const assertions = tr.assertionResults ?? [];
      // `pending`: the test started or was queued but never ended, i.e. its worker died. No result.
      if (assertions.some((a) => a.status === 'pending')) continue;
      const cases = assertions.map((a): CaseResult => {
        const status = caseStatus(a.status);
        const text = a.failureMessages?.[0];
        const failure = status === 'failed' ? failureFrom(text ?? 'failed', file) : undefined;
        if (failure && !failure.location && a.location) failure.location = { file, line: a.location.line };
        return {
          name: [...(a.ancestorTitles ?? []), a.title].join(NAME_SEPARATOR),
          status,
          durationMs: Math.round(a.duration ?? 0),
          ...(failure ? { failure } : {}),
        };
      });
      const fileError = tr.status === 'failed' && firstLine(tr.message ?? '') !== '' ? tr.message : undefined;
      const failedWithoutCases = tr.status === 'failed' && !cases.some((c) => c.status === 'failed');
      const error = fileError ?? (failedWithoutCases ? 'the test file failed outside its tests (see the run output)' : undefined);
      const duration = tr.endTime !== undefined && tr.startTime !== undefined ? Math.round(tr.endTime - tr.startTime) : undefined;
      results.set(file, fileResultOf(file, cases, duration, error));
    }
    return results;
  },
};

function caseStatus(status: string): CaseStatus {
  switch (status) {
    case 'passed':
      return 'passed';
    case 'failed':
      return 'failed';
    case 'todo':
      return 'todo';
    default:
      return 'skipped';
  }
}
