import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** A fresh hidden name beside `file`, in the same folder (so the rename stays on one file system). */
function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Write `file` so a reader sees the old content or the new, never half of one, and a crash or a
 * full disk leaves no temp file behind: a new temp file beside it (O_EXCL|O_NOFOLLOW, so never
 * through a link someone planted), written, fsynced, renamed over `file` (a rename replaces a link
 * at `file` itself rather than writing where it points); on any failure the temp file is removed
 * and the error thrown.
 */
export async function writeAtomic(file: string, data: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  const temp = tempNameFor(file);
  let handle: FileHandle | undefined;
  let created = false;
  try {
    handle = await open(temp, CREATE_NEW, options.mode ?? 0o644);
    created = true;
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, file);
  } catch (err) {
    await handle?.close().catch(() => {});
    if (created) await rm(temp, { force: true }).catch(() => {});
    throw err;
  }
}

/** writeAtomic for code that must stay synchronous (exit handlers, status files written on a timer). */
export function writeAtomicSync(file: string, data: string | Uint8Array, options: { mode?: number } = {}): void {
  const temp = tempNameFor(file);
  let fd: number | undefined;
  let created = false;
  try {
    fd = openSync(temp, CREATE_NEW, options.mode ?? 0o644);
    created = true;
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    if (created) rmSync(temp, { force: true });
    throw err;
  }
}

export function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  return writeAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
