import { expect, it } from 'vitest';
import { PoolError } from '../../../src/errors.ts';
import type { VMPoolOptions } from '../../../src/pool/types.ts';
import { VMPool } from '../../../src/pool/VMPool.ts';
import type { VM } from '../../../src/pool/VM.ts';
import { waitFor } from '../../helpers/processes.ts';
import { FaultyProvider } from './FaultyProvider.ts';
import { contractNames, syncApp, type ContractCapabilities } from './harness.ts';
import type { ContractContext } from './lifecycleCases.ts';

const ATTEMPTS = 2;

/** An acquire that gives up (with the pool's state) instead of hanging until the case times out. */
async function acquireWithin(pool: VMPool, what: string): Promise<VM> {
  const signal = AbortSignal.timeout(45_000);
  try {
    return await pool.acquire(signal);
  } catch (err) {
    if (signal.aborted) throw new Error(`no machine for ${what} within 45 s: ${JSON.stringify(pool.status())}`);
    throw err;
  }
}

export interface PoolContext extends ContractContext {
  /** Pools the current case made, destroyed after it. */
  pools: VMPool[];
}

/** The pool's behaviour on top of the provider: sizes, cycles, retries, all-failed, resize, replace, adopt. */
export function poolCases(ctx: PoolContext, capabilities: ContractCapabilities): void {
  const names = () => contractNames(ctx.harness().pool);
  const size = () => ctx.harness().poolSize ?? 2;
  const newPool = (options: Partial<VMPoolOptions> & { provider?: FaultyProvider } = {}): { pool: VMPool; faults: FaultyProvider } => {
    const h = ctx.harness();
    const faults = options.provider ?? new FaultyProvider(h.provider);
    const pool = new VMPool({
      connect: h.connect,
      pool: h.pool,
      size: size(),
      attempts: ATTEMPTS,
      backoffMs: 20,
      prepare: syncApp(ctx.folders().app),
      ...options,
      provider: faults,
    });
    ctx.pools.push(pool);
    return { pool, faults };
  };
  const allReady = (pool: VMPool, what: string) => waitFor(() => pool.status().every((s) => s.state === 'ready'), 60_000, what);
  const expectedNames = () => Array.from({ length: size() }, (_, i) => names().machine(i + 1));

  it('init starts N machines; acquire/release cycles revert them and leave N; destroy leaves nothing', async () => {
    const { pool } = newPool();
    await pool.init();
    expect(pool.status().map((s) => [s.name, s.state])).toEqual(expectedNames().map((n) => [n, 'ready']));
    for (let cycle = 1; cycle <= 2; cycle++) {
      const vms = await Promise.all(expectedNames().map(() => acquireWithin(pool, `cycle ${cycle}`)));
      for (const vm of vms) {
        expect((await vm.exec(`cat dirty.txt`)).exitCode).not.toBe(0);
        expect(await vm.exec(`echo cycle-${cycle} > dirty.txt`)).toMatchObject({ exitCode: 0 });
      }
      for (const vm of vms) await pool.release(vm);
      await allReady(pool, `every machine reverted after cycle ${cycle}`);
    }
    expect(pool.status().map((s) => s.metrics.reverts)).toEqual(expectedNames().map(() => 2));
    expect((await ctx.harness().provider.listVMs(names().prefix)).sort()).toEqual(expectedNames());
    await pool.destroy();
    expect(await ctx.harness().provider.listVMs(names().prefix)).toEqual([]);
  });

  it('a machine whose revert fails once is retried and comes back clean', async () => {
    const { pool, faults } = newPool({ size: 1 });
    await pool.init();
    const vm = await acquireWithin(pool, 'the first lease');
    await vm.exec('echo dirty > dirty.txt');
    faults.failReverts = 1;
    await pool.release(vm);
    const again = await acquireWithin(pool, 'the retried revert');
    expect(pool.status()[0]).toMatchObject({ state: 'running', metrics: { reverts: 1, failures: 1 } });
    expect((await again.exec('cat dirty.txt')).exitCode).not.toBe(0);
    expect(await again.exec('cat app.txt')).toMatchObject({ exitCode: 0, output: 'the app\n' });
    await pool.release(again);
  });

  it(
    'a machine whose reverts keep failing is out of service: with none left, ' + 'acquire rejects with a PoolError naming the reason',
    async () => {
      const { pool, faults } = newPool({ size: 1 });
      await pool.init();
      const vm = await acquireWithin(pool, 'the first lease');
      faults.failReverts = ATTEMPTS;
      const waiting = acquireWithin(pool, 'the out-of-service rejection');
      await pool.release(vm);
      const err = await waiting.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PoolError);
      expect(String((err as Error).message)).toMatch(/out of service.*revert failed: injected revert failure/);
      expect(pool.status()[0]).toMatchObject({ state: 'failed' });
      await expect(pool.acquire()).rejects.toBeInstanceOf(PoolError);
    },
  );

  it('a provider whose every boot fails: init rejects with a PoolError naming the reason, and nothing is left', async () => {
    const h = ctx.harness();
    const faults = new FaultyProvider(h.provider);
    let reason = /injected: no machine can boot/;
    let undo = async (): Promise<void> => {
      faults.failEveryBoot = null;
    };
    if (h.failBoots) ({ reason, undo } = await h.failBoots(size() * ATTEMPTS));
    else faults.failEveryBoot = 'injected: no machine can boot (contract suite)';
    try {
      const { pool } = newPool({ provider: faults });
      const err = await pool.init().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PoolError);
      expect((err as Error).message).toMatch(/no machine of the pool could start/);
      expect((err as Error).message).toMatch(reason);
      expect(await h.provider.listVMs(names().prefix)).toEqual([]);
    } finally {
      await undo();
    }
  });

  it('resize grows at once and shrinks without touching a running lease', async () => {
    const { pool } = newPool({ size: 1 });
    await pool.init();
    const busy = await acquireWithin(pool, 'the busy lease');
    await pool.resize(2);
    expect(pool.status().map((s) => s.state)).toEqual(['running', 'ready']);
    await pool.resize(1);
    expect(pool.status().map((s) => [s.name, s.state])).toEqual([[names().machine(1), 'running']]);
    expect((await busy.exec('echo still-here')).output).toBe('still-here\n');
    await waitFor(async () => (await ctx.harness().provider.listVMs(names().prefix)).length === 1, 30_000, 'the shrunk machine destroyed');
    await pool.release(busy);
    const next = await acquireWithin(pool, 'the lease after the shrink');
    expect(next.name).toBe(names().machine(1));
    await pool.release(next);
  });

  it('health checks replace an idle machine that stopped answering; the other is left alone', async (test) => {
    const h = ctx.harness();
    if (!h.freeze) return test.skip("this harness cannot freeze a machine (the provider's own tests cover health checks)");
    const { pool } = newPool({ size: 2, healthCheckMs: 50 });
    await pool.init();
    const frozen = await h.freeze(names().machine(2));
    try {
      await waitFor(() => pool.status()[1]!.metrics.failures === 1, 30_000, 'the frozen machine noticed');
      await frozen.undo();
      await waitFor(
        () => pool.status()[1]!.metrics.boots === 2 && pool.status()[1]!.state === 'ready',
        30_000,
        'the frozen machine replaced',
      );
    } finally {
      await frozen.undo();
    }
    expect(pool.status().map((s) => [s.metrics.boots, s.metrics.failures])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    const vms: VM[] = [await acquireWithin(pool, 'machine 1'), await acquireWithin(pool, 'machine 2')];
    for (const vm of vms) expect((await vm.exec('echo alive')).output).toBe('alive\n');
    for (const vm of vms) await pool.release(vm);
  });

  const adopt = capabilities.adopt ? it : it.skip;
  adopt(
    `keepWarm: a new pool adopts the machines the last one left ready (no boot)${capabilities.adopt ? '' : ' (the provider cannot adopt)'}`,
    async () => {
      const warm = () => newPool({ size: 1, keepWarm: true, warmKey: 'contract@1' }).pool;
      const first = warm();
      await first.init();
      await first.destroy();
      expect(await ctx.harness().provider.listVMs(names().prefix)).toEqual([names().machine(1)]);
      const second = warm();
      await second.init();
      expect(second.status().map((s) => [s.state, s.metrics.boots])).toEqual([['ready', 0]]);
      const vm = await acquireWithin(second, 'the adopted machine');
      expect((await vm.exec('echo adopted')).output).toBe('adopted\n');
      await second.release(vm);
    },
  );
}
