import type { CopyOptions } from './types.ts';

/** rsync flags shared by every transport: archive, excludes, delete, an explicit file list. */
export function rsyncArgs(options: CopyOptions, filesFromStdin: boolean): string[] {
  const args = ['-a', '--no-owner', '--no-group'];
  if (options.delete === true) args.push('--delete');
  for (const pattern of options.exclude ?? []) args.push(`--exclude=${pattern}`);
  if (filesFromStdin) args.push('--files-from=-', '--from0');
  return args;
}

/** Excludes for syncing an app into a machine: our own outputs, git, and what the snapshot provides. */
export function syncExcludes(artifactsDir: string, provided: string[]): string[] {
  const rooted = (p: string): string => `/${p.replace(/^\/+|\/+$/g, '')}`;
  return ['.git', '.vmwatch', '/.vmwatch-results', rooted(artifactsDir), ...provided.map(rooted)];
}
