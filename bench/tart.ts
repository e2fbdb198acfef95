import { syncWhole } from '../src/schedule/syncApp.ts';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/load.ts';
import { VMPool } from '../src/pool/VMPool.ts';
import { createProvider } from '../src/providers/createProvider.ts';
import { buildSnapshot } from '../src/snapshot/buildSnapshot.ts';
import { connect } from '../src/transport/connect.ts';
import { syncExcludes } from '../src/transport/rsyncArgs.ts';
import { BASE_IMAGE, startTartDouble, tartAvailable } from '../test/helpers/tartDouble.ts';
import { round, stats } from './lib/stats.ts';

const GUEST = '/mnt/chatstats/app';

/** A 5,000-file app: 50 folders of 100 small source files. */
function writeApp(root: string, files: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < files; i++) {
    const file = `src/d${Math.floor(i / 100)}/m${i}.ts`;
    mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    writeFileSync(path.join(root, file), `export const v${i} = ${i};\n${'// filler line\n'.repeat(20)}`);
    out.push(file);
  }
  return out;
}

/**
 * The Tart provider over ssh against the Tart double, on a 5,000-file app: acquire of a ready VM,
 * the sync of a one-file change into a synced-ahead VM (--files-from) against a full copy into a
 * fresh one, and the host-side overhead of a test (acquire + sync + exec start + artifact pull).
 */
export async function benchTart(opts: { quick: boolean }): Promise<Record<string, unknown>> {
  const why = tartAvailable();
  if (why !== null) return { skipped: why };
  const tart = startTartDouble({ bootDelayMs: 100 });
  tart.seedImage(BASE_IMAGE);
  const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-bench-tart-'));
  const saved = { PATH: process.env.PATH, TART_HOME: process.env.TART_HOME, VMWATCH_HOME: process.env.VMWATCH_HOME };
  Object.assign(process.env, { PATH: tart.env.PATH, TART_HOME: tart.home, VMWATCH_HOME: path.join(dir, 'home') });
  const cycles = opts.quick ? 5 : 20;
  const acquire: number[] = [];
  const syncOne: number[] = [];
  const syncFull: number[] = [];
  const overhead: number[] = [];
  try {
    const files = writeApp(path.join(dir, 'app'), 5000);
    writeFileSync(
      path.join(dir, 'watch.config.json'),
      JSON.stringify({ root: './app', guestPath: GUEST, pool: { provider: 'tart', name: 'bench-tart', size: 2, base: BASE_IMAGE } }),
    );
    const config = await loadConfig({ file: path.join(dir, 'watch.config.json') });
    const provider = createProvider(config);
    await buildSnapshot({ config, provider, connect });
    const excludes = syncExcludes('test-runs', []);
    const root = config.root;
    const pool = new VMPool({
      provider,
      connect,
      pool: 'bench-tart',
      size: 2,
      prepare: async (vm) => {
        await syncWhole(vm, { root, guestPath: GUEST, excludes });
      },
    });
    const allReady = async (): Promise<void> => {
      while (!pool.status().every((s) => s.state === 'ready')) await new Promise((r) => setTimeout(r, 20));
    };
    try {
      await pool.init();
      for (let i = 0; i < cycles; i++) {
        await allReady();
        const changed = files[(i * 97) % files.length]!;
        writeFileSync(path.join(root, changed), `export const changed = ${i};\n`);
        const t0 = performance.now();
        const vm = await pool.acquire();
        const t1 = performance.now();
        await vm.copyToVM(root, GUEST, { exclude: excludes, delete: true, files: [changed] });
        const t2 = performance.now();
        const r = await vm.exec('mkdir -p test-runs && echo done > test-runs/out.txt', { timeoutMs: 30_000 });
        const t3 = performance.now();
        await vm.copyFromVM(`${GUEST}/test-runs`, path.join(dir, 'runs', String(i)));
        const t4 = performance.now();
        acquire.push(t1 - t0);
        syncOne.push(t2 - t1);
        overhead.push(t1 - t0 + (t2 - t1) + (r.startLatencyMs ?? 0) + (t4 - t3));
        // a full copy into a fresh, empty folder of the same VM: what a sync without sync-ahead costs
        const t5 = performance.now();
        await vm.copyToVM(root, `/mnt/full-${i}`, { exclude: excludes });
        syncFull.push(performance.now() - t5);
        await pool.release(vm);
      }
    } finally {
      await pool.destroy();
    }
  } finally {
    await tart.cleanup();
    Object.assign(process.env, saved);
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    rmSync(dir, { recursive: true, force: true });
  }
  const a = stats(acquire);
  const one = stats(syncOne);
  const full = stats(syncFull);
  const o = stats(overhead);
  return {
    appFiles: 5000,
    cycles,
    acquireReadyMs: a,
    syncOneFileMs: one,
    fullCopyMs: full,
    fullCopyOverOneFile: round(full.median / one.median),
    perTestOverheadMs: o,
    targets: {
      acquireMs: { target: 50, met: a.median <= 50 },
      syncOneFileMs: { target: 500, met: one.median <= 500 },
      overheadMs: { target: 1500, met: o.median <= 1500 },
    },
    reference: { perTestOverheadMs: 25_000, ratio: round(25_000 / o.median) },
  };
}
