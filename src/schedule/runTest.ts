import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../errors.ts';
import { dropEscapingLinks } from '../files/escapingLinks.ts';
import { ensureRealDir } from '../files/realDirs.ts';
import type { VMPool } from '../pool/VMPool.ts';
import type { VM } from '../pool/VM.ts';
import type { TestResult } from '../report/types.ts';
import type { TestCase } from '../select/types.ts';

export interface TestJob {
  test: TestCase;
  reasons: string[];
  /** 1 for the first run, 2 for the first rerun (`retry`); the command sees it as VMWATCH_ATTEMPT. */
  attempt?: number;
}

export interface RunContext {
  pool: VMPool;
  root: string;
  guestPath: string;
  /** Artifacts folder inside the machine, relative to guestPath. */
  artifactsDir: string;
  runDir: string;
  /** rsync excludes for syncing the app in. */
  excludes: string[];
  env: Record<string, string>;
  defaultTimeoutMs: number;
  /** Cap on a test's output.log (config `output.maxBytes`); unset: no cap. */
  outputMaxBytes?: number;
  signal?: AbortSignal;
  /**
   * The files changed since `at` (root-relative, deleted ones included), when the caller knows them
   * all (the watcher); null when it cannot say, and the app is synced in full.
   */
  changesSince?: (at: number) => string[] | null;
  /** Told the machine's name once the test has one. */
  onAcquired?: (vm: string) => void;
}

/** Where the host-side time of one test went (for the benchmark and the logs). */
export interface TestTimings {
  /** Epoch ms: job start, machine acquired, app synced, command running in the machine. */
  queuedAt: number;
  acquiredAt?: number;
  syncedAt?: number;
  commandStartedAt?: number;
  acquireMs: number;
  syncMs: number;
  execStartMs?: number;
  execMs: number;
  pullMs: number;
  /** Files sent by a partial sync; -1 for a full one. */
  syncedFiles?: number;
}

export type TimedResult = TestResult & { timings: TestTimings };

/** The logs vmwatch writes in a test's folder; never taken from the machine's artifacts. */
export const OWN_LOGS = ['/output.log', '/output.attempt-*.log'];

type Outcome = Pick<TestResult, 'status' | 'exitCode'> & { vm: string | null; error?: string };

/** acquire → sync the app in → run the command (output to output.log) → pull artifacts → release. */
export async function runTest(job: TestJob, ctx: RunContext, artifactsDir: string): Promise<TimedResult> {
  const started = Date.now();
  const timings: TestTimings = { queuedAt: started, acquireMs: 0, syncMs: 0, execMs: 0, pullMs: 0 };
  const logFile = path.join(artifactsDir, 'output.log');
  let commandStarted = started;
  const pulled: Pick<TestResult, 'droppedLinks' | 'artifactsNote'> = {};
  const result = (partial: Outcome): TimedResult => ({
    id: job.test.id,
    ...partial,
    durationMs: Date.now() - started,
    startedAt: new Date(commandStarted).toISOString(),
    finishedAt: new Date().toISOString(),
    reasons: job.reasons,
    artifactsDir,
    ...pulled,
    timings,
  });

  try {
    // Made component by component, never through a link; a stale log is removed, not written through.
    await ensureRealDir(ctx.runDir, path.relative(ctx.runDir, artifactsDir));
    await rm(logFile, { force: true });
  } catch (err) {
    return result({ status: 'error', exitCode: null, vm: null, error: `cannot write the test's folder: ${errorMessage(err)}` });
  }

  let vm: VM;
  try {
    vm = await ctx.pool.acquire(ctx.signal);
  } catch (err) {
    if (ctx.signal?.aborted) return result({ status: 'cancelled', exitCode: null, vm: null });
    return result({ status: 'error', exitCode: null, vm: null, error: `no machine: ${errorMessage(err)}` });
  }
  timings.acquiredAt = Date.now();
  ctx.onAcquired?.(vm.name);
  timings.acquireMs = timings.acquiredAt - started;
  try {
    const t0 = Date.now();
    // After sync-ahead the machine has the tree: send only what changed since (none: no sync at all).
    const files = vm.syncedAt === undefined ? null : (ctx.changesSince?.(vm.syncedAt) ?? null);
    if (files === null || files.length > 0) {
      await vm.copyToVM(ctx.root, ctx.guestPath, { exclude: ctx.excludes, delete: true, ...(files ? { files } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) });
    }
    if (files === null) vm.syncedAt = t0;
    timings.syncedFiles = files?.length ?? -1;
    timings.syncedAt = Date.now();
    timings.syncMs = timings.syncedAt - t0;
    commandStarted = Date.now();
    await writeFile(logFile, `$ ${job.test.command}\n# machine ${vm.name}, reasons: ${job.reasons.join('; ')}\n`, { flag: 'wx' });
    const execCalled = Date.now();
    const exec = await vm.exec(job.test.command, {
      logFile,
      ...(ctx.outputMaxBytes === undefined ? {} : { logMaxBytes: ctx.outputMaxBytes }),
      env: { ...ctx.env, VMWATCH_TEST_ID: job.test.id, VMWATCH_ATTEMPT: String(job.attempt ?? 1) },
      timeoutMs: job.test.timeoutMs ?? ctx.defaultTimeoutMs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    timings.execMs = exec.durationMs;
    if (exec.startLatencyMs !== undefined) {
      timings.execStartMs = exec.startLatencyMs;
      timings.commandStartedAt = execCalled + exec.startLatencyMs;
    }
    const t1 = Date.now();
    const report = await vm.copyFromVM(path.posix.join(ctx.guestPath, ctx.artifactsDir), artifactsDir, { exclude: OWN_LOGS });
    // rsync's --safe-links goes by the link's text; this pass also catches links that leave the
    // folder through other links.
    const droppedLinks = [...report.droppedLinks, ...(await dropEscapingLinks(artifactsDir))];
    if (droppedLinks.length > 0) pulled.droppedLinks = droppedLinks;
    if (report.sourceIsLink !== undefined) pulled.artifactsNote = report.sourceIsLink;
    timings.pullMs = Date.now() - t1;
    if (exec.logError !== undefined && exec.outcome === 'exited') {
      return result({ status: 'error', exitCode: exec.exitCode, vm: vm.name, error: exec.logError });
    }
    switch (exec.outcome) {
      case 'exited':
        return result({ status: exec.exitCode === 0 ? 'passed' : 'failed', exitCode: exec.exitCode, vm: vm.name });
      case 'timedout':
        return result({ status: 'timedout', exitCode: null, vm: vm.name });
      case 'cancelled':
        return result({ status: 'cancelled', exitCode: null, vm: vm.name });
      case 'error':
        return result({ status: 'error', exitCode: exec.exitCode, vm: vm.name, ...(exec.error ? { error: exec.error } : {}) });
    }
  } catch (err) {
    if (ctx.signal?.aborted) return result({ status: 'cancelled', exitCode: null, vm: vm.name });
    return result({ status: 'error', exitCode: null, vm: vm.name, error: errorMessage(err) });
  } finally {
    await ctx.pool.release(vm);
  }
}
