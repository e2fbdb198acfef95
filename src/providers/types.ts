import type { Endpoint } from '../transport/types.ts';

/**
 * Machine lifecycle only: create, start, stop, revert, destroy, and
 * list what exists. It knows nothing of pools, tests or transports.
 */
export interface Provider {
  readonly kind: 'sandbox' | 'tart' | 'orchard' | 'hybrid';
  /** Check tools and the snapshot before anything is created; throws a VmwatchError a user can act on. */
  check(): Promise<void>;
  /** Make a machine from the snapshot; one that already has this name is replaced. */
  createVM(name: string, signal?: AbortSignal): Promise<void>;
  startVM(name: string, signal?: AbortSignal): Promise<Endpoint>;
  stopVM(name: string): Promise<void>;
  /** Back to the snapshot's state; returns the (possibly new) endpoint, ready to use. */
  revertToSnapshot(name: string, signal?: AbortSignal): Promise<Endpoint>;
  /** Stop if needed and delete. Idempotent: a machine that does not exist is not an error. */
  destroyVM(name: string): Promise<void>;
  /** A machine to build or update the snapshot in: from the base image, or from the current snapshot. */
  createBuilder(name: string, from: 'base' | 'snapshot', signal?: AbortSignal): Promise<Endpoint>;
  /** Save the builder as the pool's snapshot (replacing the old one) and remove the builder. */
  commitSnapshot(name: string, signal?: AbortSignal): Promise<void>;
  /** A machine left running on purpose (pool.keepWarm) taken over as it is: its endpoint, or null when it is not usable. */
  adoptVM?(name: string, signal?: AbortSignal): Promise<Endpoint | null>;
  /** Names of existing machines starting with `prefix` (to reap a crashed run's orphans). */
  listVMs(prefix: string): Promise<string[]>;
}
