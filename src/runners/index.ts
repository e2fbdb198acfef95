import type { RunnerAdapter, RunnerKind } from './types.ts';

/** Placeholder until the adapters land. */
export function adapterFor(kind: RunnerKind): RunnerAdapter {
  throw new Error(`no adapter for ${kind} yet`);
}
