import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isLoginRefused, LoginRefusedError, MachineError } from '../../errors.ts';
import { homePaths } from '../../paths.ts';
import { runOwned } from '../../process/runOwned.ts';

import { proxyCommandOption, sshPath } from './sshOptions.ts';
import { shellQuote } from '../../process/shellQuote.ts';

export interface InstallKeyTarget {
  host: string;
  port: number;
  user: string;
  knownHostsFile: string;
  /** The line to add to the user's ~/.ssh/authorized_keys (ensurePoolKey's publicKey). */
  publicKey: string;
  hostKeyAlias?: string;
  /** ssh's ProxyCommand as an argv (see SshEndpoint.proxyCommand). */
  proxyCommand?: string[];
}

/** Appends the key unless an identical line is there; adds a newline first when the file lacks a last one. */
const APPEND_KEY = [
  'umask 077',
  'mkdir -p "$HOME/.ssh" || exit 1',
  'f="$HOME/.ssh/authorized_keys"',
  'touch "$f" || exit 1',
  'grep -qxF "$1" "$f" && exit 0',
  'if [ -s "$f" ] && [ -n "$(tail -c 1 "$f")" ]; then echo >> "$f"; fi',
  `printf '%s\\n' "$1" >> "$f"`,
].join('\n');

/**
 * Log in once with a password (e.g. a fresh Cirrus image: admin/admin) and add the pool key to the
 * user's authorized_keys, so that everything after uses the key. Idempotent. The password reaches
 * ssh through SSH_ASKPASS (a two-line script reading it from the environment, never a file).
 */
export async function installKey(
  target: InstallKeyTarget,
  password: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const who = `${target.user}@${target.host} port ${target.port}`;
  const base = homePaths.ssh();
  await mkdir(base, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(path.join(base, '.askpass-'));
  try {
    const askpass = path.join(dir, 'askpass');
    await writeFile(askpass, '#!/bin/sh\nprintf \'%s\\n\' "$VMWATCH_SSH_PASSWORD"\n');
    await chmod(askpass, 0o700);
    const argv = ['-F', '/dev/null', '-T', '-p', String(target.port), '-l', target.user];
    const settings: Record<string, string> = {
      UserKnownHostsFile: sshPath(target.knownHostsFile),
      GlobalKnownHostsFile: '/dev/null',
      StrictHostKeyChecking: 'accept-new',
      BatchMode: 'no',
      PreferredAuthentications: 'keyboard-interactive,password',
      PubkeyAuthentication: 'no',
      IdentityAgent: 'none',
      NumberOfPasswordPrompts: '1',
      ConnectTimeout: '10',
      LogLevel: 'ERROR',
      ...(target.hostKeyAlias === undefined ? {} : { HostKeyAlias: target.hostKeyAlias }),
    };
    for (const [key, value] of Object.entries(settings)) argv.push('-o', `${key}=${value}`);
    if (target.proxyCommand !== undefined) argv.push('-o', proxyCommandOption(target.proxyCommand));
    argv.push(target.host, ['/bin/sh', '-c', shellQuote(APPEND_KEY), 'sh', shellQuote(target.publicKey.trim())].join(' '));
    const result = await runOwned('ssh', argv, {
      env: {
        ...process.env,
        SSH_ASKPASS: askpass,
        SSH_ASKPASS_REQUIRE: 'force',
        DISPLAY: process.env.DISPLAY ?? ':0',
        VMWATCH_SSH_PASSWORD: password,
      },
      timeoutMs: options.timeoutMs ?? 60_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (result.exitCode === 0) return;
    const said = result.stderr.trim() || (result.terminationReason === 'timeout' ? 'no answer' : `ssh exit ${result.exitCode}`);
    if (result.exitCode === 255 && isLoginRefused(result.stderr)) {
      throw new LoginRefusedError(
        `could not log in to ${who} with a password to install the pool key: the login was refused (${said}). ` +
          'Check pool.user and pool.password (Cirrus images: admin/admin) and that password login is enabled.',
        1,
      );
    }
    if (result.exitCode === 255 || result.terminationReason !== undefined) {
      throw new MachineError(
        `could not log in to ${who} with a password to install the pool key: ${said}. ` +
          'Check the user and password (Cirrus images: admin/admin) and that password login is enabled.',
      );
    }
    throw new MachineError(`logged in to ${who} but could not add the pool key to ~/.ssh/authorized_keys: ${said}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
