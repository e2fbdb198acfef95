import type { VM } from '../pool/VM.ts';
import type { RunContext } from './types.ts';

/**
 * Bring the app in the machine up to date before a test: after sync-ahead the machine already has
 * the tree, so only the files changed since are sent (none: no rsync at all); otherwise a full
 * sync. Returns how many files a partial sync sent (-1 for a full one).
 */
export async function syncApp(vm: VM, ctx: Pick<RunContext, 'root' | 'guestPath' | 'excludes' | 'changesSince' | 'signal'>): Promise<number> {
  const startedAt = Date.now();
  const files = vm.syncedAt === undefined ? null : (ctx.changesSince?.(vm.syncedAt) ?? null);
  if (files === null || files.length > 0) {
    await vm.copyToVM(ctx.root, ctx.guestPath, { exclude: ctx.excludes, delete: true, ...(files ? { files } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) });
  }
  if (files === null) vm.syncedAt = startedAt;
  return files?.length ?? -1;
}
