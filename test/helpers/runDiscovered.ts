import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ParsedConfig } from '../../src/config/schema.ts';
import type { VMPool } from '../../src/pool/VMPool.ts';
import type { RunSummary, TestResult } from '../../src/report/types.ts';
import { type RunOutcome, runPlan } from '../../src/schedule/runPlan.ts';
import type { RunControl } from '../../src/schedule/RunControl.ts';
import type { TestJob } from '../../src/schedule/types.ts';
import { discoverTests } from '../../src/select/discover.ts';

export interface DiscoveredRun {
  summary: RunSummary;
  byId: Record<string, TestResult>;
  outcome: RunOutcome;
}

/**
 * Run `files` as the scheduler does after a save: the config's discover rules find their tests
 * (each job's reason `changed`), runPlan runs them on `pool` from the app tree `root`, and the
 * run's summary.json is read back.
 */
export async function runDiscovered(options: {
  pool: VMPool;
  config: ParsedConfig;
  files: string[];
  root: string;
  guestPath: string;
  into: string;
  concurrency: number;
  retry?: number;
  maxShards?: number;
  cases?: Record<string, string[]>;
  control?: RunControl;
}): Promise<DiscoveredRun> {
  const jobs: TestJob[] = discoverTests(options.config, options.files).map((test) => ({
    test,
    reasons: ['changed'],
    ...(options.cases?.[test.id] ? { cases: options.cases[test.id] } : {}),
  }));
  const outcome = await runPlan({
    pool: options.pool,
    root: options.root,
    guestPath: options.guestPath,
    artifactsDir: 'test-runs',
    into: options.into,
    excludes: [],
    env: {},
    defaultTimeoutMs: 60_000,
    jobs,
    changedFiles: [],
    concurrency: options.concurrency,
    ...(options.maxShards === undefined ? {} : { maxShards: options.maxShards }),
    discover: options.config.discover,
    retry: options.retry ?? 0,
    ...(options.control ? { control: options.control } : {}),
  });
  const summary = JSON.parse(readFileSync(path.join(outcome.runDir, 'summary.json'), 'utf8')) as RunSummary;
  return { summary, byId: Object.fromEntries(summary.tests.map((t) => [t.id, t])), outcome };
}

/** The output.log of a run's batch (batches are numbered from 1 in the run's folder). */
export function batchLog(runDir: string, batch = 1): string {
  return readFileSync(path.join(runDir, 'batches', String(batch), 'output.log'), 'utf8');
}
