import { VmwatchError } from '../errors.ts';
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
    case 'tart':
    case 'orchard':
      throw new VmwatchError(
        'PROVIDER_UNAVAILABLE',
        `${config.configFile}: pool.provider "${kind}" is not available yet in this version of vmwatch; use "sandbox" (Linux).`,
        { exitCode: 2 },
      );
  }
}
