import { isLoginRefused, LoginRefusedError, MachineError } from '../../errors.ts';
import { runOwned } from '../../process/runOwned.ts';
import type { SshEndpoint } from '../types.ts';
import { sshHost, sshOptions } from './sshOptions.ts';

export interface WaitForSshOptions {
  /** Overall budget (default 60 s: a first macOS boot takes ~15 s, up to 45 s on some hosts). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Pause between attempts (default 1 s). */
  intervalMs?: number;
}

/**
 * Wait until the machine answers `ssh … true` with the pool key: one attempt each second, each
 * with a 1 s connect timeout, until one succeeds or `timeoutMs` passes. The error then says what
 * was tried and the last thing ssh said. A refused login (sshd answered "Permission denied") ends
 * the wait at once with a LoginRefusedError. No master: this is before a machine is handed out.
 */
export async function waitForSsh(endpoint: SshEndpoint, options: WaitForSshOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const argv = [...sshOptions(endpoint, { connectTimeoutSec: 1 }), sshHost(endpoint), 'true'];
  let lastSaid = 'no answer yet';
  let attempts = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    attempts += 1;
    const attemptStarted = Date.now();
    const result = await runOwned('ssh', argv, {
      timeoutMs: Math.max(1000, Math.min(5000, deadline - attemptStarted)),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (result.exitCode === 0) return;
    options.signal?.throwIfAborted();
    if (isLoginRefused(result.stderr)) {
      // sshd answered: the machine is up and says no to this key. Asking again gets the same answer.
      throw new LoginRefusedError(
        `ssh to ${endpoint.user}@${endpoint.host} port ${endpoint.port} was refused with key ${endpoint.identityFile}: ` +
          `${lastLine(result.stderr)}. ` +
          `Check pool.user, and that the pool key is in ~${endpoint.user}/.ssh/authorized_keys in the machine ` +
          "(run 'vmwatch snapshot build' to install it again).",
        attempts,
      );
    }
    lastSaid =
      lastLine(result.stderr) ?? (result.terminationReason === 'timeout' ? 'ssh did not finish logging in' : `ssh exit ${result.exitCode}`);
    const wait = Math.max(0, (options.intervalMs ?? 1000) - (Date.now() - attemptStarted));
    if (Date.now() + wait >= deadline) break;
    await sleep(wait, options.signal);
  }
  throw new MachineError(
    `ssh to ${endpoint.user}@${endpoint.host} port ${endpoint.port} did not answer within ${Math.round(timeoutMs / 1000)} s ` +
      `(${attempts} attempt(s) with key ${endpoint.identityFile}, known hosts ${endpoint.knownHostsFile}). Last error: ${lastSaid}. ` +
      'Check that the machine booted and got this address, that its ssh server runs (macOS: Remote Login), that the pool key is in ' +
      `~${endpoint.user}/.ssh/authorized_keys there, and, for "host key verification failed", ` +
      `that ${endpoint.knownHostsFile} holds no old key for it.`,
  );
}

function lastLine(text: string): string | undefined {
  return text
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .pop()
    ?.trim();
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
