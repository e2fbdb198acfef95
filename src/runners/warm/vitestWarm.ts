import { shellQuote } from '../../process/shellQuote.ts';
import { readFileSync } from 'node:fs';
import { resultsPath } from '../shell.ts';
import type { BatchOptions, RunnerRule, WarmSupport } from '../types.ts';

/** The bootstrap run in the machine and its worker started ahead (read once; passed on the command line, never copied into the app). */
let scripts: { bootstrap: string; workerAhead: string } | undefined;
function bootstrap(): { bootstrap: string; workerAhead: string } {
  scripts ??= {
    bootstrap: readFileSync(new URL('./vitestWarm.mjs', import.meta.url), 'utf8'),
    workerAhead: readFileSync(new URL('./vitestWorkerAhead.mjs', import.meta.url), 'utf8'),
  };
  return scripts;
}

/** vmwatch's progress reporter (vitestProgress.mjs) as a reporter argument: a data: URL, nothing written into the app. */
let progressArg: string | undefined;
function progressReporterArg(): string {
  if (progressArg === undefined) {
    const source = readFileSync(new URL('../vitestProgress.mjs', import.meta.url));
    progressArg = `--reporter=data:text/javascript;base64,${source.toString('base64')}`;
  }
  return progressArg;
}

/** How progressReporterArg is shown in a batch's output.log. */
export const PROGRESS_REPORTER_SHOWN = '--reporter=<vmwatch progress>';

/**
 * Vitest's reporter flags for a batch: the default reporter for output.log, JSON for the results,
 * and vmwatch's progress lines (a timeout per file).
 */
export function vitestReporterArgs(resultsDir: string, report: string): string[] {
  return ['--reporter=default', '--reporter=json', progressReporterArg(), `--outputFile.json=${resultsPath(resultsDir, report)}`];
}

/** What Vitest has loaded once `createVitest` returns: its config (and what it imports), env files, tsconfig, packages. */
const LOADED = [
  '{vite,vitest}.config.*',
  'vitest.{workspace,projects}.*',
  'vitest.setup.*',
  '**/tsconfig*.json',
  '**/jsconfig*.json',
  '.env',
  '.env.*',
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'yarn.lock',
  'bun.lock',
  'bun.lockb',
  '.npmrc',
];

/** A `--config`/`-c`/`--root` the rule passes: its file is loaded too. */
function configFromArgs(args: readonly string[]): string[] {
  const found: string[] = [];
  args.forEach((arg, i) => {
    const eq = /^--(?:config|root|dir)=(.+)$/.exec(arg);
    if (eq) found.push(eq[1]!.replace(/^\.\//, ''));
    else if ((arg === '--config' || arg === '-c') && args[i + 1] !== undefined) found.push(args[i + 1]!.replace(/^\.\//, ''));
  });
  return found;
}

/**
 * Vitest started ahead: `vitest/node` from the app's own node_modules, `createVitest` with the
 * batch's reporter flags and the rule's args (Vitest's own CLI parser), a worker process started
 * ahead (vitestWorkerAhead.mjs), then one batch from stdin (vitestWarm.mjs).
 */
export function vitestWarm(report: string, namePattern: (cases: readonly string[]) => string): WarmSupport {
  return {
    startCommand(rule: RunnerRule, options: Pick<BatchOptions, 'resultsDir'> & { prewarm?: boolean }) {
      const { bootstrap: script, workerAhead } = bootstrap();
      const args = [...vitestReporterArgs(options.resultsDir, report), ...(rule.args ?? [])];
      const setup = JSON.stringify({ args, workerAhead, prewarm: options.prewarm !== false });
      // node_modules/.bin first on PATH, as npx (and a cold batch) has it.
      const command = ['node', '--input-type=module', '-e', script, setup].map(shellQuote).join(' ');
      return { command: `PATH="$PWD/node_modules/.bin:$PATH" ${command}` };
    },
    batchRun(_rule: RunnerRule, files: readonly string[], options: BatchOptions) {
      const filters = files.map((f) => (f.startsWith('/') || f.startsWith('./') ? f : `./${f}`));
      return { filters, ...(options.cases !== undefined && options.cases.length > 0 ? { namePattern: namePattern(options.cases) } : {}) };
    },
    inputs: (rule: RunnerRule) => [...LOADED, ...configFromArgs(rule.args ?? [])],
    prewarms: true,
  };
}
