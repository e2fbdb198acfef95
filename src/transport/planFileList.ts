import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { TransportError } from '../errors.ts';
import { excludeMatcher } from './ssh/excludeMatch.ts';

export interface FileListPlan {
  /** Paths (relative to the source folder) that exist: sent with `--files-from`. */
  send: string[];
  /** Listed paths that no longer exist in the source, each as its topmost missing folder: deleted in the destination. */
  remove: string[];
}

/**
 * Split the caller's list of changed paths into what to send and what to delete, dropping what
 * the excludes cover (rsync applies them to the listed files, not always to their folders, and
 * never to a deletion done by hand). A path must stay inside the folder.
 */
export async function planFileList(sourceDir: string, files: readonly string[], exclude: readonly string[]): Promise<FileListPlan> {
  const excluded = excludeMatcher(exclude);
  const plan: FileListPlan = { send: [], remove: [] };
  const removed = new Set<string>();
  for (const rel of new Set(files.map(normalizeRelative))) {
    const stat = await lstatOrNull(path.join(sourceDir, rel));
    if (stat === null) {
      // A path in a removed folder is the folder's removal: rsync cannot list a path whose folder is gone.
      const gone = await topmostMissing(sourceDir, rel);
      if (!excluded(gone, 'unknown')) removed.add(gone);
    } else if (!excluded(rel, stat.isDirectory())) {
      plan.send.push(rel);
    }
  }
  plan.remove = [...removed].sort();
  return plan;
}

async function lstatOrNull(file: string): Promise<Awaited<ReturnType<typeof lstat>> | null> {
  return lstat(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  });
}

/** The shortest leading part of `rel` (a missing path) that is missing in `sourceDir`. */
async function topmostMissing(sourceDir: string, rel: string): Promise<string> {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    if ((await lstatOrNull(path.join(sourceDir, prefix))) === null) return prefix;
  }
  return rel;
}

export function normalizeRelative(file: string): string {
  const rel = path.posix
    .normalize(file)
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  if (rel === '' || rel === '.' || path.posix.isAbsolute(rel) || rel === '..' || rel.startsWith('../')) {
    throw new TransportError(`'${file}' in the list of files to copy is not a path inside the folder being copied`);
  }
  return rel;
}
