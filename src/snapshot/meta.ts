import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomic } from '../files/writeAtomic.ts';
import { homePaths } from '../paths.ts';

/** What a snapshot was built from, to tell when it is stale. Kept beside every provider's snapshot. */
export interface SnapshotMeta {
  name: string;
  provider: string;
  builtAt: string;
  guestPath: string;
  /** Hash of the `setup` commands it ran. */
  setupHash: string;
  /** Lockfile (root-relative) → content hash at build time. */
  lockfiles: Record<string, string>;
  /** Top-level entries the setup made (node_modules, .venv, build output): not synced, not deleted by a sync. */
  provides: string[];
  /** The app folder (host path) it was built for; absent in snapshots built before it was recorded. */
  root?: string;
}

function snapshotMetaFile(name: string): string {
  return homePaths.snapshotMeta(name);
}

export async function readSnapshotMeta(name: string): Promise<SnapshotMeta | null> {
  try {
    return JSON.parse(await readFile(snapshotMetaFile(name), 'utf8')) as SnapshotMeta;
  } catch {
    return null;
  }
}

export async function writeSnapshotMeta(meta: SnapshotMeta): Promise<void> {
  const file = snapshotMetaFile(meta.name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeJsonAtomic(file, meta);
}
