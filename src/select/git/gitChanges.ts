import { simpleGit } from 'simple-git';
import { errorMessage } from '../../errors.ts';

/** What changed, relative to `root` (posix separators), or `all` with the reason a diff was impossible. */
export interface ChangeSet {
  files: string[];
  all: boolean;
  reason?: string;
}

export interface ListChangedOptions {
  /** The app folder; may be a subdirectory of the git repository. */
  root: string;
  /** Diff from the merge-base of `since` and HEAD (`since...HEAD`) plus the working tree. */
  since?: string;
}

/**
 * Runs git in `cwd` and returns stdout. Unlike simple-git's default, any non-zero exit is an
 * error (simple-git only rejects when stderr is non-empty, and `merge-base` fails silently).
 */
export async function runGit(cwd: string, args: string[]): Promise<string> {
  const git = simpleGit({
    baseDir: cwd,
    errors: (error, result) => {
      if (error) return error;
      if (result.exitCode === 0) return undefined;
      const stderr = Buffer.concat(result.stdErr).toString('utf8').trim();
      return Buffer.from(stderr || `git ${args[0] ?? ''} exited with code ${result.exitCode}`);
    },
  });
  return git.raw(args);
}

/**
 * Where `root` lies inside its repository, as a top-level-relative prefix ('' or 'a/b/'), or
 * undefined when `root` is not in a git work tree.
 */
export async function gitPrefix(root: string): Promise<string | undefined> {
  try {
    return (await runGit(root, ['rev-parse', '--show-prefix'])).replace(/\r?\n$/, '');
  } catch {
    return undefined;
  }
}

/** Splits git's NUL-terminated output. */
export function splitNul(output: string): string[] {
  return output.split('\0').filter((part) => part !== '');
}

/** Paths from `git diff -z --name-status`: both sides of a rename or copy. */
export function parseNameStatus(output: string): string[] {
  const parts = splitNul(output);
  const files: string[] = [];
  let i = 0;
  while (i < parts.length) {
    const status = parts[i] ?? '';
    const paths = status.startsWith('R') || status.startsWith('C') ? 2 : 1;
    files.push(...parts.slice(i + 1, i + 1 + paths));
    i += 1 + paths;
  }
  return files;
}

/** Top-level-relative paths → root-relative, dropping those outside root. */
function underRoot(prefix: string, paths: string[]): string[] {
  const inside = prefix === '' ? paths : paths.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
  return [...new Set(inside)].sort();
}

async function hasHead(root: string): Promise<boolean> {
  try {
    await runGit(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
    return true;
  } catch {
    return false;
  }
}

function diffNames(root: string, from: string, to?: string): Promise<string> {
  const args = ['diff', '-z', '--name-status', '--no-color', '--no-ext-diff', from];
  if (to !== undefined) args.push(to);
  return runGit(root, [...args, '--']);
}

/** Untracked, not ignored files under root, top-level-relative. */
async function untracked(root: string): Promise<string[]> {
  return splitNul(await runGit(root, ['ls-files', '-z', '--others', '--exclude-standard', '--full-name']));
}

/** The commit to diff from for `--since REV`, or the reason there is none. */
async function mergeBase(root: string, rev: string): Promise<{ base: string } | { reason: string }> {
  const fail = (why: string) => ({ reason: `cannot diff against ${rev}: ${why}` });
  if (rev.startsWith('-')) return fail('not a revision');
  if (!(await hasHead(root))) return fail('the repository has no commits yet');
  let commit: string;
  try {
    commit = (await runGit(root, ['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`])).trim();
  } catch {
    return fail('unknown revision (check the name, or fetch it: git fetch origin)');
  }
  try {
    const base = (await runGit(root, ['merge-base', commit, 'HEAD'])).trim();
    if (base !== '') return { base };
  } catch (err) {
    if (!/exited with code 1$/.test(errorMessage(err))) return fail(errorMessage(err));
  }
  return fail('no merge-base with HEAD (a shallow clone? try: git fetch --unshallow)');
}

/**
 * Files changed in the working tree, index and untracked-not-ignored files against HEAD, or,
 * with `since`, since the merge-base of `since` and HEAD plus the working tree.
 */
export async function listChangedFiles({ root, since }: ListChangedOptions): Promise<ChangeSet> {
  const prefix = await gitPrefix(root);
  if (prefix === undefined) return { files: [], all: true, reason: 'not a git repository' };
  try {
    const paths = await untracked(root);
    if (since !== undefined) {
      const found = await mergeBase(root, since);
      if ('reason' in found) return { files: [], all: true, reason: found.reason };
      paths.push(...parseNameStatus(await diffNames(root, found.base, 'HEAD')));
      paths.push(...parseNameStatus(await diffNames(root, 'HEAD')));
    } else if (await hasHead(root)) {
      paths.push(...parseNameStatus(await diffNames(root, 'HEAD')));
    } else {
      // No commits yet: everything tracked counts as changed.
      paths.push(...splitNul(await runGit(root, ['ls-files', '-z', '--cached', '--full-name'])));
    }
    return { files: underRoot(prefix, paths), all: false };
  } catch (err) {
    return { files: [], all: true, reason: `git failed: ${errorMessage(err)}` };
  }
}
