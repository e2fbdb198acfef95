import { TransportError } from '../../errors.ts';
import { runOwned } from '../../process/runOwned.ts';
import type { SshEndpoint } from '../types.ts';
import type { CopyOptions, ExecOptions, PortForward, PullReport, Transport } from '../types.ts';
import { ControlMaster } from './ControlMaster.ts';
import { newControlPath } from './controlPath.ts';
import { closeForward, openForward } from './portForwards.ts';
import { copyFromMachine, copyToMachine } from './sshCopy.ts';
import { execOverSsh, type ExecReply } from './sshExec.ts';
import { sshHost } from './sshOptions.ts';
import { waitForSsh } from './waitForSsh.ts';

export interface SshTransportOptions {
  /** The master's socket (default: a fresh short path under vmwatchHome()/cm). */
  controlPath?: string;
  /** How long `ready()` waits for ssh to answer (default 60 s). */
  readyTimeoutMs?: number;
}

/**
 * exec, rsync and port forwards for a machine reached over the system `ssh`, with the pool's key
 * and known_hosts, through one multiplexed connection (ControlMaster.ts) opened on first use.
 * `close()` ends the master and its forwards; nothing it started keeps running.
 */
export class SshTransport implements Transport {
  readonly #endpoint: SshEndpoint;
  readonly #options: SshTransportOptions;
  #master: Promise<ControlMaster> | undefined;
  #forwards: PortForward[] = [];
  #closing: Promise<void> | undefined;

  constructor(endpoint: SshEndpoint, options: SshTransportOptions = {}) {
    this.#endpoint = endpoint;
    this.#options = options;
  }

  /** The master (created, not yet connected, on first use). */
  master(): Promise<ControlMaster> {
    if (this.#closing !== undefined) return Promise.reject(new TransportError(`the ssh transport to ${this.#who()} is closed`));
    this.#master ??= (async () => new ControlMaster(this.#endpoint, this.#options.controlPath ?? (await newControlPath())))();
    return this.#master;
  }

  /** stdin travels framed through the supervisor (remoteCommand.ts). */
  readonly streamsStdin = true;

  async exec(command: string, options: ExecOptions = {}): Promise<ExecReply> {
    if (this.#closing !== undefined) {
      const error = `the ssh transport to ${this.#who()} is closed`;
      return { outcome: 'error', exitCode: null, durationMs: 0, error, ...(options.logFile === undefined ? { output: '' } : {}) };
    }
    return execOverSsh(await this.master(), this.#endpoint, command, options);
  }

  async copyToVM(localDir: string, guestDir: string, options: CopyOptions = {}): Promise<void> {
    await copyToMachine({ master: await this.master(), endpoint: this.#endpoint }, localDir, guestDir, options);
  }

  async copyFromVM(guestDir: string, localDir: string, options: CopyOptions = {}): Promise<PullReport> {
    return copyFromMachine({ master: await this.master(), endpoint: this.#endpoint }, guestDir, localDir, options);
  }

  /** Wait for ssh to answer (1 s apart), then open the master. */
  async ready(signal?: AbortSignal): Promise<void> {
    await waitForSsh(this.#endpoint, {
      ...(signal ? { signal } : {}),
      ...((this.#options.readyTimeoutMs ?? this.#endpoint.readyTimeoutMs) === undefined
        ? {}
        : { timeoutMs: this.#options.readyTimeoutMs ?? this.#endpoint.readyTimeoutMs }),
    });
    await (await this.master()).ensure(signal);
  }

  /** `true` in the machine through the master, within `timeoutMs` (a dropped master is reopened). */
  async ping(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    try {
      const master = await this.master();
      await master.ensure(AbortSignal.timeout(timeoutMs));
      const left = Math.max(1, deadline - Date.now());
      const result = await runOwned('ssh', [...master.clientOptions(), sshHost(this.#endpoint), 'true'], {
        timeoutMs: left,
        output: 'ignore',
      });
      return result.exitCode === 0;
    } catch {
      return false;
    }
  }

  /** Forward each host port to the machine's port through the master; all or none. */
  async forwardPorts(pairs: PortForward[]): Promise<void> {
    const master = await this.master();
    await master.ensure();
    const opened: PortForward[] = [];
    try {
      for (const pair of pairs) {
        await openForward(master, pair);
        opened.push(pair);
      }
    } catch (err) {
      for (const pair of opened) await closeForward(master, pair).catch(() => undefined);
      throw err;
    }
    this.#forwards.push(...opened);
  }

  async closeForwards(): Promise<void> {
    const forwards = this.#forwards;
    this.#forwards = [];
    if (forwards.length === 0 || this.#master === undefined) return;
    const master = await this.#master;
    for (const pair of forwards) await closeForward(master, pair).catch(() => undefined);
  }

  /** End the master and its forwards. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#forwards = [];
      const master = await this.#master?.catch(() => undefined);
      await master?.close();
    })();
    return this.#closing;
  }

  #who(): string {
    return `${this.#endpoint.user}@${this.#endpoint.host}:${this.#endpoint.port}`;
  }
}
