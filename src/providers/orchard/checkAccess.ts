import type { OrchardClient } from './OrchardClient.ts';
import { OrchardAuthError, OrchardError } from './orchardErrors.ts';

/**
 * The account is valid (GET /controller/info: any valid account; 401 with an empty body when
 * not) and has the roles vmwatch needs: compute:read (GET /workers) and compute:write, probed
 * with a POST /vms whose body is not JSON — Orchard checks the role first (401 naming it), then
 * answers 400; nothing is created. (GET /v1/ is no check: Orchard answers it 200 even for a
 * wrong token, since its auth middleware does not abort.)
 */
export async function checkOrchardAccess(client: OrchardClient): Promise<void> {
  await client.request('GET', '/controller/info');
  await client.listWorkers();
  try {
    await client.request('POST', '/vms', { body: 'vmwatch: role check' });
  } catch (err) {
    if (err instanceof OrchardAuthError) throw err;
    if (err instanceof OrchardError && err.status === 400) return;
    throw err;
  }
}
