import path from 'node:path';
import pLimit from 'p-limit';
import { ArtifactsError, errorMessage } from '../errors.ts';
import { writeAtomic, writeJsonAtomic } from '../files/writeAtomic.ts';
import { junitXml } from '../report/junit.ts';
import { RUN_LIST_FILE, runListItem } from '../report/runListItem.ts';
import type { RunSummary, TestResult } from '../report/types.ts';
import { logger } from '../log.ts';
import { createRunDir } from './runId.ts';
import type { RunControl } from './RunControl.ts';
import type { DiscoverRule } from '../config/types.ts';
import { planUnits } from './planUnits.ts';
import type { RunContext, TestJob, TimedResult } from './types.ts';
import { UnitRunner } from './UnitRunner.ts';

const log = logger('run');

export interface RunPlanOptions extends Omit<RunContext, 'runDir'> {
  into: string;
  jobs: TestJob[];
  changedFiles: string[];
  concurrency: number;
  /** At most this many shards per rule (default: `concurrency`). */
  maxShards?: number;
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

function summarize(runId: string, startedAt: Date, changedFiles: string[], results: TestResult[]): RunSummary {
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
 * Run the jobs over the pool, at most `concurrency` machines at once, and write
 * `<into>/<runId>/summary.json` and `junit.xml` (each test's files are under `<runId>/tests/`, each
 * batch's under `<runId>/batches/`). A run folder that cannot be made throws ArtifactsError before
 * any test runs; a summary that cannot be written marks the run's `error`.
 */
export async function runPlan(options: RunPlanOptions): Promise<RunOutcome> {
  const startedAt = new Date();
  const { runId, runDir } = await createRunDir(options.into, startedAt).catch((err: unknown) => {
    throw new ArtifactsError(`cannot create a run folder in ${options.into} (artifacts.into): ${errorMessage(err)}`, { cause: err });
  });
  const total = options.jobs.length;
  options.onStart?.({ runId, runDir, total });
  const concurrency = Math.max(1, options.concurrency);
  const units = planUnits(options.jobs, {
    discover: options.discover ?? [],
    machines: Math.max(1, Math.min(concurrency, options.maxShards ?? concurrency)),
    expectedMs: options.expectedMs ?? (() => undefined),
  });
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
    return;
  }
  // After the summary, so a run.json never stands for a run without one; the dashboard makes the
  // item from the summary when it is missing.
  await writeJsonAtomic(path.join(runDir, RUN_LIST_FILE), runListItem(summary.runId, summary)).catch((err: unknown) =>
    log.debug({ err, runDir }, 'could not write run.json'),
  );
}
