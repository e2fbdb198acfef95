import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { MissingToolError } from '../errors.ts';

/** Install commands named in errors when a tool is missing. */
export const INSTALL_HINTS: Record<string, string> = {
  bwrap: 'sudo apt-get install bubblewrap',
  unshare: 'sudo apt-get install util-linux',
  rsync: 'sudo apt-get install rsync (macOS: brew install rsync)',
  ssh: 'sudo apt-get install openssh-client',
  sshd: 'sudo apt-get install openssh-server',
  tart: 'brew install cirruslabs/cli/tart',
  git: 'sudo apt-get install git (macOS: xcode-select --install)',
};

/** Absolute path of `tool` on PATH, or null. */
export function whichTool(tool: string, envPath = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export function requireTool(tool: string): string {
  const found = whichTool(tool);
  if (found === null) throw new MissingToolError(tool, INSTALL_HINTS[tool] ?? `install ${tool}`);
  return found;
}
