import { runUnit } from './runUnit.ts';
import type { RunContext, TestJob, TimedResult } from './types.ts';

/** One test alone on one machine, as a plain command (its exit code is its result). */
export async function runTest(job: TestJob, ctx: RunContext, artifactsDir: string): Promise<TimedResult> {
  const { results } = await runUnit({ jobs: [job] }, ctx, artifactsDir);
  return results[0]!;
}
