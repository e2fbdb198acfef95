import { performance } from 'node:perf_hooks';
import { VMPool } from '../src/pool/VMPool.ts';
import { SandboxProvider } from '../src/providers/sandbox/SandboxProvider.ts';
import { readSnapshotMeta } from '../src/snapshot/meta.ts';
import { connect } from '../src/transport/connect.ts';
import { syncExcludes } from '../src/transport/rsyncArgs.ts';
import { demoBench } from './lib/demoHome.ts';
import { round, stats } from './lib/stats.ts';

const GUEST_PATH = '/mnt/chatstats/app';

/**
 * The pool on its own, in process, on the demo snapshot: acquire when a machine is ready, the
 * background revert after a test that wrote files, the sync of the app (first and unchanged), and
 * the start latency of a command in a machine.
 */
export async function benchPool(options: { cycles: number }): Promise<Record<string, unknown>> {
  const bench = demoBench('bench-pool');
  const previousHome = process.env.VMWATCH_HOME;
  process.env.VMWATCH_HOME = bench.home;
  const provider = new SandboxProvider({ snapshot: bench.snapshot, guestPath: GUEST_PATH });
  const excludes = syncExcludes('test-runs', (await readSnapshotMeta(bench.snapshot))?.provides ?? []);
  // Revert end = the moment the slot is ready again, seen through the pool's own change callback.
  let readyWaiter: (() => void) | null = null;
  const pool = new VMPool({
    provider,
    connect,
    pool: 'bench-pool',
    size: 2,
    onChange: () => {
      if (readyWaiter && pool.status().every((s) => s.state === 'ready')) readyWaiter();
    },
  });
  const allReady = (): Promise<void> =>
    pool.status().every((s) => s.state === 'ready')
      ? Promise.resolve()
      : new Promise((resolve) => {
          readyWaiter = () => {
            readyWaiter = null;
            resolve();
          };
        });
  const initStarted = performance.now();
  const acquire: number[] = [];
  const revert: number[] = [];
  const syncFirst: number[] = [];
  const syncUnchanged: number[] = [];
  const execStart: number[] = [];
  let initMs = 0;
  try {
    await pool.init();
    initMs = performance.now() - initStarted;
    for (let i = 0; i < options.cycles; i++) {
      await allReady();
      const t0 = performance.now();
      const vm = await pool.acquire();
      acquire.push(performance.now() - t0);
      const t1 = performance.now();
      await vm.copyToVM(bench.project.app, GUEST_PATH, { exclude: excludes, delete: true });
      syncFirst.push(performance.now() - t1);
      const t2 = performance.now();
      await vm.copyToVM(bench.project.app, GUEST_PATH, { exclude: excludes, delete: true });
      syncUnchanged.push(performance.now() - t2);
      // A test that leaves state behind: 2,000 files and 20 MB, which the revert must drop.
      const r = await vm.exec(
        'mkdir -p test-runs/junk && for i in $(seq 1 2000); do echo $i > test-runs/junk/$i; done && head -c 20000000 /dev/zero > big.bin',
        { timeoutMs: 60_000 },
      );
      if (r.exitCode !== 0) throw new Error(`bench command failed: ${r.outcome} ${r.exitCode}`);
      if (r.startLatencyMs !== undefined) execStart.push(r.startLatencyMs);
      const t3 = performance.now();
      const ready = allReady();
      await pool.release(vm);
      await ready;
      revert.push(performance.now() - t3);
    }
  } finally {
    await pool.destroy();
    await provider.settle();
    bench.cleanup();
    if (previousHome === undefined) delete process.env.VMWATCH_HOME;
    else process.env.VMWATCH_HOME = previousHome;
  }
  const acquireStats = stats(acquire);
  const revertStats = stats(revert);
  return {
    cycles: options.cycles,
    poolSize: 2,
    initMs: round(initMs),
    acquireReadyMs: acquireStats,
    revertMs: revertStats,
    syncFirstMs: stats(syncFirst),
    syncUnchangedMs: stats(syncUnchanged),
    execStartMs: stats(execStart),
    targets: {
      acquireReadyMs: { target: 50, met: acquireStats.median <= 50 },
      revertMs: { target: 500, met: revertStats.median <= 500 },
    },
    reference: { acquireMs: 1000, revertMs: 3000, createAndStartMs: 20_000, source: 'stated Tart figures' },
    revertSpeedupVsReference: round(3000 / revertStats.median),
  };
}
