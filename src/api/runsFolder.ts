import { constants } from 'node:fs';
import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { isRunListItem, RUN_LIST_FILE, runListItem, type RunListItem } from '../report/runListItem.ts';
import type { RunSummary, TestResult } from '../report/types.ts';
import { RESULTS_DIR } from '../runners/types.ts';

/** Never through a link, never waiting on a FIFO planted in a run's folder. */
const NO_LINK = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Run ids look like `20261202-192010-908` (optionally with a suffix); nothing else is a run. */
const RUN_ID = /^\d{8}-\d{6}-\d{3}(?:-[a-z0-9]+)?$/;

export const isRunId = (name: string): boolean => RUN_ID.test(name);

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
        const read = await readListItem(this.#runsDir, runId);
        if (read === null) continue;
        item = read;
        this.#items.set(runId, item);
      }
      items.push(item);
    }
    const shown = new Set(items.map((i) => i.runId));
    for (const id of this.#items.keys()) if (!shown.has(id)) this.#items.delete(id);
    return items;
  }
}

/** A run's list item: its run.json (small), else made from its summary.json (runs written before run.json). */
async function readListItem(runsDir: string, runId: string): Promise<RunListItem | null> {
  try {
    const item: unknown = JSON.parse(await readFile(path.join(runsDir, runId, RUN_LIST_FILE), { encoding: 'utf8', flag: NO_LINK }));
    if (isRunListItem(item) && item.runId === runId) return item;
  } catch {
    // none, or not ours: the summary says it
  }
  const summary = await readSummary(runsDir, runId);
  return summary === null ? null : runListItem(runId, summary);
}

/** A run's summary.json, or null when the run is unknown or unfinished. */
async function readSummary(runsDir: string, runId: string): Promise<RunSummary | null> {
  if (!RUN_ID.test(runId)) return null;
  try {
    return JSON.parse(await readFile(path.join(runsDir, runId, 'summary.json'), { encoding: 'utf8', flag: NO_LINK })) as RunSummary;
  } catch {
    return null;
  }
}

/** The test's result in a run, or null. */
export async function findTest(runsDir: string, runId: string, testId: string): Promise<TestResult | null> {
  const summary = await readSummary(runsDir, runId);
  return summary?.tests.find((t) => t.id === testId) ?? null;
}

/**
 * A test's folder as a real path, when it really is inside its run's folder (a summary names it;
 * neither it nor any folder above it may lead elsewhere through a link); else null.
 */
export async function testFolder(runsDir: string, runId: string, artifactsDir: string): Promise<string | null> {
  const run = await realpath(path.join(runsDir, runId)).catch(() => null);
  const test = await realpath(artifactsDir).catch(() => null);
  return run !== null && test !== null && test.startsWith(`${run}${path.sep}`) ? test : null;
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
      if (entry.isDirectory() && rel !== RESULTS_DIR) await walk(path.join(dir, entry.name), rel);
      else if (entry.isFile()) found.push(rel);
    }
  };
  await walk(testDir, '');
  return found;
}
