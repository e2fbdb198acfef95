import net from 'node:net';
import { TransportError } from '../../errors.ts';
import type { ControlMaster } from './ControlMaster.ts';
import type { PortForward } from '../types.ts';
import { PortInUseError } from './PortInUseError.ts';

/** The `-L` spec: the host side on loopback only; `localhost` in the machine reaches IPv4 and IPv6 servers. */
function forwardSpec(pair: PortForward): string {
  return `127.0.0.1:${pair.hostPort}:localhost:${pair.guestPort}`;
}

/** Throws PortInUseError when 127.0.0.1:hostPort cannot be bound (what ssh is about to do). */
async function assertPortFree(pair: PortForward): Promise<void> {
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
export async function openForward(master: ControlMaster, pair: PortForward): Promise<void> {
  await assertPortFree(pair);
  const result = await master.control('forward', ['-L', forwardSpec(pair)]);
  if (result.exitCode === 0) return;
  const said = result.stderr.trim();
  // Taken between the check and ssh's bind.
  if (/forwarding (request )?failed|address already in use/i.test(said)) throw new PortInUseError(pair.hostPort, pair.guestPort);
  throw new TransportError(
    `could not forward host port ${pair.hostPort} to the machine's port ${pair.guestPort}: ${said || `ssh exit ${result.exitCode}`}`,
  );
}

/** Remove one forward (`ssh -O cancel -L …`); a master that is gone has none left. */
export async function closeForward(master: ControlMaster, pair: PortForward): Promise<void> {
  if (master.pid === undefined) return;
  await master.control('cancel', ['-L', forwardSpec(pair)]);
}
