import { lstat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { UnsafePathError } from '../errors.ts';

/**
 * `base/rel` as a real folder, made component by component without following a link: a
 * component that exists must be a folder itself (lstat), never a symlink to one, or this throws
 * UnsafePathError. `base` is the caller's own (e.g. a run folder it just made).
 */
export async function ensureRealDir(base: string, rel: string): Promise<string> {
  let dir = base;
  for (const part of rel.split('/').filter((p) => p !== '' && p !== '.')) {
    if (part === '..') throw new UnsafePathError(`${path.join(dir, part)}: vmwatch does not write through '..'`);
    dir = path.join(dir, part);
    try {
      await mkdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const stat = await lstat(dir);
      if (stat.isSymbolicLink()) throw new UnsafePathError(`${dir} is a symlink; vmwatch does not write through links`);
      if (!stat.isDirectory()) throw new UnsafePathError(`${dir} exists and is not a folder`);
    }
  }
  return dir;
}
