import { spawn } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import { openCappedLog } from '../../files/cappedLog.ts';
import { MissingToolError } from '../../errors.ts';
import { killGroup, registerGroup, unregisterGroup } from '../../process/childRegistry.ts';
import { INSTALL_HINTS } from '../../process/tools.ts';
import { parseMark, stdinFrame } from './remoteCommand.ts';

export interface SupervisedOptions {
  /** Append the command's output here; without it the output is collected. */
  logFile?: string;
  /** With `logFile`: keep its head and tail, at most about this many bytes (the output is still read to the end). */
  logMaxBytes?: number;
  /** With `logFile`: also called with each chunk of the output as it comes. */
  onOutput?: (chunk: Buffer | string) => void;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Sent to the command's stdin in frames (the remote command must be supervisedCommand(..., feed = true)). */
  stdin?: NodeJS.ReadableStream;
  /** After a cancel or timeout, how long the machine gets to end the command before ssh is killed here. */
  stopGraceMs?: number;
}

export interface SupervisedRun {
  /** ssh's own exit code. */
  sshExitCode: number | null;
  /** From the supervisor: when and as which process group the command started, and its exit code. */
  startedAt?: number;
  pgid?: number;
  remoteExitCode?: number;
  remoteError?: string;
  /** What ssh (or the login shell, before the supervisor ran) said on stderr. */
  sshStderr: string;
  output?: string;
  /** With `logFile`: why it could not be written (the output was drained regardless). */
  logError?: string;
  terminationReason?: 'timeout' | 'cancel';
  durationMs: number;
}

const STDERR_KEEP = 8000;

/**
 * Run `ssh ARGV` whose remote command is the supervisor (remoteCommand.ts), owned like runOwned:
 * its own process group, registered so a vmwatch exit kills it. ssh's stdin is a pipe kept open
 * for the whole run; a cancel or timeout closes it, the supervisor in the machine kills the
 * command's process group and reports, and ssh exits. Only when the machine does not answer
 * within `stopGraceMs` is ssh itself killed (and the supervisor still sees EOF when the
 * connection carries it).
 */
export async function runSupervised(argv: string[], options: SupervisedOptions = {}): Promise<SupervisedRun> {
  const started = Date.now();
  const log = options.logFile === undefined ? undefined : await openCappedLog(options.logFile, options.logMaxBytes ?? Infinity);
  const child = spawn('ssh', argv, { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  if (log !== undefined && options.onOutput !== undefined) child.stdout?.on('data', options.onOutput);
  const logged = log === undefined || child.stdout === null ? Promise.resolve() : pipeline(child.stdout, log).catch(() => {});
  const pid = child.pid;
  if (pid !== undefined) registerGroup(pid);
  const run: SupervisedRun = { sshExitCode: null, sshStderr: '', durationMs: 0 };

  const chunks: string[] = [];
  if (log === undefined) child.stdout?.setEncoding('utf8').on('data', (d: string) => chunks.push(d));
  let pending = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    pending += d;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      onStderrLine(run, pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  });
  child.stdin?.on('error', () => {}); // EPIPE once ssh is gone
  // The pipe itself stays open (its EOF is the cancel): the command's stdin travels framed in it.
  const feed = options.stdin;
  if (feed !== undefined && child.stdin) {
    const onData = (chunk: Buffer | string): void => {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (data.length > 0 && child.stdin?.writable) child.stdin.write(stdinFrame(data));
    };
    feed.on('data', onData);
    feed.once('end', () => {
      if (child.stdin?.writable) child.stdin.write(stdinFrame(Buffer.alloc(0)));
    });
    child.once('close', () => feed.removeListener('data', onData));
  }

  const timers: NodeJS.Timeout[] = [];
  const stop = (reason: 'timeout' | 'cancel'): void => {
    if (run.terminationReason !== undefined || pid === undefined) return;
    run.terminationReason = reason;
    child.stdin?.end();
    const grace = options.stopGraceMs ?? 3000;
    timers.push(setTimeout(() => killGroup(pid, 'SIGTERM'), grace).unref());
    timers.push(setTimeout(() => killGroup(pid, 'SIGKILL'), grace + 500).unref());
  };
  const onAbort = (): void => stop('cancel');
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.timeoutMs !== undefined) timers.push(setTimeout(() => stop('timeout'), options.timeoutMs));

  try {
    run.sshExitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        reject(err.code === 'ENOENT' ? new MissingToolError('ssh', INSTALL_HINTS.ssh ?? 'install openssh-client') : err);
      });
      child.once('close', (code) => resolve(code));
    });
  } finally {
    for (const t of timers) clearTimeout(t);
    options.signal?.removeEventListener('abort', onAbort);
    if (pid !== undefined) {
      killGroup(pid, 'SIGKILL');
      unregisterGroup(pid);
    }
  }
  await logged;
  if (pending !== '') onStderrLine(run, pending);
  if (options.logFile === undefined) run.output = chunks.join('');
  if (log?.writeError !== undefined) run.logError = `could not write ${options.logFile}: ${log.writeError}`;
  run.durationMs = Date.now() - started;
  return run;
}

function onStderrLine(run: SupervisedRun, line: string): void {
  const mark = parseMark(line);
  if (mark === null) {
    if (run.sshStderr.length < STDERR_KEEP) run.sshStderr += `${line}\n`;
  } else if (mark.kind === 'started') {
    run.startedAt = Date.now();
    run.pgid = mark.pgid;
  } else if (mark.kind === 'exit') {
    run.remoteExitCode = mark.code;
  } else {
    run.remoteError = mark.message;
  }
}
