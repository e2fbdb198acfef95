import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ArtifactsError, errorMessage } from '../errors.ts';
import { writeAtomic } from './writeAtomic.ts';

const REASONS: Record<string, string> = {
  EROFS: 'it is on a read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a file is in the way where a folder is expected',
  EEXIST: 'a file is in the way where a folder is expected',
};

function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return (code === undefined ? undefined : REASONS[code]) ?? errorMessage(err);
}

/**
 * Check, before any test runs, that vmwatch can write its results into `into`: the folder exists
 * or can be made, and a small file can be written there and removed (nothing is left behind).
 * Throws ArtifactsError (exit 2) naming the folder, the config field and why.
 */
export async function checkWritable(into: string, field: string): Promise<void> {
  const fail = (what: string, err: unknown): ArtifactsError =>
    new ArtifactsError(`${field}: cannot ${what} ${into}: ${why(err)}. Make it writable or set ${field} to a folder vmwatch can write.`, {
      cause: err,
    });
  try {
    await mkdir(into, { recursive: true });
  } catch (err) {
    throw fail('create the results folder', err);
  }
  const probe = path.join(into, `.vmwatch-write-check-${process.pid}`);
  try {
    await writeAtomic(probe, 'vmwatch can write here\n');
  } catch (err) {
    throw fail('write in the results folder', err);
  }
  await rm(probe, { force: true });
}
