import type { ResolvedConfig } from '../config/types.ts';
import { ConfigError } from '../errors.ts';
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
  if (meta.root !== undefined && meta.root !== config.root) {
    // A default name carries a hash of the root, so another root's snapshot here is a mix-up: refused.
    if (!config.pool.snapshotNamed) throw new SnapshotForeignError(name, meta.root, config.root);
    reasons.push(`built for another app folder (${meta.root})`);
  }
  if (meta.setupHash !== setupHash(config.setup)) reasons.push('setup commands changed');
  if (meta.guestPath !== config.guestPath) reasons.push(`guestPath changed (${meta.guestPath} → ${config.guestPath})`);
  const now = await lockfileHashes(config.root);
  for (const file of new Set([...Object.keys(now), ...Object.keys(meta.lockfiles)])) {
    if (now[file] !== meta.lockfiles[file])
      reasons.push(`${file} ${now[file] === undefined ? 'removed' : meta.lockfiles[file] === undefined ? 'added' : 'changed'}`);
  }
  return { name, state: reasons.length === 0 ? 'fresh' : 'stale', reasons, meta };
}

/** The snapshot of this name was built for another app folder. */
class SnapshotForeignError extends ConfigError {
  constructor(name: string, builtFor: string, root: string) {
    super(
      `snapshot "${name}" was built for ${builtFor}, not for ${root}; ` +
        `run 'vmwatch snapshot build' here to build this app's own, or set pool.snapshot to share one on purpose`,
    );
  }
}
