import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Folders a toolchain's commands live in; their parent is the installation (nvm, pyenv, /opt/x). */
const COMMAND_FOLDERS = new Set(['bin', 'sbin', 'shims']);

/** Host folders the sandbox shows whole (read-only) anyway: toolchains inside them need nothing more. */
export const SYSTEM_ROOTS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/** Files that hold credentials in a tool's folder (cargo, npm, pip, git, netrc): hidden even there. */
const CREDENTIAL_FILES = ['credentials', 'credentials.toml', '.npmrc', '.netrc', '.pypirc', '.git-credentials'];

function depth(p: string): number {
  return p.split('/').filter(Boolean).length;
}

function inside(p: string, root: string): boolean {
  return p === root || p.startsWith(`${root}/`);
}

/** Folders in a home that hold more than programs (keyrings, app data, settings): never shown whole. */
const HOME_DATA = ['.local', '.config', '.cache', '.ssh', '.gnupg', '.aws'];

/** A folder too broad to show: /, a top-level folder, a home folder or one of its ancestors, a home's data folders. */
function tooBroad(dir: string, homes: string[]): boolean {
  if (depth(dir) < 2) return true;
  if (homes.some((home) => inside(home, dir) || HOME_DATA.some((d) => inside(path.join(home, d), dir)))) return true;
  return /^\/home\/[^/]+$/.test(dir);
}

function installRoot(commandDir: string, homes: string[]): string | null {
  const parent = path.dirname(commandDir);
  if (COMMAND_FOLDERS.has(path.basename(commandDir)) && !tooBroad(parent, homes)) return parent;
  return tooBroad(commandDir, homes) ? null : commandDir;
}

/**
 * The installation folders of the toolchains a test may call: for each folder on the host's PATH
 * outside the system folders (and node's own, wherever it lives), the folder that holds it when
 * it is a bin/ or shims/ folder (~/.pyenv, ~/.nvm/versions/node/v20, /opt/go), else the folder
 * itself. Never /, a top-level folder, a home folder or above, ~/.local, ~/.config and the like,
 * nor a project's node_modules/.bin or anything in the app.
 */
export function toolchainDirs(hostPath: string | undefined, guestPath: string, execPath = process.execPath): string[] {
  const homes = [homedir(), '/root'];
  const candidates = (hostPath ?? '').split(':').filter((p) => path.isAbsolute(p));
  candidates.push(path.dirname(execPath));
  try {
    candidates.push(path.dirname(realpathSync(execPath)));
  } catch {
    // node's own path is gone: nothing to add
  }
  const roots = new Set<string>();
  for (const dir of candidates.map((p) => path.resolve(p))) {
    // node_modules/.bin folders (npx, npm run) are a project's own: the machine has the app's.
    if (dir.split('/').includes('node_modules')) continue;
    if (!existsSync(dir) || inside(dir, guestPath) || SYSTEM_ROOTS.some((s) => inside(dir, s))) continue;
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      continue;
    }
    if (SYSTEM_ROOTS.some((s) => inside(real, s))) continue;
    const root = installRoot(real, homes);
    if (root !== null && !inside(root, guestPath)) roots.add(root);
  }
  const sorted = [...roots].sort();
  return sorted.filter((r) => !sorted.some((other) => other !== r && inside(r, other)));
}

/** Credential files directly in a toolchain folder, to be covered with an empty file. */
export function credentialFiles(roots: string[]): string[] {
  return roots.flatMap((root) => CREDENTIAL_FILES.map((f) => path.join(root, f))).filter((f) => existsSync(f));
}
