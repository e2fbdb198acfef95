import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openCappedLog } from '../../files/cappedLog.ts';
import { logger } from '../../log.ts';
import type { VM } from '../../pool/VM.ts';
import { adapterFor } from '../../runners/index.ts';
import { WARM_LOADED_LINE, WARM_PREWARMED_LINE, WARM_READY_LINE, type RunnerRule } from '../../runners/types.ts';
import type { ExecResult } from '../../transport/types.ts';
import { readResultsFrame, type ResultsFrame, type ResultsRequest } from './resultsFrame.ts';

const log = logger('warm');

/** The one batch a warm runner takes (the runner's part comes from its adapter's `batchRun`). */
export interface WarmMessage {
  write: Array<{ path: string; base64: string; mode: number }>;
  remove: string[];
  env: Record<string, string>;
  run: unknown;
  /** Send the results folder back in the output (resultsFrame.ts). */
  results?: ResultsRequest;
}

export interface WarmStart {
  rule: RunnerRule;
  /** Where the runner writes its results, relative to the app folder (as batchCommand gets it). */
  resultsDir: string;
  /** The tests' environment (pool.env, passEnv). */
  env: Record<string, string>;
  /** Cap on its output, as on a test's output.log. */
  outputMaxBytes?: number;
  /** Let a runner that can transform the app ahead do so while it waits (default true; a one-shot run's batch comes too soon). */
  prewarm?: boolean;
}

const runners = new WeakMap<VM, WarmRunner>();

/** The machine's warm runner for `rule`, when one is started and still waiting for its batch. */
export function warmRunnerFor(vm: VM, rule: RunnerRule): WarmRunner | undefined {
  const runner = runners.get(vm);
  return runner?.waiting && sameRule(runner.rule, rule) ? runner : undefined;
}

/** The machine's warm runner, waiting or not (to stop it before anything else touches the machine). */
export function warmRunnerOf(vm: VM): WarmRunner | undefined {
  return runners.get(vm);
}

function sameRule(a: RunnerRule, b: RunnerRule): boolean {
  const key = (r: RunnerRule): string => JSON.stringify([r.runner, r.command, r.junit, r.typecheck, r.args, r.python]);
  return key(a) === key(b);
}

/**
 * A runner started in a clean, synced machine up to where it waits for its batch on stdin, so a
 * batch pays only its own changes and its tests. It takes one batch and exits; it is owned by the
 * machine's clean period: stopped (its whole process group) before the machine reverts or goes.
 * Its output goes to its own log until the batch's output.log exists, and is appended there.
 */
export class WarmRunner {
  readonly rule: RunnerRule;
  /** The machine's `syncedAt` when it started: what changed since then, it has not seen. */
  readonly loadedAt: number;
  readonly logFile: string;
  readonly #stdin = new PassThrough();
  readonly #stop = new AbortController();
  readonly #exec: Promise<ExecResult>;
  #ended = false;
  #taken = false;
  #timedOut = false;
  /** Its batch's listener on its output (progress lines), once it has its batch. */
  #onOutput: ((chunk: Buffer | string) => void) | undefined;
  /** App files it said it loaded beyond its adapter's inputs (WARM_LOADED_LINE), once it is ready. */
  #loadedFiles: ReadonlySet<string> = new Set();
  /** The results frame of its batch, once read: left out of the log when it is copied. */
  #frame: ResultsFrame | null = null;
  readonly #startedAt = Date.now();

  private constructor(vm: VM, start: WarmStart, command: { command: string; env?: Record<string, string> }, logFile: string) {
    this.rule = start.rule;
    this.loadedAt = vm.syncedAt!;
    this.logFile = logFile;
    this.#exec = vm
      .exec(command.command, {
        stdin: this.#stdin,
        logFile,
        ...(start.outputMaxBytes === undefined ? {} : { logMaxBytes: start.outputMaxBytes }),
        onOutput: (chunk) => this.#onOutput?.(chunk),
        env: { ...start.env, ...command.env },
        signal: this.#stop.signal,
      })
      .catch((err: unknown): ExecResult => ({ outcome: 'error', exitCode: null, durationMs: 0, error: String(err) }))
      .then((result) => {
        // Ended on its own before its batch (no Vitest in the app, a broken config): say why, once per start.
        if (!this.#taken) void this.#logEarlyEnd(vm.name, result);
        return result;
      })
      .finally(() => {
        this.#ended = true;
        if (runners.get(vm) === this) vm.readiness = 'cold';
      });
  }

  /**
   * Start `rule`'s warm runner in `vm` (already synced, clean), when its adapter has one and the
   * machine's transport can stream stdin; null otherwise. The machine stops it before it reverts.
   */
  static async start(vm: VM, start: WarmStart): Promise<WarmRunner | null> {
    const warm = adapterFor(start.rule.runner).warm;
    if (warm === undefined || vm.transport.streamsStdin !== true || vm.syncedAt === undefined) return null;
    const dir = await mkdtemp(path.join(tmpdir(), 'vmwatch-warm-'));
    const prewarm = start.prewarm !== false;
    const command = warm.startCommand(start.rule, { resultsDir: start.resultsDir, prewarm });
    const runner = new WarmRunner(vm, start, command, path.join(dir, 'output.log'));
    runners.set(vm, runner);
    vm.readiness = 'warming';
    runner.#watchReady(vm, prewarm && warm.prewarms === true);
    vm.beforeRevert(async () => {
      await runner.stop();
      if (runners.get(vm) === runner) runners.delete(vm);
    });
    log.debug({ vm: vm.name, runner: start.rule.runner }, 'warm runner started');
    return runner;
  }

  /**
   * The machine shows as warm once the runner says it is loaded (its log has WARM_READY_LINE); a
   * runner that `prewarms` is followed until it says that is done too (logged, for timings).
   */
  #watchReady(vm: VM, prewarms: boolean): void {
    const poll = setInterval(() => {
      if (this.#ended || this.#taken || runners.get(vm) !== this) {
        clearInterval(poll);
        return;
      }
      void readFile(this.logFile, 'utf8').then(
        (text) => {
          if (!text.includes(WARM_READY_LINE) || this.#ended || runners.get(vm) !== this) return;
          if (vm.readiness !== 'warm') {
            this.#loadedFiles = loadedFilesIn(text);
            vm.readiness = 'warm';
            log.debug({ vm: vm.name, ms: Date.now() - this.#startedAt }, 'warm runner ready');
          }
          const prewarmed = WARM_PREWARMED_LINE.exec(text);
          if (prewarms && prewarmed === null) return;
          clearInterval(poll);
          if (prewarmed !== null)
            log.debug({ vm: vm.name, modules: Number(prewarmed[1]), ms: Number(prewarmed[2]) }, 'warm runner prewarmed');
        },
        () => {},
      );
    }, 100);
    poll.unref();
  }

  /**
   * Root-relative app files the runner has loaded (the files its config imports, a conftest's
   * imports), as it said when it was ready: a change to one makes it stale, like its adapter's inputs.
   */
  get loadedFiles(): ReadonlySet<string> {
    return this.#loadedFiles;
  }

  /** Settles when its process has ended. */
  get ended(): Promise<void> {
    return this.#exec.then(() => undefined);
  }

  /** Started, not exited, and not yet given its batch. */
  get waiting(): boolean {
    return !this.#ended && !this.#taken;
  }

  /**
   * Give it its batch and wait for it to end. `timeoutMs` counts from now; `signal` cancels (the
   * runner is killed); `onOutput` gets its output from now on. Exit WARM_REFUSED_EXIT: it refused
   * the changes and ran nothing.
   */
  async run(
    message: WarmMessage,
    options: { timeoutMs: number; signal?: AbortSignal; onOutput?: (chunk: Buffer | string) => void },
  ): Promise<ExecResult & { results?: Map<string, Buffer>; noArtifacts?: boolean }> {
    this.#taken = true;
    this.#onOutput = options.onOutput;
    const started = Date.now();
    const onAbort = (): void => this.#stop.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const timer = setTimeout(() => {
      this.#timedOut = true;
      this.#stop.abort();
    }, options.timeoutMs);
    try {
      this.#stdin.end(`${JSON.stringify(message)}\n`);
      const result = await this.#exec;
      const durationMs = Date.now() - started;
      if (message.results !== undefined) this.#frame = await readResultsFrame(this.logFile, message.results.nonce);
      const results = {
        ...(this.#frame?.files ? { results: this.#frame.files } : {}),
        ...(this.#frame?.noArtifacts === true ? { noArtifacts: true } : {}),
      };
      if (this.#timedOut && result.outcome === 'cancelled') return { ...result, ...results, outcome: 'timedout', durationMs };
      return { ...result, ...results, durationMs };
    } finally {
      clearTimeout(timer);
      this.#onOutput = undefined;
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Kill it (if still running) and wait until it and its machine-side mount are gone. */
  async stop(): Promise<void> {
    this.#taken = true;
    this.#stop.abort();
    this.#stdin.end();
    await this.#exec;
    await rm(path.dirname(this.logFile), { recursive: true, force: true });
  }

  async #logEarlyEnd(vm: string, result: ExecResult): Promise<void> {
    const output = await readFile(this.logFile, 'utf8').catch(() => '');
    log.warn(
      { vm, runner: this.rule.runner, outcome: result.outcome, exitCode: result.exitCode, output: output.slice(-2000) },
      'the warm runner ended before its batch; batches on this machine run cold',
    );
  }

  /** Append its output to `file` (the batch's output.log), itself capped at `maxBytes`; its results frame is left out. */
  async appendLogTo(file: string, maxBytes?: number): Promise<void> {
    const source = await open(this.logFile, 'r').catch(() => null);
    if (source === null) return;
    const frame = this.#frame;
    const parts = async function* (): AsyncGenerator<Buffer> {
      const ranges: Array<{ start: number; end?: number }> =
        frame === null ? [{ start: 0 }] : [{ start: 0, end: frame.start - 1 }, { start: frame.end }];
      for (const range of ranges) {
        if (range.end !== undefined && range.end < range.start) continue;
        yield* source.createReadStream({ ...range, autoClose: false });
      }
    };
    try {
      await pipeline(parts, await openCappedLog(file, maxBytes ?? Infinity));
    } finally {
      await source.close().catch(() => {});
    }
  }
}

/** At most this many loaded files are kept (a bound on what a runner's output can make the host hold). */
const MAX_LOADED = 10_000;

/** The files of WARM_LOADED_LINE in a runner's log: plain root-relative paths only. */
function loadedFilesIn(text: string): ReadonlySet<string> {
  const match = WARM_LOADED_LINE.exec(text);
  if (match === null) return new Set();
  let list: unknown;
  try {
    list = JSON.parse(match[1]!);
  } catch {
    return new Set();
  }
  if (!Array.isArray(list)) return new Set();
  const plain = (f: unknown): f is string =>
    typeof f === 'string' && f !== '' && !f.startsWith('/') && !f.split('/').some((p) => p === '' || p === '.' || p === '..');
  return new Set(list.filter(plain).slice(0, MAX_LOADED));
}
