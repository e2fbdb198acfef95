import os from 'node:os';
import path from 'node:path';

/**
 * vmwatch's own state on this host, like Tart's ~/.tart: snapshots and machines by name, pool
 * locks, caches. `VMWATCH_HOME` moves it (tests use a temp folder).
 */
export function vmwatchHome(): string {
  return process.env.VMWATCH_HOME ?? path.join(os.homedir(), '.vmwatch');
}

/**
 * Every place vmwatch keeps state on the host, in one list. Under `~/.vmwatch/` (vmwatchHome):
 *
 *   snapshots/<snapshot>.json     what a snapshot was built from (any provider)
 *   sandbox/snapshots/<name>/     a sandbox snapshot's tree; sandbox/machines/<name>/ a machine's
 *                                 overlay layers; sandbox/empty, sandbox/trash (see sandboxDirs.ts)
 *   pools/<pool>.pid              the pool's lock (one watcher per pool)
 *   pools/<pool>.status.json      what `pool status` reads
 *   pools/<pool>.warm.json        machines left running on purpose (pool.keepWarm)
 *   ssh/<pool>/                   the pool's own key pair and per-machine known_hosts
 *   ssh/.askpass-*                one-time password login helpers (removed after use)
 *   cm/                           ssh control sockets (or /tmp/vmwatch-<uid>-cm/… when too long)
 *   orchard/<pool>.json           the Orchard bridge's connection (0600)
 *   daemons/<pool>.json           a running watch's dashboard URL and token (0600)
 *   daemons/<pool>.open.html      the page the browser is opened on, which goes on to the dashboard (0600)
 *   cache/npm/                    the npm cache shared into sandbox setups
 *   logs/vmwatch.log              the full log (rotated); logs/<snapshot>-build.log a setup's
 *                                 output; logs/tart/<vm>.log a Tart VM's `tart run`
 *
 * Under the app's root, `<root>/.vmwatch/` (never synced into machines, never watched):
 *
 *   graph.json                    the import graph, for a warm start
 *   history.json                  per-test and per-case statuses and durations
 */
export const homePaths = {
  snapshotMeta: (snapshot: string): string => path.join(vmwatchHome(), 'snapshots', `${snapshot}.json`),
  sandbox: (): string => path.join(vmwatchHome(), 'sandbox'),
  poolLock: (pool: string): string => path.join(vmwatchHome(), 'pools', `${pool}.pid`),
  poolStatus: (pool: string): string => path.join(vmwatchHome(), 'pools', `${pool}.status.json`),
  poolWarm: (pool: string): string => path.join(vmwatchHome(), 'pools', `${pool}.warm.json`),
  ssh: (): string => path.join(vmwatchHome(), 'ssh'),
  poolSsh: (pool: string): string => path.join(vmwatchHome(), 'ssh', pool),
  controlSockets: (home = vmwatchHome()): string => path.join(home, 'cm'),
  orchard: (): string => path.join(vmwatchHome(), 'orchard'),
  npmCache: (): string => path.join(vmwatchHome(), 'cache', 'npm'),
  log: (): string => path.join(vmwatchHome(), 'logs', 'vmwatch.log'),
  /** A running watch's API address and token (mode 0600), for `vmwatch ui` and `vmwatch mcp`. */
  daemon: (pool: string): string => path.join(vmwatchHome(), 'daemons', `${pool}.json`),
  daemonLauncher: (pool: string): string => path.join(vmwatchHome(), 'daemons', `${pool}.open.html`),
  buildLog: (snapshot: string): string => path.join(vmwatchHome(), 'logs', `${snapshot}-build.log`),
  tartLog: (vm: string): string => path.join(vmwatchHome(), 'logs', 'tart', `${vm}.log`),
};

/** The app's own state folder, `<root>/.vmwatch/` (see homePaths for what is in it). */
export function projectStateDir(root: string): string {
  return path.join(root, '.vmwatch');
}
