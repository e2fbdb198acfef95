import { errorMessage } from '../errors.ts';
import { logger } from '../log.ts';
import type { Endpoint } from '../transport/types.ts';
import type { Slot, VMPoolOptions } from './types.ts';
import { VM } from './VM.ts';

const log = logger('pool');

/** What bringing a slot's machine up needs from its pool. */
export interface BringUpContext {
  connect: VMPoolOptions['connect'];
  prepare: VMPoolOptions['prepare'];
  attempts: number;
  backoffMs: number;
  /** The pool's life: aborted by destroy. */
  signal: AbortSignal;
  destroyed: () => boolean;
  /** The slot's machine is connected, prepared and clean. */
  ready: (slot: Slot) => void;
  /** Every attempt failed: the slot is out of service. */
  outOfService: (slot: Slot) => void;
  /** The machine's readiness (warm/cold) changed. */
  changed: () => void;
}

/**
 * Boot or revert a slot's machine (`step`), connect to it, wait until it answers, and prepare it
 * (sync-ahead): retried with exponential backoff up to `attempts` times. A stop by destroy is not
 * a failure of the machine and is not reported.
 */
export async function bringUp(slot: Slot, what: 'boot' | 'revert', step: () => Promise<Endpoint>, ctx: BringUpContext): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (ctx.destroyed()) return;
    try {
      const endpoint = await step();
      if (ctx.destroyed()) return;
      const transport = ctx.connect(endpoint);
      try {
        await transport.ready?.(ctx.signal);
      } catch (err) {
        await transport.close();
        throw err;
      }
      if (slot.vm) {
        await slot.vm.transport.close();
        slot.vm.reconnect(endpoint, transport);
      } else {
        slot.vm = new VM({ index: slot.index, name: slot.name, endpoint, transport });
        slot.vm.onReadinessChange = ctx.changed;
      }
      delete slot.error;
      await prepare(slot.vm, ctx);
      if (ctx.destroyed()) return;
      ctx.ready(slot);
      return;
    } catch (err) {
      if (ctx.destroyed()) return;
      slot.metrics.failures++;
      slot.error = `${what} failed: ${errorMessage(err)}`;
      log.warn({ vm: slot.name, attempt, err }, `${what} failed`);
      if (attempt >= ctx.attempts) {
        log.error({ vm: slot.name }, `${slot.name} is out of service after ${attempt} attempts: ${slot.error}`);
        ctx.outOfService(slot);
        return;
      }
      await new Promise((r) => setTimeout(r, ctx.backoffMs * 2 ** (attempt - 1)));
    }
  }
}

/** Sync-ahead; a failure only costs the next acquire a full sync. */
async function prepare(vm: VM, ctx: BringUpContext): Promise<void> {
  if (!ctx.prepare) return;
  try {
    await ctx.prepare(vm, ctx.signal);
  } catch (err) {
    if (!ctx.destroyed()) log.debug({ vm: vm.name, err }, 'sync-ahead failed; the next test syncs in full');
  }
}
