import net from 'node:net';
import { ConfigError, TransportError } from '../../errors.ts';
import type { ControlMaster } from './ControlMaster.ts';
import type { PortForward } from '../types.ts';
import { PortInUseError } from './PortInUseError.ts';

export type PortPair = PortForward;

/** The reference's port map: VM i's guest port p is on the host at i·10000 + p (VM 1: 13030, 15173, 13031). */
export function portMap(vmIndex: number, ports: readonly number[]): PortPair[] {
  return ports.map((guestPort) => {
    const hostPort = vmIndex * 10_000 + guestPort;
    if (!Number.isInteger(vmIndex) || vmIndex < 1 || guestPort < 1 || guestPort > 9999 || hostPort > 65_535) {
      throw new ConfigError(
        `pool.ports: port ${guestPort} of VM ${vmIndex} would be forwarded to host port ${hostPort}, which does not exist; ` +
          'VM i\'s port p is forwarded to i·10000 + p, so ports must be below 10000 and that sum at most 65535 (fewer VMs or lower ports)',
      );
    }
    return { hostPort, guestPort };
  });
}

/** The `-L` spec: the host side on loopback only; `localhost` in the machine reaches IPv4 and IPv6 servers. */
export function forwardSpec(pair: PortPair): string {
  return `127.0.0.1:${pair.hostPort}:localhost:${pair.guestPort}`;
}

/** Throws PortInUseError when 127.0.0.1:hostPort cannot be bound (what ssh is about to do). */
export async function assertPortFree(pair: PortPair): Promise<void> {
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: pair.hostPort, exclusive: true }, resolve);
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(pair.hostPort, pair.guestPort, { cause: err });
    throw new TransportError(`cannot listen on host port ${pair.hostPort}: ${(err as Error).message}`, { cause: err });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Add one forward to the running master (`ssh -O forward -L …`). */
export async function openForward(master: ControlMaster, pair: PortPair): Promise<void> {
  await assertPortFree(pair);
  const result = await master.control('forward', ['-L', forwardSpec(pair)]);
  if (result.exitCode === 0) return;
  const said = result.stderr.trim();
  // Taken between the check and ssh's bind.
  if (/forwarding (request )?failed|address already in use/i.test(said)) throw new PortInUseError(pair.hostPort, pair.guestPort);
  throw new TransportError(`could not forward host port ${pair.hostPort} to the machine's port ${pair.guestPort}: ${said || `ssh exit ${result.exitCode}`}`);
}

/** Remove one forward (`ssh -O cancel -L …`); a master that is gone has none left. */
export async function closeForward(master: ControlMaster, pair: PortPair): Promise<void> {
  if (master.pid === undefined) return;
  await master.control('cancel', ['-L', forwardSpec(pair)]);
}
