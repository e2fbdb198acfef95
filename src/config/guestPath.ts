import path from 'node:path';

/**
 * Machine folders an app may not be synced into, nor below: the system's own (a sync with
 * --delete would wipe them, and the sandbox takes them from the host) and scratch folders the
 * machine empties (/tmp). Linux and macOS names both: the same config may meet either.
 */
const SYSTEM_FOLDERS = [
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/run',
  '/boot',
  '/tmp',
  '/var/tmp',
  '/System',
  '/Library',
  '/private',
];

/** Folders that hold other users' or the system's things: never the app folder itself, but a folder below is fine (/home/me/app). */
const SHARED_FOLDERS = ['/', '/root', '/home', '/Users', '/var', '/opt', '/mnt', '/srv', '/Volumes', '/Applications'];

/** Why `guestPath` cannot be the app's folder in a machine, or null when it can. */
export function guestPathProblem(guestPath: string): string | null {
  if (!guestPath.startsWith('/')) return `expected an absolute path inside the machine (such as /mnt/app), got "${guestPath}"`;
  const normal = path.posix.normalize(guestPath).replace(/(.)\/+$/, '$1');
  if (SHARED_FOLDERS.includes(normal)) {
    return (
      `"${guestPath}" is ${normal === '/' ? "the machine's root" : 'a shared system folder'}: ` +
      'the app is synced with deletion there; choose a folder of its own such as /mnt/app'
    );
  }
  const system = SYSTEM_FOLDERS.find((dir) => normal === dir || normal.startsWith(`${dir}/`));
  if (system !== undefined) {
    return (
      `"${guestPath}" is ${normal === system ? '' : 'inside '}the system folder ` + `${system}; choose a folder of its own such as /mnt/app`
    );
  }
  return null;
}
