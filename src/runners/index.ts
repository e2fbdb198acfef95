import { commandAdapter } from './command.ts';
import { nodeTestAdapter } from './nodeTest.ts';
import { pytestAdapter } from './pytest.ts';
import type { RunnerAdapter, RunnerKind } from './types.ts';
import { unittestAdapter } from './unittest.ts';
import { vitestAdapter } from './vitest.ts';

const ADAPTERS: Record<RunnerKind, RunnerAdapter> = {
  vitest: vitestAdapter,
  'node-test': nodeTestAdapter,
  pytest: pytestAdapter,
  unittest: unittestAdapter,
  command: commandAdapter,
};

/** The adapter that runs and reads `kind`'s batches. */
export function adapterFor(kind: RunnerKind): RunnerAdapter {
  return ADAPTERS[kind];
}
