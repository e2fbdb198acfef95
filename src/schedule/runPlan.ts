import { writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { junitXml } from '../report/junit.ts';
import type { RunSummary, TestResult } from '../report/types.ts';
import { createRunDir } from './runId.ts';
import type { RunControl } from './RunControl.ts';
import type { DiscoverRule } from '../config/types.ts';
import { planUnits } from './planUnits.ts';
import type { RunContext, TestJob, TimedResult } from './types.ts';
import { UnitRunner } from './UnitRunner.ts';

export interface RunPlanOptions extends Omit<RunContext, 'runDir'> {
  into: string;
  jobs: TestJob[];
  changedFiles: string[];
  concurrency: number;
  /** Per-test state and cancel for the watcher (queued, running where, cancel one). */
  control?: RunControl;
  /** Reruns of a failed or timed-out test, each on a fresh machine. */
  retry?: number;
  /** The config's discover rules: tests found by a runner rule run in batches through its adapter. */
  discover?: readonly DiscoverRule[];
  /** Expected duration per test id (history), to balance batches. */
  expectedMs?: (id: string) => number | undefined;
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

/** Run the jobs over the pool, at most `concurrency` machines at once, and write `<into>/<runId>/summary.json`. */
export async function runPlan(options: RunPlanOptions): Promise<RunOutcome> {
  const startedAt = new Date();
  const { runId, runDir } = await createRunDir(options.into, startedAt);
  const total = options.jobs.length;
  options.onStart?.({ runId, runDir, total });
  const concurrency = Math.max(1, options.concurrency);
  const units = planUnits(options.jobs, { discover: options.discover ?? [], machines: concurrency, expectedMs: options.expectedMs ?? (() => undefined) });
  const results: TimedResult[] = [];
  const finish = (result: TimedResult): void => {
    results.push(result);
    options.onResult?.(result, results.length, total);
  };
  const runner = new UnitRunner({ ...options, runDir }, pLimit(concurrency), runDir, options.retry ?? 0, finish);
  await Promise.all(units.map((unit) => runner.run(unit)));
  const byId = new Map(results.map((r) => [r.id, r]));
  const tests: TestResult[] = options.jobs.flatMap((job) => {
    const found = byId.get(job.test.id);
    if (found === undefined) return [];
    const { timings: _timings, ...r } = found;
    return [r];
  });
  const summary = summarize(runId, startedAt, options.changedFiles, tests);
  summary.machines = options.pool.status().map(({ name, state, metrics }) => ({ name, state, ...metrics }));
  await writeJsonAtomic(path.join(runDir, 'summary.json'), summary);
  await writeTextAtomic(path.join(runDir, 'junit.xml'), await junitXml(summary));
  return { summary, runDir, results };
}
