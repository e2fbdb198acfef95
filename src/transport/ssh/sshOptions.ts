import type { SshEndpoint } from '../types.ts';
import { TransportError } from '../../errors.ts';

export interface SshOptionsInit {
  /** The ControlMaster socket to multiplex through (clients fall back to a direct connection when it is gone). */
  controlPath?: string;
  /** Be the master that owns `controlPath` (a foreground `ssh -M -N`, owned by us). */
  master?: boolean;
  /** Seconds for the TCP connect and the SSH banner (default 10). */
  connectTimeoutSec?: number;
}

/**
 * ssh's options for reaching a machine, all explicit so that nothing of the user's ~/.ssh or
 * /etc/ssh is read or written: `-F /dev/null` skips both config files, the key and known_hosts are
 * the pool's own, no agent is asked. The argv ends with `-p PORT -l USER`; the host comes after.
 */
export function sshOptions(endpoint: SshEndpoint, init: SshOptionsInit = {}): string[] {
  const options: Array<[string, string | number]> = [
    ['IdentitiesOnly', 'yes'],
    ['IdentityAgent', 'none'],
    ['UserKnownHostsFile', sshPath(endpoint.knownHostsFile)],
    ['GlobalKnownHostsFile', '/dev/null'],
    // A new machine's key is learnt on first contact; a different key for a known one is refused.
    ['StrictHostKeyChecking', 'accept-new'],
    ['CheckHostIP', 'no'],
    ['UpdateHostKeys', 'no'],
    ['HashKnownHosts', 'no'],
    ['BatchMode', 'yes'],
    // Through a ProxyCommand the timeout covers the banner, so the proxy's own start and tunnel count too.
    [
      'ConnectTimeout',
      endpoint.proxyCommand === undefined ? (init.connectTimeoutSec ?? 10) : Math.max(init.connectTimeoutSec ?? 10, PROXY_MIN_TIMEOUT_SEC),
    ],
    ['ServerAliveInterval', 5],
    ['ServerAliveCountMax', 3],
    ['ForwardAgent', 'no'],
    ['ForwardX11', 'no'],
    // Quiet "Permanently added …" notices: ssh's stderr is read for real errors only.
    ['LogLevel', 'ERROR'],
  ];
  if (endpoint.hostKeyAlias !== undefined) options.push(['HostKeyAlias', endpoint.hostKeyAlias]);
  if (init.controlPath !== undefined) {
    options.push(['ControlMaster', init.master === true ? 'yes' : 'no']);
    if (init.master === true) options.push(['ControlPersist', 'no']);
  }
  const argv = ['-F', '/dev/null', '-i', sshPath(endpoint.identityFile), '-T'];
  for (const [key, value] of options) argv.push('-o', `${key}=${configValue(String(value))}`);
  if (endpoint.proxyCommand !== undefined) argv.push('-o', proxyCommandOption(endpoint.proxyCommand));
  if (init.controlPath !== undefined) argv.push('-S', sshPath(init.controlPath));
  argv.push('-p', String(endpoint.port), '-l', endpoint.user);
  return argv;
}

const PROXY_MIN_TIMEOUT_SEC = 5;

/**
 * `ProxyCommand=…` for an argv. ssh takes the rest of the option verbatim (no config-file
 * quoting), expands %-tokens, and runs it with `/bin/sh -c "exec …"`; so each argument is
 * double-quoted for sh when it needs quoting, and % is doubled. Characters that would need more
 * than double quotes (" $ ` \ and ', which rsync -e cannot carry) are refused.
 */
export function proxyCommandOption(argv: string[]): string {
  if (argv.length === 0) throw new TransportError('an empty ProxyCommand');
  const words = argv.map((arg) => {
    if (/["$`\\']/.test(arg)) throw new TransportError(`a ProxyCommand argument cannot contain quotes, $, \` or \\: ${arg}`);
    return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg}"`;
  });
  return `ProxyCommand=${words.join(' ').replace(/%/g, '%%')}`;
}

/** The host argument for ssh (after the options). */
export function sshHost(endpoint: SshEndpoint): string {
  if (endpoint.host.startsWith('-')) throw new TransportError(`'${endpoint.host}' is not a valid host name for ssh`);
  return endpoint.host;
}

/** The host part of an rsync remote path (`host:` or `[v6]:`). */
export function rsyncHost(endpoint: SshEndpoint): string {
  const host = sshHost(endpoint);
  return host.includes(':') ? `[${host}]` : host;
}

/** ssh expands %-tokens in key, known_hosts and control paths: a literal % is written %%. */
export function sshPath(file: string): string {
  return file.replace(/%/g, '%%');
}

/** A value for `-o Key=Value`: ssh splits config values on blanks, so those are double-quoted. */
function configValue(value: string): string {
  if (!/[\s"]/.test(value)) return value;
  if (value.includes('"')) throw new TransportError(`ssh cannot be given a path containing a double quote: ${value}`);
  return `"${value}"`;
}

/**
 * One command line for `rsync -e`: rsync splits it on blanks and honours single quotes, so an
 * argument with a blank is single-quoted (one containing a quote cannot be passed and is refused).
 */
export function rshCommand(argv: string[]): string {
  return argv
    .map((arg) => {
      if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
      if (arg.includes("'")) throw new TransportError(`rsync -e cannot pass an argument containing a quote: ${arg}`);
      return `'${arg}'`;
    })
    .join(' ');
}
