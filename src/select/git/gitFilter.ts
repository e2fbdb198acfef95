import path from 'node:path';
import { execa } from 'execa';

/**
 * Drops the paths git ignores (`.gitignore`, `.git/info/exclude`, the global excludes file), for
 * the watcher's batches. `files` are relative to `root` (or absolute); the kept ones come back
 * exactly as given. Tracked files are kept even when a pattern matches them, as `git status` and
 * `listChangedFiles` report them (so no `--no-index`). Paths outside `root`, and every path when
 * `root` is not in a git work tree (or git fails), are kept: a spurious run beats a missed one.
 */
export async function filterIgnored(root: string, files: readonly string[]): Promise<string[]> {
  const inside = files.filter((file) => isInside(root, file));
  if (inside.length === 0) return [...files];
  const result = await execa('git', ['check-ignore', '-z', '--stdin'], {
    cwd: root,
    input: inside.map((file) => `${file}\0`).join(''),
    reject: false,
    stripFinalNewline: false,
  });
  // 0: some ignored, 1: none ignored, 128 (or a spawn error): not a repository or git failed.
  if (result.exitCode !== 0) return [...files];
  const ignored = new Set(result.stdout.split('\0'));
  return files.filter((file) => !ignored.has(file));
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, path.resolve(root, file));
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
