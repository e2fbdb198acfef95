import { statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { gitPrefix, runGit, splitNul } from './gitChanges.ts';

/** Folders never listed: VCS data, dependencies, virtualenvs, vmwatch's own state and outputs. */
const SKIPPED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', '.venv', '.vmwatch', 'test-runs', '__pycache__']);

/**
 * Every file of the project under `root`, relative to it (posix separators), sorted: tracked plus
 * untracked-not-ignored files that exist on disk; outside git, a walk of the tree. Files under a
 * folder named in SKIPPED_DIRS are left out either way.
 */
export async function listProjectFiles(root: string): Promise<string[]> {
  const listed = (await gitPrefix(root)) === undefined ? await walk(root) : await listFromGit(root);
  return listed.filter((file) => !file.split('/').some((part) => SKIPPED_DIRS.has(part))).sort();
}

async function listFromGit(root: string): Promise<string[]> {
  // Run from root, ls-files lists only files below it, relative to it.
  const output = await runGit(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  // Synchronous stats: for thousands of files, much faster than a promise per file.
  return [...new Set(splitNul(output))].filter((file) => statSync(path.join(root, file), { throwIfNoEntry: false })?.isFile() === true);
}

async function walk(root: string, dir = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...(await walk(root, relative)));
    } else if (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path.join(root, relative))))) {
      files.push(relative);
    }
  }
  return files;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** `Promise.all(items.map(fn))` with at most `limit` calls in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
