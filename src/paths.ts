import os from 'node:os';
import path from 'node:path';

/**
 * vmwatch's own state on this host, like Tart's ~/.tart: snapshots and machines by name, pool
 * locks, caches. `VMWATCH_HOME` moves it (tests use a temp folder).
 */
export function vmwatchHome(): string {
  return process.env.VMWATCH_HOME ?? path.join(os.homedir(), '.vmwatch');
}
