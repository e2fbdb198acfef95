import { PoolError } from '../errors.ts';
import type { Slot } from './types.ts';

/** Every slot of the pool is failed: nothing will ever serve an acquire. */
export function allFailed(slots: Iterable<Slot>): boolean {
  const list = [...slots];
  return list.length > 0 && list.every((s) => s.state === 'failed');
}

/** Why each machine is out of service, in one line ("vmwatch-x-1: boot failed: …; …"). */
export function failureReasons(slots: Iterable<Slot>): string {
  return [...slots].map((s) => `${s.name}: ${s.error ?? 'failed'}`).join('; ');
}

export function outOfServiceError(slots: Iterable<Slot>): PoolError {
  return new PoolError(
    `every machine of the pool is out of service (${failureReasons(slots)}). See 'Troubleshooting' in the README, then restart vmwatch.`,
  );
}
