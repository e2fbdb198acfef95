// A Vitest reporter for the runners benchmark: one JSON line per event, appended to the file named
// by VMWATCH_BENCH_EVENTS, with the wall-clock time it happened. Vitest loads it by absolute path,
// so it lives here and never inside the checkout it measures.
import { appendFileSync } from 'node:fs';

const out = process.env.VMWATCH_BENCH_EVENTS;

function write(event) {
  if (out) appendFileSync(out, `${JSON.stringify({ ...event, at: Date.now() })}\n`);
}

export default class VitestEventsReporter {
  onWatcherRerun(files, trigger) {
    write({ event: 'rerun', files, trigger });
  }

  onTestRunStart(specifications) {
    write({ event: 'start', files: specifications.map((spec) => spec.moduleId) });
  }

  onTestRunEnd(testModules, unhandledErrors, reason) {
    write({
      event: 'end',
      reason,
      errors: unhandledErrors.length,
      files: testModules.map((m) => m.moduleId),
      durationsMs: testModules.map((m) => m.diagnostic().duration),
    });
  }
}
