import { availableParallelism } from 'node:os';
import { ConfigError, VmwatchError } from '../errors.ts';
import { tartHostLimitProblem } from '../config/hostLimit.ts';
import { poolKeyPaths } from '../transport/ssh/poolKey.ts';
import { TartProvider } from './tart/TartProvider.ts';
import { CompositeProvider } from './CompositeProvider.ts';
import { createOrchardProvider } from './orchard/createOrchardProvider.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { SandboxProvider } from './sandbox/SandboxProvider.ts';
import { whichTool } from '../process/tools.ts';
import type { Provider } from './types.ts';

export type ProviderKind = Provider['kind'];

/**
 * How many of the provider's machines are worth keeping busy at once: sandbox and Tart machines
 * share this host's cores (more runners than cores only wait for one: on 2 cores a pool of 3 ran
 * the same edits slower than a pool of 2); Orchard's bring their own.
 */
export function busyMachinesLimit(kind: ProviderKind): number {
  return kind === 'sandbox' || kind === 'tart' ? availableParallelism() : Infinity;
}

/** `auto`: tart where `tart` is on PATH, else the sandbox on Linux; elsewhere a clear error. */
export function resolveProviderKind(config: Pick<ResolvedConfig, 'pool' | 'configFile'>): ProviderKind {
  if (config.pool.providers !== undefined) return 'hybrid';
  const wanted = config.pool.provider;
  if (wanted !== 'auto') return wanted;
  if (whichTool('tart') !== null) return 'tart';
  if (process.platform === 'linux') return 'sandbox';
  throw new VmwatchError(
    'PROVIDER_UNAVAILABLE',
    `${config.configFile}: pool.provider is "auto", but 'tart' is not on PATH and this is not Linux. ` +
      'Install Tart (brew install cirruslabs/cli/tart) or set pool.provider.',
    { exitCode: 2 },
  );
}

/** The pool's provider: one kind, or a CompositeProvider over `pool.providers` (slots in their order). */
export function createProvider(config: ResolvedConfig): Provider {
  const shares = config.pool.providers;
  if (shares !== undefined) {
    return new CompositeProvider(
      shares.map((share) => ({ size: share.size, provider: createSingle(share.provider, config, share.snapshot, true) })),
    );
  }
  const kind = resolveProviderKind(config);
  if (kind === 'hybrid') throw new VmwatchError('PROVIDER_UNAVAILABLE', `${config.configFile}: pool.providers is empty`, { exitCode: 2 });
  return createSingle(kind, config, undefined, false);
}

/** One provider; `override` is a hybrid share's own snapshot (or image). */
function createSingle(
  kind: Exclude<ProviderKind, 'hybrid'>,
  config: ResolvedConfig,
  override: string | undefined,
  shared: boolean,
): Provider {
  const snapshot = override ?? config.pool.snapshot;
  switch (kind) {
    case 'sandbox':
      return new SandboxProvider({ snapshot, guestPath: config.guestPath });
    case 'tart': {
      // In a hybrid pool the Tart share was checked against the host limit when the config loaded.
      const refused = shared ? null : tartHostLimitProblem(config.pool);
      if (refused)
        throw new ConfigError(`${config.configFile}: invalid config (provider "auto" chose tart, since 'tart' is on PATH):\n  ${refused}`);
      const keys = poolKeyPaths(config.pool.name);
      return new TartProvider({
        configFile: config.configFile,
        pool: config.pool.name,
        snapshot,
        ...(config.pool.base === undefined ? {} : { base: config.pool.base }),
        ...(config.pool.cpu === undefined ? {} : { cpu: config.pool.cpu }),
        ...(config.pool.memoryMb === undefined ? {} : { memoryMb: config.pool.memoryMb }),
        guestPath: config.guestPath,
        user: config.pool.user,
        identityFile: keys.identityFile,
        knownHostsFile: keys.knownHostsFile,
        suspend: config.pool.suspend,
        keepWarm: config.pool.keepWarm,
        bootTimeoutMs: config.pool.bootTimeoutMs,
      });
    }
    case 'orchard':
      return createOrchardProvider(config, override ?? config.pool.orchard?.image ?? config.pool.snapshot);
  }
}
