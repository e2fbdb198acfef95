/** How a command in a machine ended. `error` means the machine, not the test, failed. */
type ExecOutcome = 'exited' | 'timedout' | 'cancelled' | 'error';

export interface ExecResult {
  outcome: ExecOutcome;
  exitCode: number | null;
  durationMs: number;
  /** ms from the exec call to the command's process starting in the machine (when known). */
  startLatencyMs?: number;
  /** Set when outcome is `error`. */
  error?: string;
  /** With `logFile`: why the log could not be written (the command's output was drained regardless). */
  logError?: string;
}

export interface ExecOptions {
  /** Working directory inside the machine (default: the guest path). */
  cwd?: string;
  env?: Record<string, string>;
  /** stdout and stderr are appended here (host path); without it they are collected into `output`. */
  logFile?: string;
  /** With `logFile`: keep at most about this many bytes of output, its head and tail (config `output.maxBytes`). */
  logMaxBytes?: number;
  /** With `logFile`: also called with each chunk of the output as it comes (the log still gets all of it). */
  onOutput?: (chunk: Buffer | string) => void;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Let the command reach the network (snapshot setup); tests run without it on the sandbox. */
  network?: boolean;
  /**
   * Streamed to the command's stdin (it sees EOF when the stream ends); without it stdin is
   * empty. Transports that cannot stream stdin set `streamsStdin` false.
   */
  stdin?: NodeJS.ReadableStream;
  /** Host folders the command may write to at the same path (sandbox only; e.g. a package cache). */
  writableHostDirs?: string[];
}

export interface CopyOptions {
  /** rsync exclude patterns. */
  exclude?: string[];
  /** Delete files in the destination that the source no longer has (never used towards the host). */
  delete?: boolean;
  /** Send only these paths (relative to the source), when the caller knows what changed. */
  files?: string[];
  signal?: AbortSignal;
}

/** What a copy out of a machine left out for safety. */
export interface PullReport {
  /** Links in the copied folder pointing outside it (absolute, or `..` past its top): not copied, as `path -> target`. */
  droppedLinks: string[];
  /** Set when the folder itself (or a folder above it) is a symlink in the machine: nothing was copied. */
  sourceIsLink?: string;
}

/** A machine's port reachable on the host (127.0.0.1:hostPort). */
export interface PortForward {
  hostPort: number;
  guestPort: number;
}

/** Talks to one running machine: exec and copies. Built from a provider's Endpoint. */
export interface Transport {
  exec(command: string, options?: ExecOptions): Promise<ExecResult & { output?: string }>;
  copyToVM(localDir: string, guestDir: string, options?: CopyOptions): Promise<void>;
  /**
   * Copy a machine folder to the host. Links are copied as links only when they stay inside the
   * folder; a link out of it is never followed, on either side, and is reported instead; a folder
   * that is itself a link is not copied at all.
   */
  copyFromVM(guestDir: string, localDir: string, options?: CopyOptions): Promise<PullReport>;
  close(): Promise<void>;
  /** Whether exec honours `stdin` (a long-lived process fed over stdin, e.g. a warm runner). */
  readonly streamsStdin?: boolean;
  /** Wait until the machine answers (VM transports: ssh is up), then connect. */
  ready?(signal?: AbortSignal): Promise<void>;
  /** A cheap check that an idle machine still answers within `timeoutMs` (false when it does not). */
  ping?(timeoutMs: number): Promise<boolean>;
  /** Make the machine's ports reachable on the host (pool.ports); a taken host port throws PortInUseError. */
  forwardPorts?(pairs: PortForward[]): Promise<void>;
  /** Undo forwardPorts (at release); close() does it too. */
  closeForwards?(): Promise<void>;
}

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
