import type { ResolvedConfig } from '../../config/types.ts';
import { errorMessage } from '../../errors.ts';
import { logger } from '../../log.ts';
import type { Notifier } from '../../report/notify.ts';
import type { Progress } from '../../report/progress.ts';
import type { ResultsStore } from '../../report/resultsStore.ts';
import type { RunSummary } from '../../report/types.ts';
import type { RunControl } from '../../schedule/RunControl.ts';
import type { Plan, TestCase } from '../../select/types.ts';
import { executeRun } from '../executeRun.ts';
import type { OpenPool } from '../openPool.ts';
import { DaemonEvents } from './DaemonEvents.ts';
import { LiveLogs } from './liveLogs.ts';

const log = logger('watch');

export interface WatchRunsOptions {
  config: ResolvedConfig;
  signal: AbortSignal;
  progress: Progress;
  store: ResultsStore;
  notifier: Notifier;
  out: NodeJS.WriteStream;
  /** The pool, once open (the scheduler runs nothing before). */
  pool: () => OpenPool;
  testCases: () => readonly TestCase[];
  /** What changed since a time, from the watcher's journal (partial syncs). */
  changesSince: (at: number) => string[] | null;
}

/**
 * The run side of the daemon: each plan the scheduler starts becomes a run (executeRun), and
 * what happens is told to the dashboard (events, live logs). It keeps the last plan (`w`) and
 * the last run (the status area).
 */
export class WatchRuns {
  readonly events = new DaemonEvents();
  readonly liveLogs = new LiveLogs(this.events);
  lastPlan: Plan | null = null;
  lastRun: RunSummary | null = null;
  /** The run in progress with its results so far (a page opened mid-run reads it), or null. */
  current: { runId: string; total: number; results: unknown[] } | null = null;
  readonly #o: WatchRunsOptions;

  constructor(options: WatchRunsOptions) {
    this.#o = options;
  }

  async execute(plan: Plan, control: RunControl): Promise<void> {
    const o = this.#o;
    this.lastPlan = plan;
    try {
      await executeRun({
        config: o.config,
        opened: o.pool(),
        plan,
        testCases: new Map(o.testCases().map((t) => [t.id, t])),
        progress: o.progress,
        store: o.store,
        notifier: o.notifier,
        signal: o.signal,
        out: o.out,
        color: o.out.isTTY === true,
        control,
        changesSince: o.changesSince,
        onRunStart: (runId) => {
          this.current = { runId, total: plan.tests.length, results: [] };
          this.liveLogs.start(runId);
          this.events.emit('run-start', { runId, tests: plan.tests.map((t) => t.id), changedFiles: plan.changedFiles });
        },
        onLog: (ids, file, live) => this.liveLogs.set(ids, file, live),
        onSummary: (summary) => {
          this.current = null;
          this.liveLogs.end();
          this.lastRun = summary;
          this.events.emit('run-end', summary);
        },
        onTestResult: (result) => {
          this.current?.results.push(result);
          this.events.emit('result', result);
        },
      });
    } catch (err) {
      log.error({ err }, `run failed: ${errorMessage(err)}`);
    } finally {
      this.current = null;
    }
  }

  /** The machines changed: tell the dashboard. */
  poolChanged(machines: unknown): void {
    this.events.emit('state', { machines });
  }

  close(): void {
    this.liveLogs.close();
  }
}
