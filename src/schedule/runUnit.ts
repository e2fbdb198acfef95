import { appendFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../errors.ts';
import { dropEscapingLinks } from '../files/escapingLinks.ts';
import { ensureRealDir } from '../files/realDirs.ts';
import type { VM } from '../pool/VM.ts';
import { adapterFor } from '../runners/index.ts';
import { type FileResult, RESULTS_DIR } from '../runners/types.ts';
import type { ExecResult, PullReport } from '../transport/types.ts';
import type { WorkUnit } from './planUnits.ts';
import type { RunContext, TestJob, TestTimings, TimedResult } from './types.ts';
import { BatchClock, type Expired } from './BatchClock.ts';
import { execUnit, type UnitInvocation } from './execUnit.ts';

/** The logs vmwatch writes in a test's folder; never taken from the machine's artifacts. */
const OWN_LOGS = ['/output.log', '/output.attempt-*.log', `/${RESULTS_DIR}`];

export interface UnitOutcome {
  /** Final results, one per job that got one. */
  results: TimedResult[];
  /** Jobs of a batch that ended without a result for them: each is rerun alone on a fresh machine. */
  rerunAlone: TestJob[];
}

type Outcome = Pick<TimedResult, 'status' | 'exitCode'> & Pick<Partial<TimedResult>, 'error' | 'cases' | 'durationMs'>;

type Pulled = Pick<TimedResult, 'droppedLinks' | 'artifactsNote'>;

/**
 * One work unit on one machine: acquire → sync the app → one process for all its files (a runner
 * batch) or its one command → pull artifacts and the runner's results → release. Each file gets
 * the result its runner reported; a file of a batch without one is handed back to be rerun alone,
 * never guessed.
 */
export async function runUnit(unit: WorkUnit, ctx: RunContext, unitDir: string): Promise<UnitOutcome> {
  const started = Date.now();
  const timings: TestTimings = { queuedAt: started, acquireMs: 0, syncMs: 0, execMs: 0, pullMs: 0 };
  const logFile = path.join(unitDir, 'output.log');
  const pulled: Pulled = {};
  let commandStarted = started;
  let vmName: string | null = null;
  const batchSize = unit.jobs.length > 1 ? { batchSize: unit.jobs.length } : {};
  const result = (job: TestJob, partial: Outcome): TimedResult => ({
    id: job.test.id,
    ...partial,
    durationMs: partial.durationMs ?? Date.now() - started,
    startedAt: new Date(commandStarted).toISOString(),
    finishedAt: new Date().toISOString(),
    vm: vmName,
    reasons: job.reasons,
    artifactsDir: unitDir,
    ...batchSize,
    ...(timings.warm === true ? { warm: true } : {}),
    ...pulled,
    timings: { ...timings },
  });
  const all = (partial: Outcome): UnitOutcome => ({ results: unit.jobs.map((job) => result(job, partial)), rerunAlone: [] });

  try {
    // Made component by component, never through a link; a stale log is removed, not written through.
    await ensureRealDir(ctx.runDir, path.relative(ctx.runDir, unitDir));
    await rm(logFile, { force: true });
  } catch (err) {
    return all({ status: 'error', exitCode: null, error: `cannot write the test's folder: ${errorMessage(err)}` });
  }

  let vm: VM;
  try {
    vm = await ctx.pool.acquire(ctx.signal);
  } catch (err) {
    if (ctx.signal?.aborted) return all({ status: 'cancelled', exitCode: null });
    return all({ status: 'error', exitCode: null, error: `no machine: ${errorMessage(err)}` });
  }
  vmName = vm.name;
  timings.acquiredAt = Date.now();
  timings.acquireMs = timings.acquiredAt - started;
  for (const job of unit.jobs) ctx.onAcquired?.(vm.name, job.test.id);
  // A batch whose runner says which file it is on: each file gets its own timeoutMs (BatchClock).
  const stopBatch = new AbortController();
  const clock = batchClockFor(unit, ctx, stopBatch);
  const signal = ctx.signal === undefined ? stopBatch.signal : AbortSignal.any([ctx.signal, stopBatch.signal]);
  try {
    const invocation = commandFor(unit, ctx);
    const first = unit.jobs[0]!;
    const header =
      unit.jobs.length > 1
        ? `# batch of ${unit.jobs.length} files: ${unit.jobs.map((j) => j.test.id).join(' ')}`
        : `# reasons: ${first.reasons.join('; ')}`;
    const ran = await execUnit(
      vm,
      unit,
      { ...ctx, signal },
      {
        invocation,
        header,
        logFile,
        env: {
          ...ctx.env,
          ...invocation.env,
          VMWATCH_TEST_ID: unit.jobs.length === 1 ? first.test.id : `batch:${unit.jobs.map((j) => j.test.id).join(',')}`,
          VMWATCH_ATTEMPT: String(first.attempt ?? 1),
        },
        // The batch as a whole: the sum of its files' timeouts (a bound also when no file ever starts).
        timeoutMs: unit.jobs.reduce((sum, job) => sum + timeoutOf(job, ctx), 0),
        ...(clock === undefined ? {} : { onOutput: (chunk: Buffer | string) => clock.feed(chunk) }),
      },
      timings,
    );
    clock?.stop();
    // Stopped because one file used up its time (not a cancel, and not a timer that fired after the end).
    const expired = ran.outcome === 'cancelled' && ctx.signal?.aborted !== true ? clock?.expired : undefined;
    const exec = expired === undefined ? ran : { ...ran, outcome: 'timedout' as const };
    if (expired !== undefined) {
      await appendFile(
        logFile,
        `\n# stopped: ${expired.file} ran past its timeoutMs (${expired.timeoutMs} ms) in this batch; ` +
          'the files without a result run again alone\n',
      ).catch(() => {});
    }
    commandStarted = exec.calledAt;
    timings.execMs = exec.durationMs;
    const t1 = Date.now();
    const localResults = unit.rule === undefined ? null : path.join(unitDir, RESULTS_DIR);
    if (localResults !== null) {
      // A retry writes into the same folder: the last attempt's report must not be read (or be in the way).
      await rm(localResults, { recursive: true, force: true });
      await ensureRealDir(ctx.runDir, path.relative(ctx.runDir, localResults));
    }
    // One after the other: a sandbox copy mounts the machine's overlay in its own namespace, and
    // two mounts of one upper and work folder at once can fail (seen under load).
    // A warm runner that found no artifacts folder said so: there is nothing to copy.
    if (exec.noArtifacts === true) timings.noArtifacts = true;
    const report: PullReport =
      exec.noArtifacts === true
        ? { droppedLinks: [] }
        : await vm.copyFromVM(path.posix.join(ctx.guestPath, ctx.artifactsDir), unitDir, { exclude: OWN_LOGS });
    // A warm runner sent its results folder in its output; otherwise it is copied out too.
    const resultsReport =
      localResults === null
        ? null
        : exec.results === undefined
          ? await vm.copyFromVM(path.posix.join(ctx.guestPath, RESULTS_DIR), localResults)
          : await writeSentResults(localResults, exec.results);
    // The runner's own reports are read as data: links in them are dropped like the artifacts'
    // (a test may plant one), and listed with the artifacts' only when they are artifacts.
    if (localResults !== null) await dropEscapingLinks(localResults);
    // rsync's --safe-links goes by the link's text; this pass also catches links that leave the
    // folder through other links.
    const droppedLinks = [...report.droppedLinks, ...(await dropEscapingLinks(unitDir))];
    if (droppedLinks.length > 0) pulled.droppedLinks = droppedLinks;
    if (report.sourceIsLink !== undefined) pulled.artifactsNote = report.sourceIsLink;
    let fileResults = new Map<string, FileResult>();
    let readError: string | undefined;
    if (unit.rule !== undefined && localResults !== null) {
      if (resultsReport?.sourceIsLink !== undefined) readError = `the runner's results folder is a link: ${resultsReport.sourceIsLink}`;
      try {
        fileResults = await adapterFor(unit.rule.runner).readResults(unit.rule, files(unit), localResults);
      } catch (err) {
        readError = `could not read the ${unit.rule.runner} results: ${errorMessage(err)}`;
      }
    }
    timings.pullMs = Date.now() - t1;
    if (exec.logError !== undefined && exec.outcome === 'exited')
      return all({ status: 'error', exitCode: exec.exitCode, error: exec.logError });
    if (unit.rule === undefined) return all(byExit(exec));
    return mapResults(unit, exec, fileResults, readError, result, expired);
  } catch (err) {
    if (ctx.signal?.aborted) return all({ status: 'cancelled', exitCode: null });
    return all({ status: 'error', exitCode: null, error: errorMessage(err) });
  } finally {
    clock?.stop();
    await ctx.pool.release(vm);
  }
}

function timeoutOf(job: TestJob, ctx: RunContext): number {
  return job.test.timeoutMs ?? ctx.defaultTimeoutMs;
}

/** A clock for a batch of several files whose runner prints progress lines; it stops the batch when a file runs out of time. */
function batchClockFor(unit: WorkUnit, ctx: RunContext, stopBatch: AbortController): BatchClock | undefined {
  if (unit.rule === undefined || unit.jobs.length < 2 || !adapterFor(unit.rule.runner).reportsProgress(unit.rule)) return undefined;
  const clocked = unit.jobs.map((job) => ({ file: job.test.file ?? job.test.id, timeoutMs: timeoutOf(job, ctx) }));
  return new BatchClock(clocked, () => stopBatch.abort());
}

/** The files a warm runner sent (plain names, checked when its frame was read), as a copy would have left them. */
async function writeSentResults(dir: string, sent: Map<string, Buffer>): Promise<PullReport> {
  for (const [name, bytes] of sent) await writeFile(path.join(dir, name), bytes, { flag: 'wx' });
  return { droppedLinks: [] };
}

function files(unit: WorkUnit): string[] {
  return unit.jobs.map((job) => job.test.file ?? job.test.id);
}

function commandFor(unit: WorkUnit, ctx: RunContext): UnitInvocation {
  if (unit.rule === undefined) return { command: unit.jobs[0]!.test.command };
  // Filter to cases only when every file asks for some (the runner may then run a same-named case elsewhere too).
  const adapter = adapterFor(unit.rule.runner);
  const filtered = adapter.canFilterCases(unit.rule) && unit.jobs.every((job) => job.cases !== undefined && job.cases.length > 0);
  const cases = filtered ? [...new Set(unit.jobs.flatMap((job) => job.cases ?? []))] : undefined;
  const options = { resultsDir: RESULTS_DIR, ...(cases ? { cases } : {}) };
  return { ...adapter.batchCommand(unit.rule, files(unit), options), batch: { files: files(unit), options } };
}

/** A plain command: its exit code is its result. */
function byExit(exec: ExecResult): Outcome {
  switch (exec.outcome) {
    case 'exited':
      return { status: exec.exitCode === 0 ? 'passed' : 'failed', exitCode: exec.exitCode };
    case 'timedout':
      return { status: 'timedout', exitCode: null };
    case 'cancelled':
      return { status: 'cancelled', exitCode: null };
    case 'error':
      return { status: 'error', exitCode: exec.exitCode, ...(exec.error ? { error: exec.error } : {}) };
  }
}

/** Per file: what the runner reported; without a report, a batch's file is rerun alone and a lone file's end is told as it was. */
function mapResults(
  unit: WorkUnit,
  exec: ExecResult,
  reported: Map<string, FileResult>,
  readError: string | undefined,
  result: (job: TestJob, partial: Outcome) => TimedResult,
  expired: Expired | undefined,
): UnitOutcome {
  const outcome: UnitOutcome = { results: [], rerunAlone: [] };
  for (const job of unit.jobs) {
    const name = job.test.file ?? job.test.id;
    const file = reported.get(name);
    if (file === undefined && expired?.file === name) {
      // Its verdict comes from its own run: the progress lines that stopped the batch are the
      // runner's output, which a test can print too.
      const why = `stopped its batch: ran past its timeoutMs (${expired.timeoutMs} ms) there`;
      outcome.rerunAlone.push({ ...job, reasons: [...job.reasons, why] });
    } else if (file !== undefined) {
      const passed = file.status === 'passed';
      outcome.results.push(
        result(job, {
          status: passed ? 'passed' : 'failed',
          exitCode: passed ? 0 : (exec.exitCode ?? null),
          durationMs: file.durationMs,
          cases: file.cases,
          ...(file.error ? { error: file.error } : {}),
        }),
      );
    } else if (exec.outcome === 'cancelled') {
      outcome.results.push(result(job, { status: 'cancelled', exitCode: null }));
    } else if (unit.jobs.length > 1 && exec.outcome !== 'error') {
      outcome.rerunAlone.push(job);
    } else {
      outcome.results.push(result(job, noReport(exec, unit.rule!.runner, readError)));
    }
  }
  return outcome;
}

function noReport(exec: ExecResult, runner: string, readError: string | undefined): Outcome {
  const base = byExit(exec);
  if (exec.outcome !== 'exited') return base;
  const why = readError ?? `${runner} reported no result for this file (exit ${exec.exitCode}); see output.log`;
  // A runner that died on its own is the file's failure; one that exited 0 and said nothing is vmwatch's problem.
  return exec.exitCode === 0 ? { status: 'error', exitCode: 0, error: why } : { status: 'failed', exitCode: exec.exitCode, error: why };
}
