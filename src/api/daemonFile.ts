import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomic } from '../files/writeAtomic.ts';
import { homePaths } from '../paths.ts';

/** What a running watch tells `vmwatch ui` and `vmwatch mcp`: where its API is, and its token. */
export interface DaemonFile {
  url: string;
  token: string;
  pid: number;
  root: string;
}

/** Written for this user only (folder 0700, file 0600): the token opens the API. */
export async function writeDaemonFile(pool: string, info: DaemonFile): Promise<void> {
  const file = homePaths.daemon(pool);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeAtomic(file, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
}

/** Removed at stop, unless another process has written it since. */
export async function removeDaemonFile(pool: string): Promise<void> {
  const file = homePaths.daemon(pool);
  const info = await readFile(file, 'utf8').then(
    (t) => JSON.parse(t) as DaemonFile,
    () => null,
  );
  if (info?.pid === process.pid) {
    await rm(file, { force: true });
    await rm(homePaths.daemonLauncher(pool), { force: true });
  }
}

/** The running watch's API for `pool`, or null when none runs (no file, or its process is gone). */
export async function findDaemon(pool: string): Promise<DaemonFile | null> {
  const info = await readFile(homePaths.daemon(pool), 'utf8').then(
    (t) => JSON.parse(t) as DaemonFile,
    () => null,
  );
  if (info === null || typeof info.url !== 'string' || typeof info.token !== 'string') return null;
  try {
    process.kill(info.pid, 0);
    return info;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? info : null;
  }
}
