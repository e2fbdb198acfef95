import type { Slot, SlotStatus } from './types.ts';

/** What `status()` tells of a slot: a copy, with the machine's readiness while it is ready or leased. */
export function slotStatus(s: Slot): SlotStatus {
  return {
    index: s.index,
    name: s.name,
    state: s.state,
    ...(s.vm && (s.state === 'ready' || s.state === 'running') ? { readiness: s.vm.readiness } : {}),
    metrics: { ...s.metrics },
    ...(s.error ? { error: s.error } : {}),
  };
}
