import type { Slot, SlotState } from './types.ts';

/** Which states a slot may move to from each: boot → ready ⇄ running → cleaning → ready, or failed. */
const TRANSITIONS: Record<SlotState, readonly SlotState[]> = {
  starting: ['ready', 'failed'],
  ready: ['running', 'cleaning'],
  running: ['cleaning'],
  cleaning: ['ready', 'failed'],
  failed: [],
};

/** Moves the slot to `next`; any other move is a bug in the pool, thrown. */
export function moveSlot(slot: Slot, next: SlotState): void {
  if (!TRANSITIONS[slot.state].includes(next)) throw new Error(`pool bug: ${slot.name} cannot go from ${slot.state} to ${next}`);
  slot.state = next;
}
