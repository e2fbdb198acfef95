import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { TransportError } from '../../errors.ts';
import { homePaths, vmwatchHome } from '../../paths.ts';

/**
 * A unix socket path must fit sun_path (104 bytes on macOS, 108 on Linux, with the NUL), and
 * ssh first binds `<ControlPath>.<16 random chars>` before renaming it into place.
 */
const SUN_PATH_MAX = 104;
const SSH_TEMP_SUFFIX = 17;

/** Room the name in the socket folder can take: 12 hex characters. */
const NAME_LENGTH = 12;

export function fitsSocketPath(socketPath: string): boolean {
  return Buffer.byteLength(socketPath) + SSH_TEMP_SUFFIX < SUN_PATH_MAX;
}

/**
 * The folder for control sockets: `<vmwatchHome>/cm`, or, when that is too long for a socket path
 * (a deep VMWATCH_HOME), `/tmp/vmwatch-<uid>-cm/<hash of the home>`, which must be ours and 0700.
 */
export function controlDir(home = vmwatchHome(), uid = process.getuid?.() ?? 0): string {
  const preferred = homePaths.controlSockets(home);
  if (fitsSocketPath(path.join(preferred, 'x'.repeat(NAME_LENGTH)))) return preferred;
  const homeHash = createHash('sha256').update(home).digest('hex').slice(0, 8);
  return path.join('/tmp', `vmwatch-${uid}-cm`, homeHash);
}

/** A fresh socket path for one transport's master: one master per machine connection, never shared. */
export async function newControlPath(home = vmwatchHome()): Promise<string> {
  const dir = controlDir(home);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (!dir.startsWith(home)) await checkPrivate(path.dirname(dir));
  const socket = path.join(dir, randomBytes(NAME_LENGTH / 2).toString('hex'));
  if (!fitsSocketPath(socket)) {
    throw new TransportError(`the ssh control socket path ${socket} is too long for a unix socket; set VMWATCH_HOME to a shorter folder`);
  }
  return socket;
}

/** A folder in /tmp that someone else made (or made a symlink) must not hold our sockets. */
async function checkPrivate(dir: string): Promise<void> {
  const st = await lstat(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
    throw new TransportError(
      `${dir} (for ssh control sockets) is not a private folder of this user; remove it, or set VMWATCH_HOME to a shorter folder`,
    );
  }
}
