/** The host port where machine `vmIndex` (1-based) has its guest port: i·10000 + p (machine 1: 13030, 15173). */
export function hostPortFor(vmIndex: number, guestPort: number): number {
  return vmIndex * 10_000 + guestPort;
}

export const MAX_PORT = 65_535;

/**
 * Why a pool of `size` machines cannot forward `ports`, or null when every machine's ports exist:
 * the largest, machine `size`'s highest port, must stay at most 65535.
 */
export function portMapProblem(size: number, ports: readonly number[]): string | null {
  if (ports.length === 0) return null;
  const highest = Math.max(...ports);
  const top = hostPortFor(size, highest);
  if (top <= MAX_PORT) return null;
  const fits = Math.floor((MAX_PORT - highest) / 10_000);
  return (
    `pool.size / pool.ports: machine ${size}'s port ${highest} would be forwarded to host port ${top}, which does not exist ` +
    `(machine i's port p is on the host at i·10000 + p, at most ${MAX_PORT}); use pool.size ≤ ${fits} with these ports, or lower ports`
  );
}
