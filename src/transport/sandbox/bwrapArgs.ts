import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/** Host folders the sandbox never sees as they are: it gets fresh ones. */
const FRESH: Record<string, string[]> = {
  '/proc': ['--proc', '/proc'],
  '/dev': ['--dev', '/dev', '--tmpfs', '/dev/shm'],
  '/tmp': ['--tmpfs', '/tmp'],
  '/var/tmp': ['--tmpfs', '/var/tmp'],
};

function mirrorEntry(hostPath: string): string[] {
  const fresh = FRESH[hostPath];
  if (fresh) return fresh;
  let st;
  try {
    st = lstatSync(hostPath);
  } catch {
    return [];
  }
  if (st.isSymbolicLink()) return ['--symlink', readlinkSync(hostPath), hostPath];
  if (st.isDirectory() || st.isFile()) return ['--ro-bind', hostPath, hostPath];
  return [];
}

/**
 * The host's file system, read-only, with a hole at `guestPath`: every ancestor of guestPath that
 * exists on the host is rebuilt entry by entry (so nothing of the host is hidden), and guestPath
 * itself is left for the machine's tree. Works whether or not guestPath exists on the host, with
 * no change to the host.
 */
export function hostViewWithHole(guestPath: string): string[] {
  const parts = path.resolve(guestPath).split('/').filter(Boolean);
  const args: string[] = [];
  let dir = '/';
  for (const part of parts) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      break; // this level does not exist on the host: bwrap creates it in the sandbox's tmpfs
    }
    if (dir !== '/') args.push('--dir', dir);
    for (const entry of entries.sort()) {
      if (entry === part) continue;
      args.push(...mirrorEntry(path.join(dir, entry)));
    }
    if (FRESH[path.join(dir, part)]) break;
    dir = path.join(dir, part);
  }
  for (const fresh of Object.keys(FRESH)) {
    if (!args.includes(fresh) && !path.resolve(guestPath).startsWith(`${fresh}/`)) args.push(...FRESH[fresh]!);
  }
  return args;
}

export interface BwrapOptions {
  guestPath: string;
  /** Host path of the machine's merged tree (mounted in the caller's namespace). */
  mergedDir: string;
  hostname: string;
  cwd: string;
  env: Record<string, string>;
  network: boolean;
  writableHostDirs: string[];
  statusFd?: number;
}

/** Full bwrap argv prefix (up to and including `--`) for running a command in the machine. */
export function bwrapArgs(opts: BwrapOptions, hostView: string[]): string[] {
  const args = [...hostView, '--bind', opts.mergedDir, opts.guestPath];
  for (const dir of opts.writableHostDirs) args.push('--bind', dir, dir);
  args.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--hostname', opts.hostname);
  if (!opts.network) args.push('--unshare-net');
  args.push('--die-with-parent', '--new-session', '--chdir', opts.cwd);
  for (const [key, value] of Object.entries(opts.env)) args.push('--setenv', key, value);
  if (opts.statusFd !== undefined) args.push('--json-status-fd', String(opts.statusFd));
  args.push('--');
  return args;
}
