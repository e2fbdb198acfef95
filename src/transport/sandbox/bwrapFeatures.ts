import { spawnSync } from 'node:child_process';

let help: string | undefined;

/** Whether this host's bubblewrap knows `flag` (read once from `bwrap --help`). */
export function bwrapSupports(flag: string): boolean {
  if (help === undefined) {
    const r = spawnSync('bwrap', ['--help'], { encoding: 'utf8' });
    help = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  }
  return help.includes(`${flag} `);
}
