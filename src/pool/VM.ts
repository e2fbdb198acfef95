import type { Endpoint } from '../transport/types.ts';
import type { CopyOptions, ExecOptions, ExecResult, PullReport, Transport } from '../transport/types.ts';

/** What a machine holds ready for its next test besides the synced tree: a runner loading (`warming`) or loaded (`warm`), or nothing. */
export type Readiness = 'warm' | 'warming' | 'cold';

/** Per-machine counters shown by `pool status` and kept in summary.json. */
export interface VMMetrics {
  boots: number;
  reverts: number;
  failures: number;
  busyMs: number;
}

/** A leased machine: exec and copies go through its transport. */
export class VM {
  readonly name: string;
  readonly index: number;
  endpoint: Endpoint;
  transport: Transport;
  /** Aborted when the lease ends, so nothing keeps using a machine it gave back. */
  leaseController = new AbortController();
  /**
   * When the app was last synced in full (epoch ms, taken when that sync started); unset after a
   * revert. Written only through `markSynced` (schedule/syncApp.ts) and cleared by `reconnect`.
   */
  get syncedAt(): number | undefined {
    return this.#syncedAt;
  }
  #syncedAt: number | undefined;
  /**
   * What the machine holds ready for its next test besides the synced tree, for `pool status`
   * (set by whoever started it, e.g. a warm runner); the pool only shows it.
   */
  get readiness(): Readiness {
    return this.#readiness;
  }
  set readiness(value: Readiness) {
    if (value === this.#readiness) return;
    this.#readiness = value;
    this.onReadinessChange?.();
  }
  #readiness: Readiness = 'cold';
  /** Told when `readiness` changes (the pool refreshes its status). */
  onReadinessChange: (() => void) | undefined;
  readonly #beforeRevert: Array<() => Promise<void>> = [];

  /** The whole app tree as it was at `startedAt` is now in the machine. */
  markSynced(startedAt: number): void {
    this.#syncedAt = startedAt;
  }

  /** After a revert: the machine is reached anew and holds the snapshot's tree, not the app's. */
  reconnect(endpoint: Endpoint, transport: Transport): void {
    this.endpoint = endpoint;
    this.transport = transport;
    this.#syncedAt = undefined;
  }

  constructor(init: { index: number; name: string; endpoint: Endpoint; transport: Transport }) {
    this.index = init.index;
    this.name = init.name;
    this.endpoint = init.endpoint;
    this.transport = init.transport;
  }

  /**
   * Run `fn` before the machine next reverts or is destroyed (the pool awaits it): whatever was
   * started in the machine for this clean period (e.g. a long-lived process) is ended by it.
   */
  beforeRevert(fn: () => Promise<void>): void {
    this.#beforeRevert.push(fn);
  }

  /** Run and forget the `beforeRevert` hooks (called by the pool; a failing hook is only logged by it). */
  async runBeforeRevert(): Promise<void> {
    const hooks = this.#beforeRevert.splice(0);
    const results = await Promise.allSettled(hooks.map((fn) => fn()));
    this.readiness = 'cold';
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  exec(command: string, options?: ExecOptions): Promise<ExecResult & { output?: string }> {
    return this.transport.exec(command, options);
  }

  copyToVM(localPath: string, vmPath: string, options?: CopyOptions): Promise<void> {
    return this.transport.copyToVM(localPath, vmPath, options);
  }

  copyFromVM(vmPath: string, localPath: string, options?: CopyOptions): Promise<PullReport> {
    return this.transport.copyFromVM(vmPath, localPath, options);
  }
}
