import type { ResolvedConfig } from '../config/types.ts';
import { logger } from '../log.ts';
import type { Notifier } from '../report/notify.ts';
import type { Progress } from '../report/progress.ts';
import type { ResultsStore } from '../report/resultsStore.ts';
import { formatRunSummary, formatTestLine } from '../report/terminal.ts';
import type { RunSummary } from '../report/types.ts';
import { runPlan, type RunOutcome } from '../schedule/runPlan.ts';
import type { RunControl } from '../schedule/RunControl.ts';
import type { TestJob } from '../schedule/types.ts';
import { orderTests, type OrderHistory } from '../select/orderTests.ts';
import type { Plan, TestCase } from '../select/types.ts';
import type { OpenPool } from './openPool.ts';
import { busyMachinesLimit } from '../providers/createProvider.ts';
import { testEnv } from '../config/testEnv.ts';

const log = logger('run');

export interface ExecuteRunOptions {
  config: ResolvedConfig;
  opened: OpenPool;
  plan: Plan;
  testCases: Map<string, TestCase>;
  progress: Progress;
  store: ResultsStore;
  notifier: Notifier;
  signal?: AbortSignal;
  /** Terminal lines go here (stderr for `run --json`, stdout otherwise). */
  out: NodeJS.WriteStream;
  color: boolean;
  /** The watcher's per-test view of the run (queued, running, cancel one). */
  control?: RunControl;
  /** What changed since a time, as the watcher saw it (partial syncs); absent: full syncs. */
  changesSince?: (at: number) => string[] | null;
  /** Told when the run ended, with its summary (the live status area shows it). */
  onSummary?: (summary: RunSummary) => void;
  /** Told the run's id when it starts (the dashboard's events). */
  onRunStart?: (runId: string) => void;
  /** Where each unit's output goes while it runs and once it ended (the dashboard's live output). */
  onLog?: (testIds: string[], file: string, live: boolean) => void;
  /** Told of each finished test (the dashboard's events). */
  onTestResult?: (result: { id: string; status: string; durationMs: number; error?: string }) => void;
}

/**
 * Order (select/orderTests.ts): what failed last time first, then tests with no history, then
 * by expected duration, longest first.
 */
function orderJobs(plan: Plan, testCases: Map<string, TestCase>, history: OrderHistory): TestJob[] {
  const jobs = plan.tests.flatMap((t) => {
    const test = testCases.get(t.id);
    return test ? [{ test, reasons: t.reasons, ...(t.cases ? { cases: t.cases } : {}) }] : [];
  });
  return orderTests(jobs, (job) => job.test.id, history);
}

/** One run of a plan: tests over the pool, a line per finished test, summary, notification. */
export async function executeRun(options: ExecuteRunOptions): Promise<RunOutcome & { summary: RunSummary }> {
  const { config, opened, plan, progress } = options;
  const jobs = orderJobs(plan, options.testCases, options.store);
  const previous = options.store.snapshot();
  const outcome = await runPlan({
    pool: opened.pool,
    root: config.root,
    guestPath: config.guestPath,
    artifactsDir: config.artifacts.dir,
    into: config.artifactsInto,
    excludes: opened.excludes,
    env: testEnv(config.pool),
    defaultTimeoutMs: 10 * 60_000,
    outputMaxBytes: config.output.maxBytes,
    jobs,
    changedFiles: plan.changedFiles,
    concurrency: config.concurrency ?? config.pool.size,
    // A batch is split no further than the machines worth keeping busy at once.
    maxShards: busyMachinesLimit(opened.provider.kind),
    retry: config.retry,
    discover: config.discover,
    expectedMs: (id) => options.store.expectedMs(id),
    ...(options.control ? { control: options.control } : {}),
    ...(options.changesSince ? { changesSince: options.changesSince } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onLog ? { onLog: options.onLog } : {}),
    onStart: ({ runId, total }) => {
      options.onRunStart?.(runId);
      log.info({ runId, tests: total }, `run ${runId}: ${total} test(s)`);
      progress.update(`run ${runId}: 0/${total} done`, { transient: true });
    },
    onResult: (result, done, total) => {
      progress.clear();
      options.out.write(`${formatTestLine(result, { color: options.color })}\n`);
      log.debug({ testId: result.id, status: result.status, timings: result.timings, error: result.error }, 'test finished');
      if (result.error) log.warn({ testId: result.id }, result.error);
      options.onTestResult?.({
        id: result.id,
        status: result.status,
        durationMs: result.durationMs,
        ...(result.error ? { error: result.error } : {}),
      });
      if (done < total) progress.update(`run: ${done}/${total} done`, { transient: true });
    },
  });
  progress.clear();
  options.out.write(`${formatRunSummary(outcome.summary, { color: options.color })}\n`);
  if (outcome.summary.error !== undefined) {
    options.out.write(`run error: ${outcome.summary.error}\n`);
    log.error({ runId: outcome.summary.runId }, outcome.summary.error);
  }
  for (const flip of options.store.record(outcome.summary)) {
    options.out.write(`~ flaky case: ${flip.id} › ${flip.name} (${flip.from}, now ${flip.to}, with no change in between)\n`);
  }
  options.onSummary?.(outcome.summary);
  await options.notifier.notifyRun(outcome.summary, previous, outcome.runDir);
  return outcome;
}
