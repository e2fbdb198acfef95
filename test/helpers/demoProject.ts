import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { RunSummary } from '../../src/report/types.ts';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const REPO = path.resolve(import.meta.dirname, '../..');
const DEMO_APP = path.join(REPO, 'examples/demo-app');
export const CLI = path.join(REPO, 'bin/vmwatch.mjs');
/** Shared by the e2e tests so the demo's `npm ci` snapshot is built once per test run. */
export const DEMO_SNAPSHOT = 'vmwatch-e2e-demo-ready';

export interface DemoProject {
  dir: string;
  /** The app (a git repository with one commit). */
  app: string;
  configFile: string;
  /** Host artifacts folder. */
  runs: string;
  cleanup(): void;
}

/**
 * A temp copy of the demo app as its own git repository, and a config beside it (outside the app,
 * so editing the config is not an app change). Overrides are merged into the config's top level.
 */
export function createDemoProject(options: { pool: string; overrides?: Record<string, unknown>; setup?: string[] }): DemoProject {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-demo-'));
  const app = path.join(dir, 'app');
  cpSync(DEMO_APP, app, { recursive: true, filter: (src) => !/[/\\](node_modules|test-runs|__pycache__|\.vmwatch)([/\\]|$)/.test(src) });
  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=vmwatch-test', '-c', 'user.email=test@vmwatch.invalid', ...args], { cwd: app, stdio: 'ignore' });
  };
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'demo app');
  const config = {
    root: './app',
    guestPath: '/mnt/chatstats/app',
    setup: options.setup ?? ['npm ci --no-audit --no-fund'],
    watch: { debounceMs: 100, ignore: ['node_modules/**', '**/__pycache__/**'] },
    discover: [
      { pattern: 'src/**/*.test.ts', runner: 'node-test', args: ['--import', 'tsx'] },
      { pattern: 'tests/test_*.py', runner: 'unittest' },
    ],
    tests: [
      { id: 'api-smoke', command: 'node --import tsx scripts/api-smoke.ts', files: ['scripts/api-smoke.ts'], covers: ['src/server.ts'] },
      { id: 'py-api-check', command: 'python3 scripts/py_api_check.py', files: ['scripts/py_api_check.py'], covers: ['shop/catalog.json'] },
      { id: 'write-report', command: 'node --import tsx scripts/write-report.ts', files: ['scripts/write-report.ts'] },
    ],
    triggers: { map: [{ files: ['shop/catalog.json'], tests: ['tests/test_prices.py', 'tests/test_cart.py', 'tests/test_receipt.py'] }] },
    pool: { name: options.pool, snapshot: DEMO_SNAPSHOT, size: 3 },
    artifacts: { dir: 'test-runs', into: 'test-runs' },
    ...options.overrides,
  };
  const configFile = path.join(dir, 'watch.config.mjs');
  writeFileSync(configFile, `export default ${JSON.stringify(config, null, 2)};\n`);
  return { dir, app, configFile, runs: path.join(dir, 'test-runs'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The finished runs under an artifacts folder (those with a summary.json), oldest first. */
export function finishedRuns(runs: string): string[] {
  if (!existsSync(runs)) return [];
  return readdirSync(runs)
    .filter((d) => existsSync(path.join(runs, d, 'summary.json')))
    .sort();
}

/** Their summaries, oldest first. */
export function summaries(runs: string): RunSummary[] {
  return finishedRuns(runs).map((d) => JSON.parse(readFileSync(path.join(runs, d, 'summary.json'), 'utf8')) as RunSummary);
}
