import { ConfigError, MachineError, VmwatchError } from '../../errors.ts';
import { logger } from '../../log.ts';
import { homePaths } from '../../paths.ts';
import { SnapshotMissingError } from '../SnapshotMissingError.ts';
import { requireTool } from '../../process/tools.ts';
import type { Provider } from '../types.ts';
import type { SshEndpoint } from '../../transport/types.ts';
import { machineKnownHosts } from '../../transport/ssh/poolKey.ts';
import { hintFor, tart } from './tartCli.ts';
import { listLocalVMs } from './tartList.ts';
import { TartRunProcess } from './TartRunProcess.ts';

const log = logger('tart');

/** Seconds `tart stop` may wait for a VM that is deleted right after. */
const DISCARD_GRACE_S = 2;

export interface TartProviderOptions {
  configFile: string;
  /** The pool's name: its per-machine known_hosts live under the pool's ssh folder. */
  pool: string;
  snapshot: string;
  /** Image the snapshot is built from (`snapshot build`), e.g. ghcr.io/cirruslabs/macos-sequoia-base:latest. */
  base?: string;
  cpu?: number;
  memoryMb?: number;
  guestPath: string;
  user: string;
  identityFile: string;
  knownHostsFile: string;
  /** pool.suspend: one suspended golden per slot, so a revert resumes instead of booting. */
  suspend: boolean;
  /** How long `tart ip --wait` may take, in seconds. */
  ipWaitS?: number;
  /** `tart stop --timeout`, in seconds. */
  stopTimeoutS?: number;
  /** pool.bootTimeoutMs: how long ssh may take to answer once the VM has an address. */
  bootTimeoutMs?: number;
  /** pool.keepWarm: `tart run` outlives vmwatch (not killed at exit), so VMs can be adopted next time. */
  keepWarm?: boolean;
}

/** The golden a slot's VM is cloned from when `pool.suspend` is on. */
function goldenName(name: string): string {
  return `${name}-golden`;
}

/**
 * The Tart provider, on the real `tart` CLI: clone from the snapshot, `set`, `run`
 * detached, `ip --wait`; revert = stop + delete + clone. Lifecycle only: SSH readiness and
 * everything else that talks to a running VM is the transport's.
 */
export class TartProvider implements Provider {
  readonly kind = 'tart' as const;
  readonly #o: TartProviderOptions;
  readonly #runs = new Map<string, TartRunProcess>();

  constructor(options: TartProviderOptions) {
    this.#o = options;
  }

  async check(): Promise<void> {
    requireTool('tart');
    requireTool('ssh');
    requireTool('rsync');
    const names = new Set((await listLocalVMs()).map((vm) => vm.Name));
    if (!names.has(this.#o.snapshot)) {
      throw new SnapshotMissingError(
        this.#o.snapshot,
        `No local Tart VM has that name ('tart list'). Build it with: vmwatch snapshot build`,
      );
    }
  }

  async createVM(name: string, signal?: AbortSignal): Promise<void> {
    await this.destroyVM(name);
    if (this.#o.suspend) {
      await this.#makeGolden(name, signal);
      await this.#clone(goldenName(name), name, { randomMac: false, signal });
    } else {
      await this.#clone(this.#o.snapshot, name, { randomMac: true, signal });
    }
  }

  async startVM(name: string, signal?: AbortSignal): Promise<SshEndpoint> {
    return this.#boot(name, [], signal);
  }

  /** A VM kept warm by the last run: its address if it still runs, a fresh boot if it stopped. */
  async adoptVM(name: string, signal?: AbortSignal): Promise<SshEndpoint | null> {
    const vm = (await listLocalVMs(signal)).find((v) => v.Name === name);
    if (!vm) return null;
    if (!vm.Running) return this.startVM(name, signal);
    const stdout = await tart(['ip', name, '--wait', '10'], signal ? { signal } : {});
    return this.#endpoint(name, stdout);
  }

  /** A graceful stop (the disk is kept: the snapshot builder, a kept VM). */
  async stopVM(name: string): Promise<void> {
    await this.#stop(name, this.#o.stopTimeoutS ?? 30);
  }

  /**
   * `tart stop` waits `graceS` for the guest to shut down before it forces it off. A VM about to
   * be deleted (revert, destroy, a frozen one being replaced) gets no grace worth waiting for.
   */
  async #stop(name: string, graceS: number): Promise<void> {
    const run = this.#runs.get(name);
    try {
      await tart(['stop', name, '--timeout', String(graceS)]);
    } catch (err) {
      // Not running is fine; anything else, our own process still gets stopped below.
      log.debug({ vm: name, err }, 'tart stop failed');
    }
    if (run) {
      await run.kill(5_000);
      this.#runs.delete(name);
    }
  }

  async revertToSnapshot(name: string, signal?: AbortSignal): Promise<SshEndpoint> {
    await this.#stop(name, DISCARD_GRACE_S);
    await this.#delete(name);
    const golden = this.#o.suspend ? goldenName(name) : this.#o.snapshot;
    if (this.#o.suspend && !(await this.#exists(golden))) await this.#makeGolden(name, signal);
    await this.#clone(golden, name, { randomMac: !this.#o.suspend, signal });
    return this.startVM(name, signal);
  }

  async destroyVM(name: string): Promise<void> {
    const existing = new Set((await listLocalVMs()).map((vm) => vm.Name));
    for (const vm of [name, goldenName(name)]) {
      if (!existing.has(vm) && !this.#runs.has(vm)) continue;
      await this.#stop(vm, DISCARD_GRACE_S);
      if (existing.has(vm)) await this.#delete(vm);
    }
  }

  async listVMs(prefix: string): Promise<string[]> {
    // A slot's golden counts as its slot, so a golden left alone by a crash is reaped with it.
    const names = (await listLocalVMs()).map((vm) => vm.Name).filter((n) => n.startsWith(prefix));
    return [...new Set(names.map((n) => (n.endsWith('-golden') ? n.slice(0, -'-golden'.length) : n)))];
  }

  async createBuilder(name: string, from: 'base' | 'snapshot', signal?: AbortSignal): Promise<SshEndpoint> {
    await this.destroyVM(name);
    const source = from === 'snapshot' ? this.#o.snapshot : this.#o.base;
    if (source === undefined) {
      throw new ConfigError(
        `${this.#o.configFile}: pool.base: expected the Tart image to build the snapshot from, ` +
          'e.g. "ghcr.io/cirruslabs/macos-sequoia-base:latest"',
      );
    }
    await this.#clone(source, name, { randomMac: true, signal });
    return this.startVM(name, signal);
  }

  async commitSnapshot(name: string, signal?: AbortSignal): Promise<void> {
    await this.stopVM(name);
    const snapshot = this.#o.snapshot;
    const previous = `${snapshot}-previous`;
    const names = new Set((await listLocalVMs(signal)).map((vm) => vm.Name));
    if (names.has(previous)) await this.#delete(previous);
    // Keep the old snapshot until the new one is in place, so a failure loses nothing.
    if (names.has(snapshot)) await tart(['rename', snapshot, previous], signal ? { signal } : {});
    try {
      await tart(['rename', name, snapshot], signal ? { signal } : {});
    } catch (err) {
      if (names.has(snapshot)) await tart(['rename', previous, snapshot]);
      throw err;
    }
    if (names.has(snapshot)) await this.#delete(previous);
  }

  /** `tart run` detached, then its IP; a run that ends before it has an IP is an error with Tart's words. */
  async #boot(name: string, flags: string[], signal?: AbortSignal): Promise<SshEndpoint> {
    const logFile = homePaths.tartLog(name);
    const run = new TartRunProcess(name, logFile, flags, { owned: this.#o.keepWarm !== true });
    this.#runs.set(name, run);
    const ended = run.exited.then((code) => {
      const said = run.tail() || 'no output';
      const hint = hintFor(said);
      throw new MachineError(
        `'tart run ${name}' ended (exit ${code}) before the VM had an IP: ${said}${hint ? `. ${hint}` : ''} (log: ${logFile})`,
      );
    });
    try {
      const stdout = await Promise.race([tart(['ip', name, '--wait', String(this.#o.ipWaitS ?? 120)], signal ? { signal } : {}), ended]);
      return await this.#endpoint(name, stdout);
    } catch (err) {
      await run.kill(5_000);
      this.#runs.delete(name);
      throw err instanceof VmwatchError ? err : new MachineError(`VM ${name} did not start: ${String(err)}`, { cause: err });
    } finally {
      ended.catch(() => {});
    }
  }

  /** How to reach a running VM, from what `tart ip` printed. */
  async #endpoint(name: string, ipOutput: string): Promise<SshEndpoint> {
    const host = ipOutput.trim().split('\n').pop()?.trim() ?? '';
    if (!/^[0-9a-fA-F.:]+$/.test(host)) throw new MachineError(`'tart ip ${name}' printed "${ipOutput.trim()}", not an address`);
    return {
      kind: 'ssh',
      host,
      port: 22,
      user: this.#o.user,
      identityFile: this.#o.identityFile,
      // A new clone may have a new host key: learnt afresh at each boot, pinned for the VM's life.
      knownHostsFile: await machineKnownHosts(this.#o.pool, name, { reset: true }),
      hostKeyAlias: name,
      ...(this.#o.bootTimeoutMs === undefined ? {} : { readyTimeoutMs: this.#o.bootTimeoutMs }),
      name,
      guestPath: this.#o.guestPath,
    };
  }

  /** A suspended golden for one slot: cloned with its own MAC, booted suspendable, then suspended. */
  async #makeGolden(name: string, signal?: AbortSignal): Promise<void> {
    const golden = goldenName(name);
    if (await this.#exists(golden)) return;
    await this.#clone(this.#o.snapshot, golden, { randomMac: true, signal });
    await this.#boot(golden, ['--suspendable'], signal);
    await tart(['suspend', golden], signal ? { signal } : {});
    await this.#runs.get(golden)?.exited;
    this.#runs.delete(golden);
  }

  async #clone(source: string, name: string, options: { randomMac: boolean; signal?: AbortSignal | undefined }): Promise<void> {
    const opts = options.signal ? { signal: options.signal } : {};
    await tart(['clone', source, name], opts);
    // A clone of a suspended golden keeps the golden's settings: changing them would discard the saved state.
    if (!options.randomMac && this.#o.suspend) return;
    const set = [
      ...(this.#o.cpu === undefined ? [] : ['--cpu', String(this.#o.cpu)]),
      ...(this.#o.memoryMb === undefined ? [] : ['--memory', String(this.#o.memoryMb)]),
      ...(options.randomMac ? ['--random-mac'] : []),
    ];
    if (set.length > 0) await tart(['set', name, ...set], opts);
  }

  async #exists(name: string): Promise<boolean> {
    return (await listLocalVMs()).some((vm) => vm.Name === name);
  }

  async #delete(name: string): Promise<void> {
    try {
      await tart(['delete', name]);
    } catch (err) {
      if (await this.#exists(name)) throw err;
    }
  }
}
