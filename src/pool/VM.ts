import type { Endpoint } from '../transport/types.ts';
import type { CopyOptions, ExecOptions, ExecResult, PullReport, Transport } from '../transport/types.ts';

export type VMStatus = 'ready' | 'running' | 'cleaning';

/** Per-machine counters shown by `pool status` and kept in summary.json. */
export interface VMMetrics {
  boots: number;
  reverts: number;
  failures: number;
  busyMs: number;
}

/** A leased machine: exec and copies go through its transport. */
export class VM {
  readonly id: string;
  readonly name: string;
  readonly index: number;
  status: VMStatus = 'ready';
  endpoint: Endpoint;
  transport: Transport;
  /** Aborted when the lease ends, so nothing keeps using a machine it gave back. */
  leaseController = new AbortController();
  /** When the app was last synced in full (epoch ms, taken when that sync started); unset after a revert. */
  syncedAt: number | undefined;

  constructor(init: { index: number; name: string; endpoint: Endpoint; transport: Transport }) {
    this.id = String(init.index);
    this.index = init.index;
    this.name = init.name;
    this.endpoint = init.endpoint;
    this.transport = init.transport;
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
