import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { isRunStart, startLoggedCli, type LogLine } from './lib/cliLog.ts';
import { demoBench } from './lib/demoHome.ts';
import { round, stats } from './lib/stats.ts';
import type { TestTimings as Timings } from '../src/schedule/types.ts';

const DEBOUNCE_MS = 150;
/** A Tart VM's stated per-test overhead: create 5 s + start 15 s + revert 3 s + sync and ssh ≈ 25 s. */
const REFERENCE_OVERHEAD_MS = 25_000;

/**
 * The whole loop on the demo app with a warm sandbox pool: save a file, then split the time until
 * the selected test's process starts in its machine into fs event, debounce, selection, acquire,
 * sync and exec start. Read from the real `vmwatch watch` process's debug log.
 */
export async function benchLoop(options: { saves: number }): Promise<Record<string, unknown>> {
  const bench = demoBench('bench-loop', {
    notify: false,
    watch: { debounceMs: DEBOUNCE_MS, ignore: ['node_modules/**', '**/__pycache__/**'] },
  });
  const { cli, lines, waitLine } = startLoggedCli(['watch', '--config', bench.project.configFile], { VMWATCH_HOME: bench.home });
  const rows: Record<string, number>[] = [];
  const overheads: number[] = [];
  let finishedTests = 0;
  let warmTests = 0;
  try {
    await cli.waitFor(/watching .* ready/, { timeoutMs: 120_000 });
    const file = path.join(bench.project.app, 'src/report.ts');
    for (let i = 0; i < options.saves; i++) {
      // Let the previous run's background reverts finish: a warm pool, as after a pause in typing.
      await new Promise((r) => setTimeout(r, 1500));
      const from = lines.length;
      const savedAt = Date.now();
      appendFileSync(file, `// bench save ${i}\n`);
      const batch = (await waitLine(from, (l) => l.msg === 'batch')).line as LogLine & {
        firstEventAt: number;
        lastEventAt: number;
        batchAt: number;
      };
      const plan = (await waitLine(from, (l) => l.msg === 'plan')).line as LogLine & {
        selectionStartAt: number;
        planAt: number;
        tests: number;
      };
      const run = await waitLine(from, isRunStart);
      const total = run.line.tests as number;
      const finished: (LogLine & { timings: Timings })[] = [];
      let at = run.index;
      while (finished.length < total) {
        const next = await waitLine(at + 1, (l) => l.msg === 'test finished');
        finished.push(next.line as LogLine & { timings: Timings });
        at = next.index;
      }
      const first = finished
        .filter((f) => f.timings.commandStartedAt !== undefined)
        .sort((a, b) => a.timings.commandStartedAt! - b.timings.commandStartedAt!)[0];
      if (!first) throw new Error('no test started in the loop benchmark');
      const t = first.timings;
      rows.push({
        fsEvent: batch.firstEventAt - savedAt,
        debounce: batch.batchAt - batch.firstEventAt,
        selection: plan.planAt - batch.batchAt,
        acquire: t.acquiredAt! - plan.planAt,
        sync: t.syncedAt! - t.acquiredAt!,
        execStart: t.commandStartedAt! - t.syncedAt!,
        saveToStart: t.commandStartedAt! - savedAt,
        tests: total,
        syncedFiles: t.syncedFiles ?? -1,
      });
      finishedTests += finished.length;
      warmTests += finished.filter((f) => f.timings.warm === true).length;
      for (const f of finished) overheads.push(f.timings.acquireMs + f.timings.syncMs + (f.timings.execStartMs ?? 0) + f.timings.pullMs);
    }
  } finally {
    cli.child.kill('SIGINT');
    await cli.exited;
    bench.cleanup();
  }
  const split = Object.fromEntries(Object.keys(rows[0] ?? {}).map((k) => [k, stats(rows.map((r) => r[k]!))]));
  const saveToStart = stats(rows.map((r) => r.saveToStart!));
  const overhead = stats(overheads);
  return {
    saves: rows.length,
    debounceMs: DEBOUNCE_MS,
    splitMs: split,
    target: { saveToStartMs: DEBOUNCE_MS + 500, met: saveToStart.median <= DEBOUNCE_MS + 500 },
    perTestOverheadMs: overhead,
    // Tests whose batch ran on a runner started ahead in its machine (Vitest and pytest rules only).
    warmHitRate: finishedTests === 0 ? 0 : round(warmTests / finishedTests, 2),
    reference: { perTestOverheadMs: REFERENCE_OVERHEAD_MS, source: 'stated Tart figures (Tart cannot run here)' },
    speedupVsReference: round(REFERENCE_OVERHEAD_MS / overhead.median),
  };
}
