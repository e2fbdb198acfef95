import type { ResolvedConfig } from '../../config/types.ts';
import { OrchardClient } from './OrchardClient.ts';
import { resolveOrchardConnection } from './orchardConfig.ts';
import { OrchardProvider } from './OrchardProvider.ts';

/** The Orchard provider for a config: connection from pool.orchard / ORCHARD_* / ~/.orchard, image = `image` (pool.snapshot). */
export function createOrchardProvider(config: ResolvedConfig, image: string): OrchardProvider {
  const settings = config.pool.orchard;
  const client = new OrchardClient(resolveOrchardConnection(config.configFile, settings));
  return new OrchardProvider({
    client,
    pool: config.pool.name,
    image,
    ...(config.pool.cpu === undefined ? {} : { cpu: config.pool.cpu }),
    ...(config.pool.memoryMb === undefined ? {} : { memoryMb: config.pool.memoryMb }),
    user: config.pool.user,
    password: config.pool.password,
    guestPath: config.guestPath,
    pendingTimeoutMs: settings?.pendingTimeoutMs ?? 120_000,
    labels: settings?.labels ?? {},
  });
}
