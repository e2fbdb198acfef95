import type { CopyOptions } from './types.ts';

/** rsync flags shared by every transport: archive, excludes, delete, an explicit file list. */
export function rsyncArgs(options: CopyOptions, filesFromStdin: boolean): string[] {
  const args = ['-a', '--no-owner', '--no-group'];
  if (options.delete === true) args.push('--delete');
  for (const pattern of options.exclude ?? []) args.push(`--exclude=${pattern}`);
  if (filesFromStdin) args.push('--files-from=-', '--from0');
  return args;
}

/**
 * Extra flags for a copy out of a machine: links stay links (-a's -l, never -L) and one pointing
 * outside the copied tree is not created (--safe-links); each such link is named on stdout
 * (--info=name1), read back by unsafeLinksIn.
 */
export const PULL_ARGS = ['--safe-links', '--info=name1'];

/** The links rsync's --safe-links left out, as `path -> target`, from its stdout. */
export function unsafeLinksIn(stdout: string): string[] {
  const found: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^ignoring unsafe symlink "(.*)" -> "(.*)"$/.exec(line);
    if (m) found.push(`${m[1]} -> ${m[2]}`);
  }
  return found;
}

/** Excludes for syncing an app into a machine: our own outputs, git, and what the snapshot provides. */
export function syncExcludes(artifactsDir: string, provided: string[]): string[] {
  const rooted = (p: string): string => `/${p.replace(/^\/+|\/+$/g, '')}`;
  return ['.git', '.vmwatch', '/.vmwatch-results', rooted(artifactsDir), ...provided.map(rooted)];
}
