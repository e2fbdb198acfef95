import { errorMessage } from '../errors.ts';
import { logger } from '../log.ts';
import type { VM } from '../pool/VM.ts';
import type { RunContext } from './types.ts';

const log = logger('sync');

/**
 * Which app tree a machine holds is this module's business: the pool only forgets it at a revert
 * (VM.reconnect). Bring the app in the machine up to date before a test: after sync-ahead the machine already has
 * the tree, so only the files changed since are sent (none: no rsync at all); otherwise a full
 * sync. A partial sync that fails is not the test's failure: it falls back to a full sync, once.
 * Returns how many files a partial sync sent (-1 for a full one).
 */
export async function syncApp(
  vm: VM,
  ctx: Pick<RunContext, 'root' | 'guestPath' | 'excludes' | 'changesSince' | 'signal'>,
): Promise<number> {
  const signal = ctx.signal ? { signal: ctx.signal } : {};
  const files = vm.syncedAt === undefined ? null : (ctx.changesSince?.(vm.syncedAt) ?? null);
  if (files !== null) {
    if (files.length === 0) return 0;
    try {
      await vm.copyToVM(ctx.root, ctx.guestPath, { exclude: ctx.excludes, delete: true, files, ...signal });
      return files.length;
    } catch (err) {
      if (ctx.signal?.aborted) throw err;
      log.warn(
        { machine: vm.name, files: files.length },
        `partial sync into ${vm.name} failed, syncing the whole tree instead: ${errorMessage(err)}`,
      );
    }
  }
  await syncWhole(vm, ctx);
  return -1;
}

/**
 * The whole tree into the machine, remembered as of when the copy started (a change made during
 * it is sent again next time). Sync-ahead is this, on a clean machine waiting for its next test.
 */
export async function syncWhole(vm: VM, ctx: Pick<RunContext, 'root' | 'guestPath' | 'excludes' | 'signal'>): Promise<void> {
  const startedAt = Date.now();
  await vm.copyToVM(ctx.root, ctx.guestPath, { exclude: ctx.excludes, delete: true, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  vm.markSynced(startedAt);
}
