import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedConfig } from '../config/types.ts';
import { MachineError } from '../errors.ts';
import { homePaths } from '../paths.ts';
import { builderName } from '../pool/machineNames.ts';
import type { Provider } from '../providers/types.ts';
import type { Endpoint } from '../transport/types.ts';
import { syncExcludes } from '../transport/rsyncArgs.ts';
import type { Transport } from '../transport/types.ts';
import { lockfileHashes, setupHash } from './fingerprint.ts';
import { writeSnapshotMeta, type SnapshotMeta } from './meta.ts';
import { snapshotStatus } from './status.ts';
import { installKeyWhenUp } from './installKeyWhenUp.ts';
import { ensurePoolKey } from '../transport/ssh/poolKey.ts';
import { testEnv } from '../config/testEnv.ts';

export interface BuildSnapshotOptions {
  config: ResolvedConfig;
  provider: Provider;
  connect: (endpoint: Endpoint) => Transport;
  /** 'base': from nothing (or the base image); 'snapshot': update the current one. */
  from?: 'base' | 'snapshot';
  onProgress?: (step: string) => void;
  signal?: AbortSignal;
}

const PROVIDED = ['node_modules', '.venv'];

/**
 * Top-level entries the setup made that the app itself does not have (node_modules, .venv, a
 * build folder): syncs leave them alone, so the snapshot's work is not deleted by `--delete`.
 */
async function madeBySetup(transport: Transport, config: ResolvedConfig): Promise<string[]> {
  const listed = await transport.exec('ls -A');
  if (listed.outcome !== 'exited' || listed.exitCode !== 0) return [];
  const onHost = new Set(await readdir(config.root));
  return (listed.output ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((name) => name !== '' && name !== config.artifacts.dir && (!onHost.has(name) || PROVIDED.includes(name)))
    .sort();
}

/**
 * Builds the pool's snapshot: a builder machine, the app synced in, `setup` run with the network
 * on, then saved as the pool's snapshot. With no `setup`, the snapshot is empty and every test
 * gets a full sync.
 */
export async function buildSnapshot(options: BuildSnapshotOptions): Promise<SnapshotMeta> {
  const { config, provider } = options;
  const progress = options.onProgress ?? (() => {});
  const name = builderName(config.pool.name);
  // `update` reruns setup only when a lockfile or the setup itself changed since the last build.
  const before = options.from === 'snapshot' ? await snapshotStatus(config, provider.kind) : null;
  const runSetup = before === null || before.state !== 'fresh';
  if (before !== null && !runSetup) progress('lockfiles and setup unchanged: syncing the tree only');
  else if (before !== null && before.reasons.length > 0) progress(`rerunning setup: ${before.reasons.join(', ')}`);
  await provider.destroyVM(name);
  progress(`creating builder machine ${name}`);
  const from = before?.state === 'missing' ? 'base' : (options.from ?? 'base');
  if (provider.kind !== 'sandbox') await ensurePoolKey(config.pool.name);
  const endpoint = await provider.createBuilder(name, from, options.signal);
  if (endpoint.kind === 'ssh' && from === 'base') {
    progress(`installing the pool key with the image's login (${config.pool.user})`);
    await installKeyWhenUp(endpoint, config, options.signal);
  }
  const transport = options.connect(endpoint);
  try {
    await transport.ready?.(options.signal);
  } catch (err) {
    await transport.close();
    await provider.destroyVM(name);
    throw err;
  }
  let provides: string[] = before?.meta?.provides ?? [];
  try {
    if (config.setup.length > 0 || before !== null) {
      progress('syncing the app into the builder');
      await transport.copyToVM(config.root, config.guestPath, {
        exclude: syncExcludes(config.artifacts.dir, PROVIDED),
        delete: true,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    }
    if (config.setup.length > 0 && runSetup) {
      const cache = homePaths.npmCache();
      await mkdir(cache, { recursive: true });
      const logFile = homePaths.buildLog(config.pool.snapshot);
      await mkdir(path.dirname(logFile), { recursive: true });
      for (const [i, command] of config.setup.entries()) {
        progress(`setup ${i + 1}/${config.setup.length}: ${command}`);
        // The host's npm cache is shared into sandboxes only; a VM keeps its own.
        const sandbox = endpoint.kind === 'sandbox';
        const result = await transport.exec(command, {
          logFile,
          network: true,
          // pool.env and pool.passEnv (e.g. HTTPS_PROXY) reach setup too: nothing else of vmwatch's environment does.
          env: {
            ...testEnv(config.pool),
            ...(sandbox ? { npm_config_cache: cache } : {}),
            npm_config_update_notifier: 'false',
            CI: 'true',
          },
          ...(sandbox ? { writableHostDirs: [cache] } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        if (result.outcome !== 'exited' || result.exitCode !== 0) {
          throw new MachineError(
            `snapshot setup step "${command}" failed (${result.outcome}, exit ${result.exitCode}` +
              `${result.error ? `: ${result.error}` : ''}). Its output is in ${logFile}`,
          );
        }
      }
      provides = await madeBySetup(transport, config);
    }
    progress(`saving snapshot ${config.pool.snapshot}`);
    await transport.close();
    await provider.commitSnapshot(name, options.signal);
  } catch (err) {
    await transport.close();
    await provider.destroyVM(name);
    throw err;
  }
  const meta: SnapshotMeta = {
    name: config.pool.snapshot,
    provider: provider.kind,
    builtAt: new Date().toISOString(),
    guestPath: config.guestPath,
    setupHash: setupHash(config.setup),
    lockfiles: await lockfileHashes(config.root),
    provides,
    root: config.root,
  };
  await writeSnapshotMeta(meta);
  progress(`snapshot ${config.pool.snapshot} ready`);
  return meta;
}
