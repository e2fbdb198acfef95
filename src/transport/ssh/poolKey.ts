import { access, chmod, link, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MachineError } from '../../errors.ts';
import { homePaths } from '../../paths.ts';
import { runOwned } from '../../process/runOwned.ts';
import { requireTool } from '../../process/tools.ts';

export interface PoolKey {
  /** Private key (0600) to give ssh with -i. */
  identityFile: string;
  /** The `ssh-ed25519 AAAA… vmwatch-<pool>` line to put in the machine's authorized_keys. */
  publicKey: string;
  /** The pool's known_hosts (see machineKnownHosts for one per machine). */
  knownHostsFile: string;
}

/** `<vmwatchHome>/ssh/<pool>/`: the pool's key and known_hosts, never the user's ~/.ssh. */
function poolSshDir(pool: string): string {
  if (!/^[\w.-]+$/.test(pool) || pool.startsWith('.')) throw new MachineError(`'${pool}' cannot name a pool's ssh folder`);
  return homePaths.poolSsh(pool);
}

/** Where the pool's key and known_hosts live (they may not exist yet: see ensurePoolKey). */
export function poolKeyPaths(pool: string): { dir: string; identityFile: string; knownHostsFile: string } {
  const dir = poolSshDir(pool);
  return { dir, identityFile: path.join(dir, 'id_ed25519'), knownHostsFile: path.join(dir, 'known_hosts') };
}

/**
 * The pool's ed25519 key pair, made once with ssh-keygen. Safe against two processes making it at
 * once: each makes its own in a temp folder and the first `link` into place wins.
 */
export async function ensurePoolKey(pool: string): Promise<PoolKey> {
  const { dir, identityFile, knownHostsFile } = poolKeyPaths(pool);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  if (!(await exists(identityFile))) await createKey(dir, identityFile, `vmwatch-${pool}`);
  return { identityFile, publicKey: await publicKeyOf(identityFile), knownHostsFile };
}

/**
 * A known_hosts file for one machine slot, emptied when `reset` (at each boot or revert): a
 * recreated machine has a new host key, learnt again on first contact (accept-new), while a
 * different key during the machine's life is still refused.
 */
export async function machineKnownHosts(pool: string, machine: string, options: { reset?: boolean } = {}): Promise<string> {
  if (!/^[\w.-]+$/.test(machine)) throw new MachineError(`'${machine}' cannot name a known_hosts file`);
  const dir = path.join(poolSshDir(pool), 'known_hosts.d');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, machine);
  if (options.reset === true) await writeFile(file, '', { mode: 0o600 });
  return file;
}

async function createKey(dir: string, identityFile: string, comment: string): Promise<void> {
  const keygen = requireTool('ssh-keygen');
  const tmp = await mkdtemp(path.join(dir, '.new-'));
  try {
    const key = path.join(tmp, 'id_ed25519');
    const made = await runOwned(keygen, ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', key], { timeoutMs: 30_000 });
    if (made.exitCode !== 0) throw new MachineError(`ssh-keygen could not create the pool key in ${dir}: ${made.stderr.trim()}`);
    await chmod(key, 0o600);
    try {
      await link(key, identityFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return; // another process made it first: use theirs
    }
    await rename(`${key}.pub`, `${identityFile}.pub`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The .pub next to the key, or derived from the key (`ssh-keygen -y`) while the .pub is not there yet. */
async function publicKeyOf(identityFile: string): Promise<string> {
  const pub = await readFile(`${identityFile}.pub`, 'utf8').catch(() => null);
  if (pub !== null && pub.trim() !== '') return pub.trim();
  const derived = await runOwned(requireTool('ssh-keygen'), ['-y', '-f', identityFile], { timeoutMs: 30_000 });
  if (derived.exitCode !== 0)
    throw new MachineError(`cannot read the pool key ${identityFile}: ${derived.stderr.trim()}; delete it to make a new one`);
  return derived.stdout.trim();
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
