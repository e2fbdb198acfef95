import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { TransportError } from '../../errors.ts';
import { excludeMatcher } from './excludeMatch.ts';

export interface FileListPlan {
  /** Paths (relative to the source folder) that exist: sent with `--files-from`. */
  send: string[];
  /** Listed paths that no longer exist in the source: deleted in the destination. */
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
  for (const rel of new Set(files.map(normalizeRelative))) {
    const stat = await lstat(path.join(sourceDir, rel)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw err;
    });
    if (stat === null) {
      if (!excluded(rel, 'unknown')) plan.remove.push(rel);
    } else if (!excluded(rel, stat.isDirectory())) {
      plan.send.push(rel);
    }
  }
  return plan;
}

export function normalizeRelative(file: string): string {
  const rel = path.posix.normalize(file).replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (rel === '' || rel === '.' || path.posix.isAbsolute(rel) || rel === '..' || rel.startsWith('../')) {
    throw new TransportError(`'${file}' in the list of files to copy is not a path inside the folder being copied`);
  }
  return rel;
}
