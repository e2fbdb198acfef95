import { writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
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

/** Write beside, then rename: a reader never sees half a file. */
export async function writeTextAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

export function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  return writeTextAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
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

/** Run the jobs over the pool, at most `concurrency` at once, and write `<into>/<runId>/summary.json`. */
export async function runPlan(options: RunPlanOptions): Promise<RunOutcome> {
  const startedAt = new Date();
  const { runId, runDir } = await createRunDir(options.into, startedAt);
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
  await writeJsonAtomic(path.join(runDir, 'summary.json'), summary);
  await writeTextAtomic(path.join(runDir, 'junit.xml'), await junitXml(summary));
  return { summary, runDir, results };
}
