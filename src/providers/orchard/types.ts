/** The parts of Orchard's v1.VM that vmwatch reads (pkg/resource/v1/v1.go). */
export interface OrchardVM {
  name: string;
  uid: string;
  image?: string;
  status?: 'pending' | 'running' | 'failed';
  status_message?: string;
  worker?: string;
  labels?: Record<string, string>;
  resources?: Record<string, number>;
  conditions?: Array<{ type: string; state: string }>;
  createdAt?: string;
}

/** v1.Worker. */
export interface OrchardWorker {
  name: string;
  last_seen?: string;
  scheduling_paused?: boolean;
  resources?: Record<string, number>;
  labels?: Record<string, string>;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: OrchardVM;
}

/** Workers offer 2 of these (Apple's limit); a macOS VM takes 1. */
export const TART_VMS = 'org.cirruslabs.tart-vms';
