import type { OrchardClient } from './OrchardClient.ts';
import { TART_VMS, type OrchardVM, type OrchardWorker } from './types.ts';

/** Orchard's default --worker-offline-timeout. */
const OFFLINE_AFTER_MS = 3 * 60_000;

export interface FleetCapacity {
  online: number;
  offline: number;
  paused: number;
  /** tart-vms slots offered by online, unpaused workers. */
  total: number;
  used: number;
  free: number;
  pending: number;
  /** "worker-1 2/2" for each online worker. */
  perWorker: string[];
}

function scheduled(vm: OrchardVM): boolean {
  const c = vm.conditions?.find((x) => x.type === 'scheduled');
  return c ? c.state === 'true' : Boolean(vm.worker);
}

/** Free macOS VM slots in the fleet, as the scheduler counts them: offered − Σ scheduled VMs' tart-vms. */
function fleetCapacity(workers: OrchardWorker[], vms: OrchardVM[], now = Date.now()): FleetCapacity {
  const usedBy = new Map<string, number>();
  for (const vm of vms)
    if (scheduled(vm) && vm.worker) usedBy.set(vm.worker, (usedBy.get(vm.worker) ?? 0) + (vm.resources?.[TART_VMS] ?? 1));
  const cap: FleetCapacity = {
    online: 0,
    offline: 0,
    paused: 0,
    total: 0,
    used: 0,
    free: 0,
    pending: vms.filter((v) => v.status === 'pending' && !scheduled(v)).length,
    perWorker: [],
  };
  for (const w of workers) {
    if (now - Date.parse(w.last_seen ?? '') > OFFLINE_AFTER_MS || Number.isNaN(Date.parse(w.last_seen ?? ''))) {
      cap.offline += 1;
      continue;
    }
    cap.online += 1;
    const offered = w.resources?.[TART_VMS] ?? 0;
    const used = usedBy.get(w.name) ?? 0;
    cap.perWorker.push(`${w.name} ${used}/${offered}${w.scheduling_paused ? ' (paused)' : ''}`);
    if (w.scheduling_paused) {
      cap.paused += 1;
      continue;
    }
    cap.total += offered;
    cap.used += Math.min(used, offered);
    cap.free += Math.max(0, offered - used);
  }
  return cap;
}

export async function readFleetCapacity(client: OrchardClient): Promise<FleetCapacity> {
  const [workers, vms] = await Promise.all([client.listWorkers(), client.listVMs()]);
  return fleetCapacity(workers, vms);
}

/** "3 worker(s) online (worker-1 2/2, …), 6 macOS VM slot(s), 0 free; 1 VM(s) pending". */
export function describeCapacity(cap: FleetCapacity): string {
  const workers = cap.online === 0 ? 'no worker online' : `${cap.online} worker(s) online (${cap.perWorker.join(', ')} ${TART_VMS} in use)`;
  const extra = [cap.offline ? `${cap.offline} offline` : '', cap.paused ? `${cap.paused} paused` : ''].filter(Boolean).join(', ');
  return `${workers}${extra ? `, ${extra}` : ''}; ${cap.total} macOS VM slot(s), ${cap.free} free; ${cap.pending} VM(s) pending`;
}
