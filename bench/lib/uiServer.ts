// The dashboard's server alone, over a generated history, for bench/ui.ts: a child process so its
// memory is measured without the browser driver. Run with --expose-gc. Prints `rss0 MB` (before
// the server is loaded), then `ready URL`. Reads commands on stdin, one per line:
//   start RUNID N    a run-start event for N tests
//   result ID        a result event (prints `emitted ID EPOCH_MS`)
//   rss              prints `rss MB` after a full GC
import { createInterface } from 'node:readline';

const [runsDir, testsArg] = process.argv.slice(2);
const tests = Number(testsArg);
const gc = (globalThis as { gc?: () => void }).gc;
const rssMb = (): number => {
  gc?.();
  gc?.();
  return Math.round((process.memoryUsage.rss() / 1024 / 1024) * 10) / 10;
};
console.log(`rss0 ${rssMb()}`);

const { ApiServer } = await import('../../src/api/ApiServer.ts');
type Listener = (event: { type: 'state' | 'run-start' | 'result' | 'output' | 'run-end'; data: unknown }) => void;
const listeners = new Set<Listener>();
const live: { current: { runId: string; total: number; results: unknown[] } | null } = { current: null };
const emit: Listener = (event) => {
  for (const l of listeners) l(event);
};
const trend = Array.from({ length: 50 }, (_, i): [number, number, string] => [
  Date.now() - (50 - i) * 60_000,
  800 + (i % 7) * 90,
  'passed',
]);
const server = new ApiServer({
  runsDir: runsDir!,
  state: () => ({
    machines: [1, 2, 3].map((i) => ({ name: `vmwatch-bench-${i}`, state: 'ready', readiness: 'warm' })),
    queued: [],
    running: [],
    lastRun: null,
    now: Date.now(),
  }),
  history: () => ({ tests: {}, flaky: [] }),
  historyOf: () => ({ status: 'passed', durations: [800], trend }),
  flaky: () => ({ cases: [{ id: 'src/t7.test.ts', name: 'sometimes › works', flips: 2 }], tests: [{ id: 'src/t9.test.ts', times: 3 }] }),
  why: async (id) => ({ id, selected: false, reasons: [], chains: [], links: [] }),
  run: () => ({ submitted: tests }),
  liveLog: () => null,
  current: () => live.current,
  cancel: () => false,
  subscribe: (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
});
const url = await server.listen(0);
console.log(`ready ${url}`);

for await (const line of createInterface({ input: process.stdin })) {
  const [command, a, b] = line.split(' ');
  if (command === 'start')
    emit({ type: 'run-start', data: { runId: a, tests: Array.from({ length: Number(b) }, (_, i) => `x${i}`), changedFiles: [] } });
  else if (command === 'result') {
    const at = Date.now();
    const result = { id: a, status: 'passed', durationMs: 12 };
    live.current?.results.push(result);
    emit({ type: 'result', data: result });
    console.log(`emitted ${a} ${at}`);
  } else if (command === 'rss') console.log(`rss ${rssMb()}`);
}
await server.close();
