import type { ResolvedConfig } from '../config/types.ts';
import { lockfileHashes, setupHash } from './fingerprint.ts';
import { readSnapshotMeta, type SnapshotMeta } from './meta.ts';

export interface SnapshotStatus {
  name: string;
  state: 'missing' | 'stale' | 'fresh';
  reasons: string[];
  meta: SnapshotMeta | null;
}

/** Stale when `setup`, the guest path or a lockfile changed since the build. */
export async function snapshotStatus(config: ResolvedConfig, providerKind: string): Promise<SnapshotStatus> {
  const name = config.pool.snapshot;
  const meta = await readSnapshotMeta(name);
  if (meta === null || meta.provider !== providerKind) return { name, state: 'missing', reasons: ['never built'], meta };
  const reasons: string[] = [];
  if (meta.setupHash !== setupHash(config.setup)) reasons.push('setup commands changed');
  if (meta.guestPath !== config.guestPath) reasons.push(`guestPath changed (${meta.guestPath} → ${config.guestPath})`);
  const now = await lockfileHashes(config.root);
  for (const file of new Set([...Object.keys(now), ...Object.keys(meta.lockfiles)])) {
    if (now[file] !== meta.lockfiles[file]) reasons.push(`${file} ${now[file] === undefined ? 'removed' : meta.lockfiles[file] === undefined ? 'added' : 'changed'}`);
  }
  return { name, state: reasons.length === 0 ? 'fresh' : 'stale', reasons, meta };
}
