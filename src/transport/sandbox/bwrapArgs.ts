import { bwrapSupports } from './bwrapFeatures.ts';
import { SANDBOX_GID, SANDBOX_UID } from './sandboxRoot.ts';

export interface BwrapOptions {
  guestPath: string;
  /** Host path of the machine's merged tree (mounted in the caller's namespace). */
  mergedDir: string;
  hostname: string;
  cwd: string;
  /** The command's whole environment: nothing else of the host's reaches it. */
  env: Record<string, string>;
  network: boolean;
  writableHostDirs: string[];
  statusFd?: number;
}

/**
 * Full bwrap argv prefix (up to and including `--`) for running a command in the machine, over
 * `root` (sandboxRoot.ts). The command runs in its own user namespace as an unprivileged uid with
 * no capabilities and no_new_privs (bwrap always sets it), cannot make further user namespaces
 * (so it cannot regain capabilities to remount anything), and gets only `env`. Its own pid, ipc,
 * uts and cgroup namespaces, and no network unless asked. Writable: the app tree, /tmp, /var/tmp,
 * /dev/shm and `writableHostDirs`; the root itself is made read-only last.
 */
export function bwrapArgs(opts: BwrapOptions, root: string[]): string[] {
  const args = [...root, '--bind', opts.mergedDir, opts.guestPath];
  for (const dir of opts.writableHostDirs) args.push('--bind', dir, dir);
  args.push('--remount-ro', '/');
  args.push('--unshare-user', '--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_GID), '--cap-drop', 'ALL');
  // bubblewrap 0.8+; without it a nested user namespace still finds every mount locked as it is.
  if (bwrapSupports('--disable-userns')) args.push('--disable-userns');
  args.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--hostname', opts.hostname);
  if (!opts.network) args.push('--unshare-net');
  args.push('--die-with-parent', '--new-session', '--chdir', opts.cwd, '--clearenv');
  for (const [key, value] of Object.entries(opts.env)) args.push('--setenv', key, value);
  if (opts.statusFd !== undefined) args.push('--json-status-fd', String(opts.statusFd));
  args.push('--');
  return args;
}
