import type { Provider } from '../providers/types.ts';
import type { Endpoint } from '../transport/types.ts';
import type { Transport } from '../transport/types.ts';
import type { Readiness, VM, VMMetrics } from './VM.ts';

export type SlotState = 'starting' | 'ready' | 'running' | 'cleaning' | 'failed';

export interface SlotStatus {
  index: number;
  name: string;
  state: SlotState;
  /** A ready or leased machine: whether a runner is started (`warming`) or loaded (`warm`) in it for the next test. */
  readiness?: Readiness;
  metrics: VMMetrics;
  error?: string;
}

export interface VMPoolOptions {
  provider: Provider;
  /** Turns a provider's endpoint into a transport (the pool never looks inside either). */
  connect: (endpoint: Endpoint) => Transport;
  pool: string;
  size: number;
  /** Attempts per boot or revert before a slot is marked failed. */
  attempts?: number;
  backoffMs?: number;
  onChange?: () => void;
  /** Guest ports forwarded to the host while a machine is leased (VM i: i·10000 + port). */
  ports?: number[];
  /** Sync-ahead: runs after each boot and revert, before the machine is ready (e.g. sync the current tree). */
  prepare?: (vm: VM, signal: AbortSignal) => Promise<void>;
  /** Idle machines are pinged this often; 0 (the default) turns health checks off. */
  healthCheckMs?: number;
  /** Leave ready machines running at destroy, for the next start with the same `warmKey` to adopt. */
  keepWarm?: boolean;
  /** What the machines are made from (e.g. the snapshot's build time): warm machines of another key are rebuilt. */
  warmKey?: string;
}

export interface Slot {
  index: number;
  name: string;
  state: SlotState;
  vm?: VM;
  metrics: VMMetrics;
  leasedAt?: number;
  retire: boolean;
  error?: string;
}
