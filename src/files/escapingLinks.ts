import { lstat, readdir, readlink, realpath, unlink } from 'node:fs/promises';
import path from 'node:path';

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(`${root}${path.sep}`);
}

/**
 * Whether the link at `link` (somewhere under the real folder `root`) leads only to places inside
 * `root`: its target is relative, and walking it from the link's folder — through any links on
 * the way, as the kernel would — never leaves `root`, not even for a step. Read-only: looks
 * through links with realpath, never opens or writes what they point to.
 */
async function staysInside(root: string, link: string): Promise<boolean> {
  const target = await readlink(link);
  if (path.isAbsolute(target)) return false;
  let at = await realpath(path.dirname(link));
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    at = part === '..' ? path.dirname(at) : path.join(at, part);
    if (!inside(root, at)) return false;
    try {
      at = await realpath(at);
    } catch {
      // Not there (yet): the rest is followed by name.
    }
    if (!inside(root, at)) return false;
  }
  return true;
}

/**
 * The host-side pass after artifacts come back: every symlink under `dir` that points outside it
 * is removed (never followed), and returned as `path -> target` (path relative to `dir`).
 * Folders are walked with lstat semantics (a link to a folder is a link, not a folder).
 */
export async function dropEscapingLinks(dir: string): Promise<string[]> {
  const root = await realpath(dir);
  const dropped: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isSymbolicLink() && !(await staysInside(root, full))) {
        const target = await readlink(full);
        if ((await lstat(full)).isSymbolicLink()) await unlink(full);
        dropped.push(`${path.relative(root, full)} -> ${target}`);
      }
    }
  };
  await walk(root);
  return dropped;
}
