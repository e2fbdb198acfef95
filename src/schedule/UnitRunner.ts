import { rename } from 'node:fs/promises';
import path from 'node:path';
import type { LimitFunction } from 'p-limit';
import { logger } from '../log.ts';
import type { WorkUnit } from './planUnits.ts';
import type { RunControl } from './RunControl.ts';
import { batchArtifactsDir, testArtifactsDir } from './runId.ts';
import { runUnit, type UnitOutcome } from './runUnit.ts';
import type { RunContext, TestJob, TimedResult } from './types.ts';

const log = logger('schedule');

/** Worth another try: the test itself failed or hung (a machine `error` is the pool's to heal). */
function retryable(result: TimedResult): boolean {
  return result.status === 'failed' || result.status === 'timedout';
}

/**
 * Runs work units under the run's machine limit and turns what they give back into final results:
 * a batch's file without a result is rerun alone on a fresh machine, and with `retry` a failed
 * test is rerun alone (an earlier attempt's log kept as `output.attempt-N.log`; passing on a
 * rerun is `flaky`). Follow-ups queue for a machine like everything else.
 */
export class UnitRunner {
  readonly #ctx: RunContext & { control?: RunControl };
  readonly #limit: LimitFunction;
  readonly #runDir: string;
  readonly #retry: number;
  readonly #finish: (result: TimedResult) => void;
  #batches = 0;

  constructor(
    ctx: RunContext & { control?: RunControl },
    limit: LimitFunction,
    runDir: string,
    retry: number,
    finish: (result: TimedResult) => void,
  ) {
    this.#ctx = ctx;
    this.#limit = limit;
    this.#runDir = runDir;
    this.#retry = retry;
    this.#finish = finish;
  }

  async run(unit: WorkUnit): Promise<void> {
    const outcome = await this.#guarded(unit, this.#dirFor(unit));
    const followUps: Array<Promise<void>> = [];
    for (const result of outcome.results) {
      const job = unit.jobs.find((j) => j.test.id === result.id)!;
      if (this.#shouldRetry(result, 1)) followUps.push(this.#retryAlone(job, unit, result));
      else this.#finish(result);
    }
    for (const job of outcome.rerunAlone) {
      log.info({ testId: job.test.id }, `${job.test.id}: its batch ended without a result for it; running it alone`);
      followUps.push(this.run({ jobs: [job], ...(unit.rule ? { rule: unit.rule } : {}) }));
    }
    await Promise.all(followUps);
  }

  #dirFor(unit: WorkUnit): string {
    return unit.jobs.length > 1 ? batchArtifactsDir(this.#runDir, ++this.#batches) : testArtifactsDir(this.#runDir, unit.jobs[0]!.test.id);
  }

  #shouldRetry(result: TimedResult, attempt: number): boolean {
    return retryable(result) && attempt <= this.#retry && !this.#ctx.signal?.aborted;
  }

  /** Waits for a machine slot, then runs the unit with its own cancel (shared by a batch's tests). */
  #guarded(unit: WorkUnit, dir: string): Promise<UnitOutcome> {
    const control = this.#ctx.control;
    const ids = unit.jobs.map((job) => job.test.id);
    return this.#limit(async () => {
      const signal = control ? control.begin(ids, this.#ctx.signal) : this.#ctx.signal;
      const ctx: RunContext = { ...this.#ctx, ...(signal ? { signal } : {}), onAcquired: (vm, id) => control?.acquired(id, vm) };
      try {
        return await runUnit(unit, ctx, dir);
      } finally {
        control?.end(ids);
      }
    });
  }

  async #retryAlone(job: TestJob, unit: WorkUnit, first: TimedResult): Promise<void> {
    const dir = testArtifactsDir(this.#runDir, job.test.id);
    let result = first;
    let attempt = 1;
    let spentMs = 0;
    while (this.#shouldRetry(result, attempt)) {
      if (result.artifactsDir === dir) {
        await rename(path.join(dir, 'output.log'), path.join(dir, `output.attempt-${attempt}.log`)).catch(() => {});
      }
      log.info(
        { testId: job.test.id, attempt: attempt + 1, was: result.status },
        `${job.test.id} ${result.status}: rerunning it on a fresh machine`,
      );
      spentMs += result.durationMs;
      attempt++;
      const alone: WorkUnit = { jobs: [{ ...job, attempt }], ...(unit.rule ? { rule: unit.rule } : {}) };
      const outcome = await this.#guarded(alone, dir);
      result = outcome.results[0]!;
    }
    result.durationMs += spentMs;
    result.attempts = attempt;
    if (result.status === 'passed') result.status = 'flaky';
    this.#finish(result);
  }
}
