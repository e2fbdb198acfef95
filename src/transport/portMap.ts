import { hostPortFor, MAX_PORT } from '../config/portMap.ts';
import { ConfigError } from '../errors.ts';
import type { PortForward } from './types.ts';

/** The port map: VM i's guest port p is on the host at i·10000 + p (VM 1: 13030, 15173, 13031). */
export function portMap(vmIndex: number, ports: readonly number[]): PortForward[] {
  return ports.map((guestPort) => {
    const hostPort = hostPortFor(vmIndex, guestPort);
    if (!Number.isInteger(vmIndex) || vmIndex < 1 || guestPort < 1 || guestPort > 9999 || hostPort > MAX_PORT) {
      throw new ConfigError(
        `pool.ports: port ${guestPort} of VM ${vmIndex} would be forwarded to host port ${hostPort}, which does not exist; ` +
          "VM i's port p is forwarded to i·10000 + p, so ports must be below 10000 and that sum at most 65535 (fewer VMs or lower ports)",
      );
    }
    return { hostPort, guestPort };
  });
}
