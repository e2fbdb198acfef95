import { spawn, type ChildProcess } from 'node:child_process';
import { lstat, rm } from 'node:fs/promises';
import type { SshEndpoint } from '../types.ts';
import { MissingToolError, TransportError } from '../../errors.ts';
import { killGroup, registerGroup, unregisterGroup } from '../../process/childRegistry.ts';
import { runOwned, type OwnedResult } from '../../process/runOwned.ts';
import { logger } from '../../log.ts';
import { INSTALL_HINTS } from '../../process/tools.ts';
import { sshHost, sshOptions } from './sshOptions.ts';

const log = logger('transport/ssh');

const START_TIMEOUT_MS = 30_000;

/**
 * One multiplexed ssh connection to a machine: a foreground `ssh -M -N` that we own (its own
 * process group, registered so a vmwatch exit kills it), and that exec, rsync and port forwards
 * share through its socket. ControlPersist is not used on purpose: it daemonizes the master
 * (fork + setsid), out of our reach if vmwatch dies. A master that dropped (the machine rebooted)
 * is started again by the next `ensure()`; clients whose socket is gone connect directly.
 */
export class ControlMaster {
  readonly socketPath: string;
  readonly #endpoint: SshEndpoint;
  #child: ChildProcess | undefined;
  #starting: Promise<void> | undefined;
  #stderr = '';
  #closed = false;

  constructor(endpoint: SshEndpoint, socketPath: string) {
    this.#endpoint = endpoint;
    this.socketPath = socketPath;
  }

  /** ssh options for a client multiplexed through this master. */
  clientOptions(connectTimeoutSec?: number): string[] {
    return sshOptions(this.#endpoint, { controlPath: this.socketPath, ...(connectTimeoutSec === undefined ? {} : { connectTimeoutSec }) });
  }

  /** The master's pid while it runs (for tests and `pool status`). */
  get pid(): number | undefined {
    return this.#running() ? this.#child?.pid : undefined;
  }

  /** Connect, unless a master is already up (or coming up). */
  async ensure(signal?: AbortSignal): Promise<void> {
    if (this.#closed) throw new TransportError(`the ssh connection to ${this.#who()} was closed`);
    if (this.#starting === undefined) {
      // Failed, or up and later dropped: the next ensure() starts a new master.
      const forget = (): void => {
        if (this.#starting === starting) this.#starting = undefined;
      };
      const starting = this.#start(forget);
      this.#starting = starting;
      starting.catch(forget);
    }
    await raceAbort(this.#starting, signal);
  }

  /** `ssh -O <op>` against the master (forward, cancel, check, exit). */
  control(op: string, extra: string[] = [], timeoutMs = 10_000): Promise<OwnedResult> {
    return runOwned('ssh', [...this.clientOptions(), '-O', op, ...extra, sshHost(this.#endpoint)], { timeoutMs });
  }

  /** End the master (`ssh -O exit`, then signals if it does not go) and with it every forward. */
  async close(): Promise<void> {
    this.#closed = true;
    const child = this.#child;
    if (child !== undefined && this.#running()) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await this.control('exit', [], 5000).catch(() => undefined);
      if (!(await within(exited, 2000)) && child.pid !== undefined) {
        killGroup(child.pid, 'SIGTERM');
        if (!(await within(exited, 1000))) killGroup(child.pid, 'SIGKILL');
        await within(exited, 1000);
      }
    }
    await rm(this.socketPath, { force: true });
  }

  async #start(onExit: () => void): Promise<void> {
    await rm(this.socketPath, { force: true }); // ssh -M beside a stale socket would run unmultiplexed
    this.#stderr = '';
    const argv = [...sshOptions(this.#endpoint, { controlPath: this.socketPath, master: true }), '-N', sshHost(this.#endpoint)];
    const child = spawn('ssh', argv, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    this.#child = child;
    const pid = child.pid;
    if (pid !== undefined) registerGroup(pid);
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (this.#stderr.length < 4000) this.#stderr += d;
    });
    let spawnError: Error | undefined;
    const exited = new Promise<void>((resolve) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        spawnError = err.code === 'ENOENT' ? new MissingToolError('ssh', INSTALL_HINTS.ssh ?? 'install openssh-client') : err;
        resolve();
      });
      child.once('exit', (code, signal) => {
        log.debug({ host: this.#who(), pid, code, signal, stderr: this.#stderr.trim() }, 'ssh master ended');
        if (pid !== undefined) unregisterGroup(pid);
        onExit();
        resolve();
      });
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (await isSocket(this.socketPath)) {
        log.debug({ host: this.#who(), pid, socket: this.socketPath }, 'ssh master connected');
        return;
      }
      if (await within(exited, 25)) {
        if (spawnError !== undefined) throw spawnError;
        const said = this.#stderr.trim() || 'no message';
        throw new TransportError(`could not open an ssh connection to ${this.#who()}: ${said}`);
      }
      if (Date.now() > deadline) {
        if (pid !== undefined) killGroup(pid, 'SIGKILL');
        throw new TransportError(`the ssh connection to ${this.#who()} was not up after ${START_TIMEOUT_MS / 1000} s`);
      }
    }
  }

  #running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  #who(): string {
    return `${this.#endpoint.user}@${this.#endpoint.host}:${this.#endpoint.port}`;
  }
}

async function isSocket(file: string): Promise<boolean> {
  try {
    return (await lstat(file)).isSocket();
  } catch {
    return false;
  }
}

/** True when `p` settled (or rejected) within `ms`. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      p.then(
        () => true as const,
        () => true as const,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return p;
  signal.throwIfAborted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new TransportError('cancelled', { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([p, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
