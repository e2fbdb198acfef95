import { TransportError } from '../../errors.ts';
import type { SandboxEndpoint } from '../types.ts';

/** Exit status the wrapper uses when the overlay cannot be mounted (the command never ran). */
export const MOUNT_FAILED_EXIT = 125;

const MOUNT_SCRIPT =
  'mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3" "$4" || ' +
  '{ echo "vmwatch: cannot mount the machine overlay at $4" >&2; exit 125; }; shift 4; exec "$@"';

function checkOverlayPath(p: string): string {
  if (/[,:\n]/.test(p)) {
    throw new TransportError(`overlay paths may not contain ',' or ':' (got ${p}); set VMWATCH_HOME to a plain path`);
  }
  return p;
}

/**
 * argv that runs `argv` in a fresh private mount namespace where the machine's overlay is mounted
 * at `mergedDir`. The mount exists only as long as that process: nothing to clean up, even after
 * SIGKILL. As root: a plain mount namespace; otherwise a user namespace mapped to root.
 */
export function namespaceCommand(ep: SandboxEndpoint, argv: string[]): { file: string; args: string[] } {
  const isRoot = process.getuid?.() === 0;
  const unshare = isRoot ? ['--mount', '--propagation', 'private'] : ['--user', '--map-root-user', '--mount'];
  const dirs = [ep.lowerDir, ep.upperDir, ep.workDir, ep.mergedDir].map(checkOverlayPath);
  return { file: 'unshare', args: [...unshare, '--', '/bin/sh', '-c', MOUNT_SCRIPT, 'sh', ...dirs, ...argv] };
}

/** Host path (inside the namespace) of a path inside the machine. */
export function guestToMerged(ep: SandboxEndpoint, guest: string): string {
  const base = ep.guestPath.replace(/\/+$/, '');
  if (guest !== base && !guest.startsWith(`${base}/`)) {
    throw new TransportError(`${guest} is outside the machine's app folder ${base}; the sandbox only holds the app`);
  }
  return ep.mergedDir + guest.slice(base.length);
}
