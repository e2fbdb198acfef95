import { pipeline } from 'node:stream/promises';
import { execa, type Options } from 'execa';
import { openCappedLog, type CappedLog } from '../files/cappedLog.ts';
import { killGroup, registerGroup, unregisterGroup } from './childRegistry.ts';

export interface RunOwnedOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /**
   * Where stdout and stderr go: collected ('pipe', the default), dropped, or appended (in order,
   * one stream) to a log file, never through a symlink; with `maxBytes` the log keeps its head and
   * tail (files/cappedLog.ts) and the output is still read to the end.
   */
  output?: 'pipe' | 'ignore' | { appendTo: string; maxBytes?: number; onChunk?: (chunk: Buffer | string) => void };
  /** Extra fds after stdio (e.g. a pipe at fd 3 for bwrap's --json-status-fd). */
  extraPipes?: number;
  input?: string;
  /** Streamed to the program's stdin (instead of `input`); the program sees EOF when it ends. */
  stdin?: NodeJS.ReadableStream;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** SIGTERM → this grace → SIGKILL. */
  killGraceMs?: number;
  /** Called with the child's extra pipes as soon as it is spawned. */
  onSpawn?: (child: { pid: number | undefined; pipes: NodeJS.ReadableStream[] }) => void;
}

export interface OwnedResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Why we ended it, when we did. */
  terminationReason?: 'timeout' | 'cancel';
  durationMs: number;
  /** With `output.appendTo`: why the log could not be written (the output was drained regardless). */
  logError?: string;
}

function outputTarget(output: RunOwnedOptions['output']): 'pipe' | 'ignore' {
  return output === 'ignore' ? 'ignore' : 'pipe';
}

/**
 * Run a program in its own process group, owned: a timeout or an abort kills the whole group
 * (SIGTERM, grace, SIGKILL), and the group is registered so a vmwatch exit kills it too.
 * Never throws for a non-zero exit; throws only when the program cannot be started.
 */
export async function runOwned(file: string, args: string[], options: RunOwnedOptions = {}): Promise<OwnedResult> {
  const started = Date.now();
  const logTo = typeof options.output === 'object' ? options.output : undefined;
  const log: CappedLog | undefined = logTo === undefined ? undefined : await openCappedLog(logTo.appendTo, logTo.maxBytes ?? Infinity);
  const stdio: Options['stdio'] = [
    options.input === undefined && options.stdin === undefined ? 'ignore' : 'pipe',
    outputTarget(options.output),
    log === undefined ? outputTarget(options.output) : 'ignore',
    ...Array.from({ length: options.extraPipes ?? 0 }, () => 'pipe' as const),
  ];
  // A log gets stdout and stderr as one pipe (stderr dup'ed onto stdout before the program
  // starts), so their lines keep the order the program wrote them in.
  const [program, argv] = log === undefined ? [file, args] : ['/bin/sh', ['-c', 'exec 2>&1; exec "$0" "$@"', file, ...args]];
  const child = execa(program, argv, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: options.env === undefined,
    stdio,
    ...(options.input === undefined ? {} : { input: options.input }),
    detached: true,
    reject: false,
    stripFinalNewline: false,
    encoding: 'utf8',
    // A log is streamed (and capped), never held in memory.
    buffer: log === undefined,
  } as Options);
  if (options.stdin !== undefined && child.stdin) {
    // The program may exit without reading it all: a closed pipe is not an error here.
    child.stdin.on('error', () => {});
    options.stdin.pipe(child.stdin);
  }
  if (logTo?.onChunk !== undefined) child.stdout?.on('data', logTo.onChunk);
  const logged = log === undefined ? Promise.resolve() : pipeline(child.stdout!, log).catch(() => {});

  let terminationReason: OwnedResult['terminationReason'];
  const pid = child.pid;
  if (pid !== undefined) registerGroup(pid);
  const terminate = (reason: 'timeout' | 'cancel'): void => {
    if (pid === undefined || terminationReason !== undefined) return;
    terminationReason = reason;
    killGroup(pid, 'SIGTERM');
    const force = setTimeout(() => killGroup(pid, 'SIGKILL'), options.killGraceMs ?? 500);
    force.unref();
  };
  const onAbort = (): void => terminate('cancel');
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => terminate('timeout'), options.timeoutMs);

  const pipes = (child.stdio as unknown[]).slice(3) as NodeJS.ReadableStream[];
  options.onSpawn?.({ pid, pipes });
  try {
    const result = await child;
    await logged;
    const logError = log?.writeError;
    return {
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      stdout: typeof result.stdout === 'string' ? result.stdout : '',
      stderr: typeof result.stderr === 'string' ? result.stderr : '',
      ...(terminationReason === undefined ? {} : { terminationReason }),
      durationMs: Date.now() - started,
      ...(logError === undefined ? {} : { logError: `could not write ${logTo!.appendTo}: ${logError}` }),
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (pid !== undefined) {
      // Whatever the leader left behind in its group goes with it.
      killGroup(pid, 'SIGKILL');
      unregisterGroup(pid);
    }
  }
}
