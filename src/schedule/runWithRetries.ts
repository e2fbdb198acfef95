import { rename } from 'node:fs/promises';
import path from 'node:path';
import { logger } from '../log.ts';
import { runTest, type RunContext, type TestJob, type TimedResult } from './runTest.ts';

const log = logger('schedule');

/** Worth another try: the test itself failed or hung (a machine `error` is the pool's to heal). */
function retryable(result: TimedResult): boolean {
  return result.status === 'failed' || result.status === 'timedout';
}

/**
 * Run a test, and with `retry` > 0 rerun a failed one on a fresh machine from the pool. An earlier
 * attempt's log is kept as `output.attempt-N.log`. Passing on a rerun is `flaky`, not `passed`.
 */
export async function runWithRetries(job: TestJob, ctx: RunContext, artifactsDir: string, retry: number): Promise<TimedResult> {
  let result = await runTest(job, ctx, artifactsDir);
  let attempt = 1;
  while (retryable(result) && attempt <= retry && !ctx.signal?.aborted) {
    await rename(path.join(artifactsDir, 'output.log'), path.join(artifactsDir, `output.attempt-${attempt}.log`)).catch(() => {});
    log.info({ testId: job.test.id, attempt: attempt + 1, was: result.status }, `${job.test.id} ${result.status}: rerunning it on a fresh machine`);
    const firstDurationMs = result.durationMs;
    attempt++;
    result = await runTest({ ...job, attempt }, ctx, artifactsDir);
    result.durationMs += firstDurationMs;
  }
  if (attempt > 1) {
    result.attempts = attempt;
    if (result.status === 'passed') result.status = 'flaky';
  }
  return result;
}
