import { shellQuote } from '../../process/shellQuote.ts';
import { readFileSync } from 'node:fs';

import type { BatchOptions, RunnerRule, WarmSupport } from '../types.ts';

let script: string | undefined;
/** The progress plugin (pytestProgress.py), then the bootstrap, which passes it to pytest.main. */
function bootstrap(): string {
  if (script === undefined) {
    const plugin = readFileSync(new URL('../pytestProgress.py', import.meta.url), 'utf8');
    script = `${plugin}\n${readFileSync(new URL('./pytestWarm.py', import.meta.url), 'utf8')}`;
  }
  return script;
}

/** What pytest reads before it collects (its config files, the root conftest) and the app's dependencies. */
const LOADED = [
  'pytest.ini',
  '.pytest.ini',
  'pyproject.toml',
  'setup.cfg',
  'tox.ini',
  'conftest.py',
  'requirements*.txt',
  'poetry.lock',
  'uv.lock',
  'Pipfile.lock',
  '.env',
];

/**
 * pytest started ahead: the interpreter with pytest and the root conftest imported
 * (pytestWarm.py), then one batch from stdin run by `pytest.main` with batchCommand's arguments.
 * The bootstrap itself refuses a batch that changes a module it has already imported.
 */
export function pytestWarm(
  args: (rule: RunnerRule, resultsDir: string) => string[],
  selection: (files: readonly string[], cases: readonly string[] | undefined) => string[],
): WarmSupport {
  return {
    startCommand(rule: RunnerRule, options: Pick<BatchOptions, 'resultsDir'>) {
      const setup = JSON.stringify({ args: args(rule, options.resultsDir) });
      return { command: [rule.python ?? 'python3', '-c', bootstrap(), setup].map(shellQuote).join(' ') };
    },
    batchRun: (_rule: RunnerRule, files: readonly string[], options: BatchOptions) => ({ args: selection(files, options.cases) }),
    inputs: () => [...LOADED],
  };
}
