import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { excludeMatcher } from '../../transport/ssh/excludeMatch.ts';
import type { WarmMessage } from './WarmRunner.ts';

/** Past these, the changes go by rsync (a cold batch): a warm runner's stdin is for a save, not a checkout. */
export const WARM_MAX_FILES = 200;
export const WARM_MAX_BYTES = 5 * 1024 * 1024;

export type WarmChanges = Pick<WarmMessage, 'write' | 'remove'> | { cold: string };

/**
 * What a warm runner must apply before its batch: the files changed on the host since it started
 * (`changed`, root-relative, deleted ones included), read from `root` — or why the batch must go
 * cold instead: the changes are unknown (null), too many or too large, touch what the runner has
 * already loaded (`inputs` globs, or exactly one of `loadedFiles`), or are not plain files (a
 * folder, a link).
 */
export async function warmChanges(
  root: string,
  changed: readonly string[] | null,
  inputs: readonly string[],
  excludes: readonly string[],
  loadedFiles: ReadonlySet<string> = new Set(),
): Promise<WarmChanges> {
  if (changed === null) return { cold: 'the changes since the machine was synced are not known' };
  const loaded = picomatch([...inputs], { dot: true });
  const excluded = excludeMatcher(excludes);
  const write: WarmMessage['write'] = [];
  const remove: string[] = [];
  let bytes = 0;
  const files = changed.filter((f) => !excluded(f, 'unknown'));
  if (files.length > WARM_MAX_FILES) return { cold: `${files.length} files changed (more than ${WARM_MAX_FILES})` };
  for (const file of files) {
    if (loaded(file) || loadedFiles.has(file)) return { cold: `${file} changed, and the warm runner has loaded it` };
    const full = path.join(root, file);
    const st = await lstat(full).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw err;
    });
    if (st === null) {
      remove.push(file);
      continue;
    }
    if (!st.isFile()) return { cold: `${file} is not a plain file` };
    bytes += st.size;
    if (bytes > WARM_MAX_BYTES) return { cold: `the changed files are larger than ${WARM_MAX_BYTES} bytes` };
    write.push({ path: file, base64: (await readFile(full)).toString('base64'), mode: st.mode & 0o777 });
  }
  return { write, remove };
}
