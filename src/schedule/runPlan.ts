import path from 'node:path';
import pLimit from 'p-limit';
import { ArtifactsError, errorMessage } from '../errors.ts';
import { writeAtomic, writeJsonAtomic } from '../files/writeAtomic.ts';
import { junitXml } from '../report/junit.ts';
import type { RunSummary, TestResult } from '../report/types.ts';
import { createRunDir, testArtifactsDir } from './runId.ts';
import type { RunControl } from './RunControl.ts';
import { runWithRetries } from './runWithRetries.ts';
import type { RunContext, TestJob, TimedResult } from './runTest.ts';

export interface RunPlanOptions extends Omit<RunContext, 'runDir'> {
  into: string;
  jobs: TestJob[];
  changedFiles: string[];
  concurrency: number;
  /** Per-test state and cancel for the watcher (queued, running where, cancel one). */
  control?: RunControl;
  /** Reruns of a failed or timed-out test, each on a fresh machine. */
  retry?: number;
  onStart?: (info: { runId: string; runDir: string; total: number }) => void;
  onResult?: (result: TimedResult, done: number, total: number) => void;
}

export interface RunOutcome {
  summary: RunSummary;
  runDir: string;
  results: TimedResult[];
}

export function summarize(runId: string, startedAt: Date, changedFiles: string[], results: TestResult[]): RunSummary {
  return {
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    changedFiles,
    tests: results,
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed' || r.status === 'error' || r.status === 'timedout').length,
    flaky: results.filter((r) => r.status === 'flaky').length,
  };
}

/**
 * Run the jobs over the pool, at most `concurrency` at once, and write `<into>/<runId>/summary.json`
 * and `junit.xml` (each test's files are under `<runId>/tests/`). A run folder that cannot be made
 * throws ArtifactsError before any test runs; a summary that cannot be written marks the run's
 * `error`.
 */
export async function runPlan(options: RunPlanOptions): Promise<RunOutcome> {
  const startedAt = new Date();
  const { runId, runDir } = await createRunDir(options.into, startedAt).catch((err: unknown) => {
    throw new ArtifactsError(`cannot create a run folder in ${options.into} (artifacts.into): ${errorMessage(err)}`, { cause: err });
  });
  options.onStart?.({ runId, runDir, total: options.jobs.length });
  const limit = pLimit(Math.max(1, options.concurrency));
  const ctx: RunContext = { ...options, runDir };
  let done = 0;
  const results = await Promise.all(
    options.jobs.map((job) =>
      limit(async () => {
        const id = job.test.id;
        const signal = options.control ? options.control.begin(id, ctx.signal) : ctx.signal;
        const jobCtx: RunContext = { ...ctx, ...(signal ? { signal } : {}), onAcquired: (vm) => options.control?.acquired(id, vm) };
        const result = await runWithRetries(job, jobCtx, testArtifactsDir(runDir, id), options.retry ?? 0).finally(() => options.control?.end(id));
        done++;
        options.onResult?.(result, done, options.jobs.length);
        return result;
      }),
    ),
  );
  const tests: TestResult[] = results.map(({ timings: _timings, ...r }) => r);
  const summary = summarize(runId, startedAt, options.changedFiles, tests);
  summary.machines = options.pool.status().map(({ name, state, metrics }) => ({ name, state, ...metrics }));
  await writeRunFiles(runDir, summary);
  return { summary, runDir, results };
}

/** summary.json and junit.xml; what cannot be written is the run's `error` (the summary is still returned). */
async function writeRunFiles(runDir: string, summary: RunSummary): Promise<void> {
  const summaryFile = path.join(runDir, 'summary.json');
  const junitFile = path.join(runDir, 'junit.xml');
  try {
    await writeAtomic(junitFile, await junitXml(summary));
  } catch (err) {
    summary.error = `could not write ${junitFile}: ${errorMessage(err)}`;
  }
  try {
    await writeJsonAtomic(summaryFile, summary);
  } catch (err) {
    summary.error = `could not write ${summaryFile}: ${errorMessage(err)}`;
  }
}
