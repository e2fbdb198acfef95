import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { whichTool } from '../../src/process/tools.ts';
import { processTree } from './processes.ts';
import { requireOrSkip } from './requireOrSkip.ts';

const SSHD = '/usr/sbin/sshd';

export interface TestSshd {
  host: string;
  port: number;
  user: string;
  /** A client key the server accepts (not for a passwordUser server: that one starts with none). */
  identityFile: string;
  /** An empty known_hosts for the client, in the server's temp folder. */
  knownHostsFile: string;
  dir: string;
  /** The password user's home (passwordUser servers only). */
  home?: string;
  /** sshd's log so far (-e: it logs to stderr). */
  log(): string;
  /** How many logins sshd accepted so far (one per ssh connection). */
  acceptedLogins(): number;
  stop(): Promise<void>;
}

let cached: string | null | undefined;

/** Why a real sshd cannot run here (null when it can). Tests skip with this reason, printed. */
export function sshdUnavailable(): string | null {
  if (cached !== undefined) return requireOrSkip('ssh tests', cached);
  cached = probe();
  if (cached !== null) console.warn(`[vmwatch tests] skipping ssh tests: ${cached}`);
  return requireOrSkip('ssh tests', cached);
}

/** Why a password-login sshd (for installKey) cannot run (it needs root and bubblewrap to fake /etc/shadow). */
export function passwordSshdUnavailable(): string | null {
  return requireOrSkip('password-login ssh tests', passwordSshdProbe());
}

function passwordSshdProbe(): string | null {
  const base = sshdUnavailable();
  if (base !== null) return base;
  if (process.getuid?.() !== 0) return 'a password-login sshd needs root (it runs sshd with a fake /etc/shadow under bubblewrap)';
  if (whichTool('bwrap') === null) return "'bwrap' is missing (apt-get install bubblewrap)";
  if (whichTool('openssl') === null) return "'openssl' is missing (apt-get install openssl)";
  return null;
}

function probe(): string | null {
  if (process.platform !== 'linux') return `the ssh tests start a real sshd on Linux (this is ${process.platform})`;
  try {
    accessSync(SSHD, constants.X_OK);
  } catch {
    return `${SSHD} is missing (apt-get install openssh-server)`;
  }
  for (const [tool, pkg] of [
    ['ssh', 'openssh-client'],
    ['ssh-keygen', 'openssh-client'],
    ['rsync', 'rsync'],
    ['perl', 'perl-base'],
  ] as const) {
    if (whichTool(tool) === null) return `'${tool}' is missing (apt-get install ${pkg})`;
  }
  if (process.getuid?.() === 0) {
    // sshd refuses to start as root without its privilege separation folder (normally made by its service).
    try {
      mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    } catch (err) {
      return `cannot create /run/sshd, which sshd needs: ${(err as Error).message}`;
    }
  }
  return null;
}

/**
 * A real sshd on 127.0.0.1 at a free port: its own host key, accepting a fresh client key for the
 * current user (root: prohibit-password), logging to stderr. With `passwordUser`, it runs under
 * bubblewrap with a copy of /etc/passwd and /etc/shadow that adds that user (uid 0, a temp home,
 * the given password) and takes password logins, with keys from ~/.ssh/authorized_keys.
 */
export async function startSshd(options: { passwordUser?: { name: string; password: string } } = {}): Promise<TestSshd> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-sshd-'));
  const keygen = (file: string): void => {
    const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
  };
  keygen(path.join(dir, 'host_key'));
  keygen(path.join(dir, 'client_key'));
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'client_key.pub')));
  writeFileSync(path.join(dir, 'known_hosts'), '');
  const port = await freePort();
  const pw = options.passwordUser;
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${path.join(dir, 'host_key')}`,
    'PidFile none',
    pw ? 'AuthorizedKeysFile .ssh/authorized_keys' : `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    pw ? 'PermitRootLogin yes' : 'PermitRootLogin prohibit-password',
    `PasswordAuthentication ${pw ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'AllowTcpForwarding yes',
    'MaxStartups 50',
    'LogLevel INFO',
  ];
  writeFileSync(path.join(dir, 'sshd_config'), `${config.join('\n')}\n`);
  let argv = [SSHD, '-D', '-e', '-f', path.join(dir, 'sshd_config')];
  let home: string | undefined;
  if (pw) {
    home = path.join(dir, 'home');
    mkdirSync(home);
    const hash = spawnSync('openssl', ['passwd', '-6', pw.password], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(
      path.join(dir, 'passwd'),
      `${readFileSync('/etc/passwd', 'utf8').trimEnd()}\n${pw.name}:x:0:0:${pw.name}:${home}:/bin/sh\n`,
    );
    writeFileSync(path.join(dir, 'shadow'), `${readFileSync('/etc/shadow', 'utf8').trimEnd()}\n${pw.name}:${hash}:19000:0:99999:7:::\n`, {
      mode: 0o600,
    });
    argv = [
      'bwrap',
      '--dev-bind',
      '/',
      '/',
      '--ro-bind',
      path.join(dir, 'passwd'),
      '/etc/passwd',
      '--ro-bind',
      path.join(dir, 'shadow'),
      '/etc/shadow',
      '--',
      ...argv,
    ];
  }
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (log += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!log.includes('Server listening on')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      killTree(child.pid);
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start: ${log.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    host: '127.0.0.1',
    port,
    user: pw?.name ?? userInfo().username,
    identityFile: path.join(dir, 'client_key'),
    knownHostsFile: path.join(dir, 'known_hosts'),
    dir,
    ...(home === undefined ? {} : { home }),
    log: () => log,
    acceptedLogins: () => log.split('\n').filter((l) => /^Accepted \w+ for /.test(l)).length,
    async stop() {
      killTree(child.pid);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** sshd's per-connection processes call setsid, so the group is not enough: walk /proc for descendants. */
function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  for (const p of processTree(pid)) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {
      // gone
    }
  }
}

/** A port nothing listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
