import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { RunSummary, TestResult } from '../report/types.ts';

/** Run ids look like `20261202-192010-908` (optionally with a suffix); nothing else is a run. */
const RUN_ID = /^\d{8}-\d{6}-\d{3}(?:-[a-z0-9]+)?$/;

/** The runs under `runsDir` that have a summary, newest first, as { runId, summary }. */
export async function listRuns(runsDir: string, limit = 500): Promise<Array<{ runId: string; summary: RunSummary }>> {
  const names = await readdir(runsDir).catch(() => [] as string[]);
  const ids = names
    .filter((n) => RUN_ID.test(n))
    .sort()
    .reverse();
  const runs: Array<{ runId: string; summary: RunSummary }> = [];
  for (const runId of ids) {
    if (runs.length >= limit) break;
    const summary = await readSummary(runsDir, runId);
    if (summary !== null) runs.push({ runId, summary });
  }
  return runs;
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
