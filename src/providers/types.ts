/**
 * How to reach a machine. A provider returns one; `transport/` turns it into exec/copy.
 * The pool passes it along without looking inside.
 */
export type Endpoint = SandboxEndpoint | SshEndpoint;

export interface SandboxEndpoint {
  kind: 'sandbox';
  /** The snapshot tree (overlay lower layer, read-only, shared). */
  lowerDir: string;
  /** This machine's writable layer; dropping it is the revert. */
  upperDir: string;
  workDir: string;
  /** Host mount point of the merged tree, inside a private mount namespace only. */
  mergedDir: string;
  /** Where the merged tree appears inside the machine. */
  guestPath: string;
  hostname: string;
}

export interface SshEndpoint {
  kind: 'ssh';
  host: string;
  port: number;
  user: string;
  identityFile: string;
  knownHostsFile: string;
  guestPath: string;
  /** The machine's name: VMWATCH_MACHINE in its commands (ssh transport). */
  name?: string;
  /**
   * The name its host key is pinned under in `knownHostsFile` instead of host:port (ssh
   * HostKeyAlias), so a machine that comes back at another address is still recognised.
   */
  hostKeyAlias?: string;
  /** How long the transport may wait for ssh to answer after a boot (pool.bootTimeoutMs). */
  readyTimeoutMs?: number;
  /**
   * A program ssh runs to reach the machine instead of connecting to host:port (ssh's
   * ProxyCommand), as an argv: e.g. vmwatch's Orchard port-forward bridge. rsync and every
   * other ssh use go through it too.
   */
  proxyCommand?: string[];
}

/**
 * Machine lifecycle only (the reference's TartAdapter): create, start, stop, revert, destroy, and
 * list what exists. It knows nothing of pools, tests or transports.
 */
export interface Provider {
  readonly kind: 'sandbox' | 'tart' | 'orchard' | 'hybrid';
  /** Check tools and the snapshot before anything is created; throws a VmwatchError a user can act on. */
  check(): Promise<void>;
  /** Make a machine from the snapshot; one that already has this name is replaced. */
  createVM(name: string, signal?: AbortSignal): Promise<void>;
  startVM(name: string, signal?: AbortSignal): Promise<Endpoint>;
  stopVM(name: string): Promise<void>;
  /** Back to the snapshot's state; returns the (possibly new) endpoint, ready to use. */
  revertToSnapshot(name: string, signal?: AbortSignal): Promise<Endpoint>;
  /** Stop if needed and delete. Idempotent: a machine that does not exist is not an error. */
  destroyVM(name: string): Promise<void>;
  /** A machine to build or update the snapshot in: from the base image, or from the current snapshot. */
  createBuilder(name: string, from: 'base' | 'snapshot', signal?: AbortSignal): Promise<Endpoint>;
  /** Save the builder as the pool's snapshot (replacing the old one) and remove the builder. */
  commitSnapshot(name: string, signal?: AbortSignal): Promise<void>;
  /** A machine left running on purpose (pool.keepWarm) taken over as it is: its endpoint, or null when it is not usable. */
  adoptVM?(name: string, signal?: AbortSignal): Promise<Endpoint | null>;
  /** Names of existing machines starting with `prefix` (to reap a crashed run's orphans). */
  listVMs(prefix: string): Promise<string[]>;
}
