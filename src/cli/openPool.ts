import type { ResolvedConfig } from '../config/types.ts';
import { logger } from '../log.ts';
import { VMPool } from '../pool/VMPool.ts';
import { busyMachinesLimit, createProvider } from '../providers/createProvider.ts';
import { SnapshotMissingError } from '../providers/SnapshotMissingError.ts';
import type { Provider } from '../providers/types.ts';
import type { Progress } from '../report/progress.ts';
import { buildSnapshot } from '../snapshot/buildSnapshot.ts';
import { snapshotStatus } from '../snapshot/status.ts';
import { connect } from '../transport/connect.ts';
import { ensurePoolKey } from '../transport/ssh/poolKey.ts';
import { syncExcludes } from '../transport/rsyncArgs.ts';
import { testEnv } from '../config/testEnv.ts';
import { warmRuleOf } from '../schedule/planUnits.ts';
import { syncWhole } from '../schedule/syncApp.ts';
import { RESULTS_DIR } from '../runners/types.ts';
import { WarmRunner } from '../schedule/warm/WarmRunner.ts';

const log = logger('cli');

export interface OpenPool {
  pool: VMPool;
  provider: Provider;
  /** rsync excludes for syncing the app into a machine. */
  excludes: string[];
}

export interface OpenPoolOptions {
  /** Told when a machine's state changes. */
  onChange?: () => void;
  /** Told each time a machine has been prepared: synced, and its warm runner (if any) started. */
  onPrepared?: () => void;
  /** Told when the snapshot is missing and is built first (minutes, before any machine starts). */
  onBuildingSnapshot?: () => void;
  signal?: AbortSignal;
  /**
   * `true`: each clean machine also starts the first warmable discover rule's runner, to wait for
   * its batch, and transforms the app ahead (the caller can tell what changed since a machine was
   * synced: the watcher's journal). `'load'`: a one-shot run's runners (oneShotWarmRunners), not
   * transforming ahead: the first batch comes within a second, and the CPU is better spent on it.
   * `false` (the default): no warm runners.
   */
  warmRunners?: boolean | 'load';
}

/** Provider checks, the snapshot (built first when missing, with progress), then a warm pool. */
export async function openPool(config: ResolvedConfig, progress: Progress, options: OpenPoolOptions = {}): Promise<OpenPool> {
  const { onChange, signal, warmRunners = false } = options;
  const provider = createProvider(config);
  try {
    await provider.check();
  } catch (err) {
    if (!(err instanceof SnapshotMissingError)) throw err;
    progress.log(`snapshot "${config.pool.snapshot}" is missing: building it now (once; 'vmwatch snapshot build' rebuilds it)`);
    options.onBuildingSnapshot?.();
    const started = Date.now();
    await buildSnapshot({
      config,
      provider,
      connect,
      onProgress: (step) => progress.update(`snapshot: ${step}`),
      ...(signal ? { signal } : {}),
    });
    progress.log(`snapshot "${config.pool.snapshot}" built in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    await provider.check();
  }
  // VM providers reach machines over ssh with the pool's own key (made once, never the user's).
  if (provider.kind !== 'sandbox') await ensurePoolKey(config.pool.name);
  const status = await snapshotStatus(config, provider.kind);
  if (status.state === 'stale') {
    log.warn(`snapshot "${status.name}" is stale (${status.reasons.join(', ')}); run 'vmwatch snapshot build' to refresh it`);
  }
  const meta = status.meta;
  const warmRule = warmRunners === false ? undefined : warmRuleOf(config.discover);
  const excludes = syncExcludes(config.artifacts.dir, meta?.provides ?? []);
  const loadAtOnce = warmRunners === 'load' ? oneShotWarmRunners(provider.kind) : Infinity;
  let loading = 0;
  const pool = new VMPool({
    provider,
    connect,
    pool: config.pool.name,
    size: config.pool.size,
    ports: config.pool.ports,
    // Nothing runs in an idle sandbox machine, so there is nothing to ping: an idle watcher costs no CPU.
    healthCheckMs: provider.kind === 'sandbox' ? 0 : config.pool.healthCheckMs,
    keepWarm: config.pool.keepWarm,
    warmKey: `${config.pool.snapshot}@${meta?.builtAt ?? 'unknown'}`,
    // Sync-ahead: a clean machine gets the current tree while it waits, so a test sends only the newest change.
    // Then the runner the next batch most likely needs is started up to where it waits for its files.
    prepare: async (vm, sig) => {
      await syncWhole(vm, { root: config.root, guestPath: config.guestPath, excludes, signal: sig });
      if (warmRule !== undefined && loading < loadAtOnce) {
        loading += 1;
        const runner = await WarmRunner.start(vm, {
          rule: warmRule,
          resultsDir: RESULTS_DIR,
          env: testEnv(config.pool),
          outputMaxBytes: config.output.maxBytes,
          prewarm: warmRunners === true,
        }).catch((err: unknown) => {
          loading -= 1;
          throw err;
        });
        if (runner === null) loading -= 1;
        else
          void runner.ended.then(() => {
            loading -= 1;
          });
      }
      options.onPrepared?.();
    },
    ...(onChange ? { onChange } : {}),
  });
  signal?.throwIfAborted();
  progress.update(`starting a pool of ${config.pool.size} ${provider.kind} machine(s)`);
  const started = Date.now();
  // A stop asked for mid-start destroys the pool at once: boots, readiness waits and sync-ahead
  // in flight are cancelled and every machine made so far is removed, instead of waiting for them.
  const stopStart = (): void => void pool.destroy();
  signal?.addEventListener('abort', stopStart, { once: true });
  try {
    await pool.init();
  } finally {
    signal?.removeEventListener('abort', stopStart);
    progress.clear();
  }
  if (signal?.aborted) {
    await pool.destroy();
    signal.throwIfAborted();
  }
  log.info({ ms: Date.now() - started, machines: pool.status().map((s) => s.name) }, `pool of ${config.pool.size} ready`);
  return { pool, provider, excludes };
}

/**
 * Warm runners a one-shot run keeps at once. Sandbox machines share this host's cores with the
 * run itself: one core is left to its selection, and most one-shot plans have one shard anyway
 * (a second runner loading on 2 cores only slowed the first); a shard beyond them runs cold. VMs
 * have their own CPUs: one per machine worth keeping busy.
 */
function oneShotWarmRunners(kind: Provider['kind']): number {
  const busy = busyMachinesLimit(kind);
  return kind === 'sandbox' ? Math.max(1, busy - 1) : busy;
}
