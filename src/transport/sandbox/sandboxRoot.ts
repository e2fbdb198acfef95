import { lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { guestPathProblem } from '../../config/guestPath.ts';
import { TransportError } from '../../errors.ts';
import { credentialFiles, SYSTEM_ROOTS, toolchainDirs } from './toolchainDirs.ts';

/** The uid and gid a test runs as inside the machine (its own user namespace). */
export const SANDBOX_UID = 1000;
export const SANDBOX_GID = 1000;

/** fds the exec wrapper fills with the machine's /etc/passwd and /etc/group (see passwdFiles). */
export const PASSWD_FD = 5;
export const GROUP_FD = 6;

/**
 * What of the host's /etc a program needs to run, resolve names, check TLS and find its libraries:
 * no passwd/shadow (generated instead), no keys (/etc/ssl/private), no service configuration.
 */
const ETC_ENTRIES = [
  'alternatives',
  'ca-certificates',
  'ca-certificates.conf',
  'crypto-policies',
  'debian_version',
  'fonts',
  'gai.conf',
  'gitconfig',
  'host.conf',
  'hosts',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'locale.alias',
  'locale.conf',
  'localtime',
  'lsb-release',
  'magic',
  'mime.types',
  'networks',
  'nsswitch.conf',
  'os-release',
  'pki/ca-trust',
  'pki/tls/certs',
  'pki/tls/openssl.cnf',
  'protocols',
  'python3',
  'resolv.conf',
  'services',
  'ssl/certs',
  'ssl/openssl.cnf',
  'terminfo',
  'timezone',
];

/** The machine's own /etc/passwd and /etc/group: the test's user, and nobody for unmapped owners. */
export function passwdFiles(): { passwd: string; group: string } {
  return {
    passwd:
      `vmwatch:x:${SANDBOX_UID}:${SANDBOX_GID}:vmwatch test:/tmp:/bin/sh\n` +
      'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
    group: `vmwatch:x:${SANDBOX_GID}:\nnogroup:x:65534:\n`,
  };
}

/** --ro-bind of a host path at the same path; a symlink is followed (its target may be outside). */
function roBindFollowing(hostPath: string): string[] {
  try {
    statSync(hostPath);
    return ['--ro-bind', realpathSync(hostPath), hostPath];
  } catch {
    return [];
  }
}

function systemRoot(dir: string): string[] {
  try {
    const st = lstatSync(dir);
    if (st.isSymbolicLink()) return ['--symlink', readlinkSync(dir), dir];
    if (st.isDirectory()) return ['--ro-bind', dir, dir];
  } catch {
    // not on this host
  }
  return [];
}

/**
 * bwrap arguments for the machine's root file system, built from nothing: /usr and the /bin, /lib…
 * links as the host has them, the parts of /etc listed above, the toolchains on PATH (read-only),
 * fresh /proc (read-only), /dev, /tmp and /var/tmp. Nothing else of the host: no home folders, no
 * /root, no /run (no host sockets), no /sys. The app folder is added by the caller at guestPath.
 */
export function sandboxRoot(guestPath: string, hostPath: string | undefined): string[] {
  // The system folders are refused once, by the config's check; here only what this host adds.
  const problem = guestPathProblem(guestPath);
  if (problem !== null) throw new TransportError(`guestPath ${problem}`);
  const guest = path.resolve(guestPath);
  const toolchains = toolchainDirs(hostPath, guest);
  const clash = toolchains.find((dir) => guest === dir || guest.startsWith(`${dir}/`) || dir.startsWith(`${guest}/`));
  if (clash !== undefined) {
    throw new TransportError(
      `guestPath ${guestPath} is inside (or holds) ${clash}, which the sandbox takes from the host; ` +
        'choose a path of its own such as /mnt/app',
    );
  }
  const args: string[] = [];
  for (const dir of SYSTEM_ROOTS) args.push(...systemRoot(dir));
  args.push('--dir', '/etc');
  for (const entry of ETC_ENTRIES) args.push(...roBindFollowing(path.join('/etc', entry)));
  args.push('--ro-bind-data', String(PASSWD_FD), '/etc/passwd', '--ro-bind-data', String(GROUP_FD), '/etc/group');
  for (const dir of toolchains) args.push('--ro-bind', dir, dir);
  for (const file of credentialFiles(toolchains)) args.push('--ro-bind', '/dev/null', file);
  args.push('--proc', '/proc', '--remount-ro', '/proc');
  args.push('--dev', '/dev', '--tmpfs', '/dev/shm', '--tmpfs', '/tmp', '--tmpfs', '/var/tmp');
  return args;
}
