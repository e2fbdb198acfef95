import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { RunSummary, TestResult } from '../report/types.ts';

/** Run ids look like `20261202-192010-908` (optionally with a suffix); nothing else is a run. */
const RUN_ID = /^\d{8}-\d{6}-\d{3}(?:-[a-z0-9]+)?$/;

/** A run as the run list shows it: its counts and the first failing tests, not every result. */
export interface RunListItem {
  runId: string;
  startedAt: string;
  finishedAt: string;
  total: number;
  passed: number;
  failed: number;
  flaky?: number;
  error?: string;
  changedFiles: string[];
  /** The first LISTED failing test ids (all of them are in the run's summary). */
  failedTests: string[];
}

const LISTED = 20;

function listItem(runId: string, summary: RunSummary): RunListItem {
  const failedTests = (summary.tests ?? []).filter((t) => t.status !== 'passed' && t.status !== 'flaky').map((t) => t.id);
  return {
    runId,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    total: summary.tests?.length ?? 0,
    passed: summary.passed,
    failed: summary.failed,
    ...(summary.flaky ? { flaky: summary.flaky } : {}),
    ...(summary.error ? { error: summary.error } : {}),
    changedFiles: (summary.changedFiles ?? []).slice(0, LISTED),
    failedTests: failedTests.slice(0, LISTED),
  };
}

/**
 * The finished runs under `runsDir`, newest first, at most `limit`. A run's summary never changes
 * once written, so each is read once and only its list item is kept: listing 500 runs of 2,000
 * tests costs a directory read, not 500 parses, and memory does not grow with the tests.
 */
export class RunList {
  readonly #items = new Map<string, RunListItem>();
  readonly #runsDir: string;
  readonly #limit: number;

  constructor(runsDir: string, limit = 500) {
    this.#runsDir = runsDir;
    this.#limit = limit;
  }

  async list(): Promise<RunListItem[]> {
    const names = await readdir(this.#runsDir).catch(() => [] as string[]);
    const ids = names
      .filter((n) => RUN_ID.test(n))
      .sort()
      .reverse();
    const items: RunListItem[] = [];
    for (const runId of ids) {
      if (items.length >= this.#limit) break;
      let item = this.#items.get(runId);
      if (item === undefined) {
        const summary = await readSummary(this.#runsDir, runId);
        if (summary === null) continue;
        item = listItem(runId, summary);
        this.#items.set(runId, item);
      }
      items.push(item);
    }
    const shown = new Set(items.map((i) => i.runId));
    for (const id of this.#items.keys()) if (!shown.has(id)) this.#items.delete(id);
    return items;
  }
}

/** A run's summary.json, or null when the run is unknown or unfinished. */
export async function readSummary(runsDir: string, runId: string): Promise<RunSummary | null> {
  if (!RUN_ID.test(runId)) return null;
  try {
    return JSON.parse(await readFile(path.join(runsDir, runId, 'summary.json'), 'utf8')) as RunSummary;
  } catch {
    return null;
  }
}

/** The test's result in a run, or null. */
export async function findTest(runsDir: string, runId: string, testId: string): Promise<TestResult | null> {
  const summary = await readSummary(runsDir, runId);
  return summary?.tests.find((t) => t.id === testId) ?? null;
}

/** Why a file request is refused (the API answers 404 with it). */
export class ArtifactRefused extends Error {}

/**
 * The real path of `rel` inside a test's folder, for serving: relative, no `..`, and after
 * resolving every link still inside that folder (a test may plant links), and a regular file.
 */
export async function resolveArtifact(testDir: string, rel: string): Promise<string> {
  if (rel === '' || path.isAbsolute(rel) || rel.includes('\0')) throw new ArtifactRefused(`not a relative path: ${JSON.stringify(rel)}`);
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..'))
    throw new ArtifactRefused(`not a plain relative path: ${JSON.stringify(rel)}`);
  const root = await realpath(testDir).catch(() => {
    throw new ArtifactRefused('the test has no folder');
  });
  const real = await realpath(path.join(root, ...parts)).catch(() => {
    throw new ArtifactRefused(`no such file: ${rel}`);
  });
  if (!real.startsWith(`${root}${path.sep}`)) throw new ArtifactRefused(`${rel} resolves outside the test's folder`);
  if (!(await lstat(real)).isFile()) throw new ArtifactRefused(`${rel} is not a file`);
  return real;
}

/** Every regular file of a test's folder (relative paths), links and the runner's own reports left out. */
export async function listArtifacts(testDir: string, limit = 2000): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (found.length >= limit) return;
      const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), rel);
      else if (entry.isFile()) found.push(rel);
    }
  };
  await walk(testDir, '');
  return found;
}
