import type { DiscoverRule } from '../config/types.ts';
import { adapterFor } from '../runners/index.ts';
import type { RunnerRule } from '../runners/types.ts';
import type { TestJob } from './types.ts';

/**
 * What one machine runs in one go: a single test (a named suite, a `command` file, a rule with
 * `batch: false`), or a shard of one discover rule's files run by one runner process.
 */
export interface WorkUnit {
  jobs: TestJob[];
  /** The runner rule when the unit goes through an adapter (results per file and per case). */
  rule?: RunnerRule;
  /** Set for shards: the rule's index, so logs and folders can name it. */
  batchOf?: number;
}

export interface PlanUnitsOptions {
  discover: readonly DiscoverRule[];
  /** Machines that can take a shard at once (the run's concurrency). */
  machines: number;
  /** Expected duration of a test from history; undefined when it never ran. */
  expectedMs: (id: string) => number | undefined;
}

/** When a file has no history: assume it is as long as the median of those that have one (else 1 s). */
function estimator(jobs: readonly TestJob[], expectedMs: (id: string) => number | undefined): (job: TestJob) => number {
  const known = jobs
    .map((job) => expectedMs(job.test.id))
    .filter((ms): ms is number => ms !== undefined)
    .sort((a, b) => a - b);
  const fallback = known.length === 0 ? 1000 : (known[known.length >> 1] as number);
  return (job) => expectedMs(job.test.id) ?? fallback;
}

/**
 * Longest processing time first: jobs sorted by expected duration, each given to the shard with
 * the least expected work so far. Never more shards than jobs, nor so many that a shard expects
 * less than `minShardMs` of work (one runner start beats two for a few fast files); empty shards
 * are dropped. Within a shard, the order of `jobs` is kept (failing-first ordering survives).
 */
export function lptShards(
  jobs: readonly TestJob[],
  count: number,
  expectedMs: (id: string) => number | undefined,
  minShardMs = 0,
): TestJob[][] {
  const estimate = estimator(jobs, expectedMs);
  const total = jobs.reduce((sum, job) => sum + estimate(job), 0);
  const worthIt = minShardMs > 0 ? Math.floor(total / minShardMs) : Infinity;
  const n = Math.max(1, Math.min(count, jobs.length, worthIt));
  const loads = Array.from({ length: n }, () => ({ total: 0, members: new Set<TestJob>() }));
  const longestFirst = [...jobs].sort((a, b) => estimate(b) - estimate(a) || (a.test.id < b.test.id ? -1 : 1));
  for (const job of longestFirst) {
    const lightest = loads.reduce((best, load) => (load.total < best.total ? load : best));
    lightest.total += estimate(job);
    lightest.members.add(job);
  }
  return loads.map((load) => jobs.filter((job) => load.members.has(job))).filter((shard) => shard.length > 0);
}

/** The runner rule of a discovered test, or undefined when it runs as a plain command. */
function runnerRuleOf(job: TestJob, discover: readonly DiscoverRule[]): (RunnerRule & { batch: boolean }) | undefined {
  const { test } = job;
  if (test.kind !== 'discovered' || test.rule === undefined) return undefined;
  const rule = discover[test.rule];
  if (rule === undefined) return undefined;
  return runnerRuleFrom(rule);
}

/** The first discover rule whose runner can be started ahead of its batch (to warm clean machines with). */
export function warmRuleOf(discover: readonly DiscoverRule[]): RunnerRule | undefined {
  for (const rule of discover) {
    const runnerRule = runnerRuleFrom(rule);
    if (runnerRule === undefined || !runnerRule.batch || adapterFor(runnerRule.runner).warm === undefined) continue;
    const { batch: _batch, ...warm } = runnerRule;
    return warm;
  }
  return undefined;
}

function runnerRuleFrom(rule: DiscoverRule): (RunnerRule & { batch: boolean }) | undefined {
  const runnerRule: RunnerRule & { batch: boolean } = { runner: rule.runner ?? 'command', batch: rule.batch };
  if (rule.command !== undefined) runnerRule.command = rule.command;
  if (rule.junit !== undefined) runnerRule.junit = rule.junit;
  if (rule.typecheck !== undefined) runnerRule.typecheck = rule.typecheck;
  if (rule.args !== undefined) runnerRule.args = rule.args;
  if (rule.python !== undefined) runnerRule.python = rule.python;
  // A plain command says nothing per file but through JUnit: without it, its exit code is its result.
  if (runnerRule.runner === 'command' && runnerRule.junit === undefined) return undefined;
  return adapterFor(runnerRule.runner).needsOneFilePerBatch(runnerRule) ? { ...runnerRule, batch: false } : runnerRule;
}

/**
 * Split the jobs into work units: the batchable jobs of each discover rule into one shard per
 * machine (LPT-balanced), everything else one unit per job. Units come back in the jobs' order of
 * first appearance, so what failed last time still starts first.
 */
export function planUnits(jobs: readonly TestJob[], options: PlanUnitsOptions): WorkUnit[] {
  const byRule = new Map<number, TestJob[]>();
  const units: Array<WorkUnit | number> = [];
  for (const job of jobs) {
    const rule = runnerRuleOf(job, options.discover);
    if (rule === undefined) {
      units.push({ jobs: [job] });
    } else if (!rule.batch || (job.cases !== undefined && rule.runner === 'pytest')) {
      // pytest filters exactly only by node ids, which name one file: a case rerun runs alone.
      const { batch: _batch, ...runnerRule } = rule;
      units.push({ jobs: [job], rule: runnerRule });
    } else {
      const index = job.test.rule as number;
      if (!byRule.has(index)) {
        byRule.set(index, []);
        units.push(index);
      }
      byRule.get(index)!.push(job);
    }
  }
  return units.flatMap((unit) => {
    if (typeof unit !== 'number') return [unit];
    const ruleJobs = byRule.get(unit)!;
    const { batch: _batch, ...rule } = runnerRuleOf(ruleJobs[0]!, options.discover)!;
    const minShardMs = options.discover[unit]?.minShardMs ?? 0;
    return lptShards(ruleJobs, options.machines, options.expectedMs, minShardMs).map((shard) => ({ jobs: shard, rule, batchOf: unit }));
  });
}
