import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { contractNames, hostFolders, type ContractCapabilities, type ContractHarness, type HostFolders } from './harness.ts';
import { lifecycleCases } from './lifecycleCases.ts';
import { poolCases, type PoolContext } from './poolCases.ts';

export type { ContractHarness } from './harness.ts';

export interface ContractOptions {
  /** Why this provider cannot run here (printed in the suite's name), or null. */
  unavailable: string | null;
  capabilities: ContractCapabilities;
  /** Per case, for providers whose boots take seconds (the doubles); default vitest's. */
  caseTimeoutMs?: number;
}

/**
 * The provider contract: one suite every provider runs (the in-memory fake, sandbox, the Tart
 * double, the Orchard double). First the provider's own lifecycle (create, start, revert, stop,
 * destroy, list), then the pool's behaviour on top of it. `makeHarness` runs once per file.
 */
export function describeProviderContract(name: string, makeHarness: () => Promise<ContractHarness>, options: ContractOptions): void {
  describe.skipIf(options.unavailable !== null)(
    `${name}: provider contract${options.unavailable ? ` (skipped: ${options.unavailable})` : ''}`,
    options.caseTimeoutMs === undefined ? {} : { timeout: options.caseTimeoutMs },
    () => {
      let harness: ContractHarness | undefined;
      let folders: HostFolders | undefined;
      const ctx: PoolContext = {
        harness: () => {
          if (!harness) throw new Error('the harness did not start (see the beforeAll error)');
          return harness;
        },
        folders: () => folders!,
        opened: [],
        pools: [],
      };

      beforeAll(async () => {
        folders = hostFolders();
        harness = await makeHarness();
      });

      afterEach(async () => {
        await Promise.allSettled(ctx.pools.splice(0).map((p) => p.destroy()));
        await Promise.allSettled(ctx.opened.splice(0).map((t) => t.close()));
        if (!harness) return;
        const { prefix, otherPrefix } = contractNames(harness.pool);
        const left = [...(await harness.provider.listVMs(prefix)), ...(await harness.provider.listVMs(otherPrefix))];
        for (const n of left) await harness.provider.destroyVM(n);
      });

      afterAll(async () => {
        await harness?.cleanup();
        folders?.cleanup();
      });

      lifecycleCases(ctx, options.capabilities);
      poolCases(ctx, options.capabilities);
    },
  );
}
