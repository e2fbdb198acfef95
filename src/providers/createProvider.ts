import { ConfigError, VmwatchError } from '../errors.ts';
import { tartHostLimitProblem } from '../config/hostLimit.ts';
import { poolKeyFiles } from '../paths.ts';
import { TartProvider } from './tart/TartProvider.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { SandboxProvider } from './sandbox/SandboxProvider.ts';
import { whichTool } from './tools.ts';
import type { Provider } from './types.ts';

export type ProviderKind = Provider['kind'];

/** `auto`: tart where `tart` is on PATH, else the sandbox on Linux; elsewhere a clear error. */
export function resolveProviderKind(config: Pick<ResolvedConfig, 'pool' | 'configFile'>): ProviderKind {
  const wanted = config.pool.provider;
  if (wanted !== 'auto') return wanted;
  if (whichTool('tart') !== null) return 'tart';
  if (process.platform === 'linux') return 'sandbox';
  throw new VmwatchError(
    'PROVIDER_UNAVAILABLE',
    `${config.configFile}: pool.provider is "auto", but 'tart' is not on PATH and this is not Linux. Install Tart (brew install cirruslabs/cli/tart) or set pool.provider.`,
    { exitCode: 2 },
  );
}

export function createProvider(config: ResolvedConfig): Provider {
  const kind = resolveProviderKind(config);
  switch (kind) {
    case 'sandbox':
      return new SandboxProvider({ snapshot: config.pool.snapshot, guestPath: config.guestPath });
    case 'tart': {
      const refused = tartHostLimitProblem(config.pool);
      if (refused) throw new ConfigError(`${config.configFile}: invalid config (provider "auto" chose tart, since 'tart' is on PATH):\n  ${refused}`);
      const keys = poolKeyFiles(config.pool.name);
      return new TartProvider({
        configFile: config.configFile,
        pool: config.pool.name,
        snapshot: config.pool.snapshot,
        ...(config.pool.base === undefined ? {} : { base: config.pool.base }),
        ...(config.pool.cpu === undefined ? {} : { cpu: config.pool.cpu }),
        ...(config.pool.memoryMb === undefined ? {} : { memoryMb: config.pool.memoryMb }),
        guestPath: config.guestPath,
        user: config.pool.user,
        identityFile: keys.identityFile,
        knownHostsFile: keys.knownHostsFile,
        suspend: config.pool.suspend,
        keepWarm: config.pool.keepWarm,
      });
    }
    case 'orchard':
      throw new VmwatchError(
        'PROVIDER_UNAVAILABLE',
        `${config.configFile}: pool.provider "${kind}" is not available yet in this version of vmwatch; use "sandbox" (Linux).`,
        { exitCode: 2 },
      );
  }
}
