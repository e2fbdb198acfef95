import os from 'node:os';
import path from 'node:path';

/**
 * vmwatch's own state on this host, like Tart's ~/.tart: snapshots and machines by name, pool
 * locks, caches. `VMWATCH_HOME` moves it (tests use a temp folder).
 */
export function vmwatchHome(): string {
  return process.env.VMWATCH_HOME ?? path.join(os.homedir(), '.vmwatch');
}

/** The pool's private SSH key and known_hosts (never the user's ~/.ssh). */
export function poolKeyFiles(pool: string): { dir: string; identityFile: string; knownHostsFile: string } {
  const dir = path.join(vmwatchHome(), 'ssh', pool);
  return { dir, identityFile: path.join(dir, 'id_ed25519'), knownHostsFile: path.join(dir, 'known_hosts') };
}
