import type { ResolvedConfig } from '../../config/types.ts';
import { errorMessage } from '../../errors.ts';
import { describeCapacity, readFleetCapacity } from '../../providers/orchard/capacity.ts';
import { checkOrchardAccess } from '../../providers/orchard/checkAccess.ts';
import { OrchardClient } from '../../providers/orchard/OrchardClient.ts';
import { resolveOrchardConnection } from '../../providers/orchard/orchardConfig.ts';
import type { Check } from './doctorTart.ts';

/** Orchard checks: controller reachable, credentials valid with compute:read + compute:write, workers online, free capacity. */
function pinnedNote(certificate: string | undefined): string {
  return certificate ? `, certificate pinned (${certificate})` : '';
}

export async function orchardChecks(config: ResolvedConfig): Promise<Check[]> {
  const uses = config.pool.provider === 'orchard' || config.pool.providers?.some((p) => p.provider === 'orchard');
  if (!uses) return [];
  let client: OrchardClient;
  try {
    client = new OrchardClient(resolveOrchardConnection(config.configFile, config.pool.orchard));
  } catch (err) {
    return [{ name: 'orchard', ok: false, detail: errorMessage(err) }];
  }
  const { url, sources, serviceAccountName } = client.connection;
  const checks: Check[] = [];
  try {
    await client.request('GET', '/controller/info');
    checks.push({
      name: 'orchard',
      ok: true,
      detail: `controller ${url} (from ${sources.url}) reachable${pinnedNote(sources.certificate)}`,
    });
    await checkOrchardAccess(client);
    checks.push({ name: 'account', ok: true, detail: `service account "${serviceAccountName}" has compute:read and compute:write` });
    const cap = await readFleetCapacity(client);
    checks.push({
      name: 'workers',
      ok: cap.online > 0,
      detail:
        cap.online > 0
          ? `${cap.online} online${cap.offline ? `, ${cap.offline} offline` : ''}`
          : 'no worker online — start one with `orchard worker run`',
    });
    const wanted = config.pool.providers?.find((p) => p.provider === 'orchard')?.size ?? config.pool.size;
    checks.push({
      name: 'capacity',
      ok: cap.free >= wanted,
      detail:
        `${describeCapacity(cap)}; the pool wants ${wanted}` +
        (cap.free < wanted ? ' — the rest will stay pending (free VMs or add a Mac)' : ''),
    });
  } catch (err) {
    checks.push({ name: checks.length === 0 ? 'orchard' : 'account', ok: false, detail: errorMessage(err) });
  } finally {
    client.close();
  }
  return checks;
}
