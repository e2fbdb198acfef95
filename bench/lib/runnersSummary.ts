import { round, stats } from './stats.ts';

/** One edit's samples: one per round and side (watch mode and one-shot). */
export interface EditRow {
  file: string;
  importedBy: number;
  vitestWatch: { ms: number[]; files: string[] };
  vitestRelatedCold: { ms: number[]; files: string[] };
  vmwatch: Record<string, { watchMs: number[]; watchFiles: string[]; runMs: number[]; runFiles: string[]; notPassed: string[] }>;
}

/** A round: the order its sides were measured in. Round r's samples are index r of each list. */
export interface RoundRow {
  order: string[];
}

/** The median, unrounded (stats() rounds to 0.1, too coarse for a ratio). */
function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor(mid)]! + sorted[Math.ceil(mid)]!) / 2;
}
const defined = (xs: Array<number | undefined>): number[] => xs.filter((x): x is number => x !== undefined);

/** Ratios of `a` to `b` sample by sample (same edit, same round), where both were measured. */
function pairedRatios(a: number[], b: number[]): number[] {
  return a.flatMap((x, i) => (b[i] === undefined ? [] : [x / b[i]]));
}

/** The runners benchmark's JSON: how it was measured, per edit, per round, and the ratios against Vitest. */
export function summarizeRunners(input: {
  repo: string;
  commit: string;
  app: string;
  vitestArgs: string[];
  picked: { candidates: number; tests: number };
  rows: EditRow[];
  rounds: RoundRow[];
  vm: Record<string, unknown>;
}): Record<string, unknown> {
  const { rows, rounds } = input;
  const pools = Object.keys(rows[0]?.vmwatch ?? {});
  /** Round r's median over edits, for one side's samples. */
  const roundMedian = (r: number, samples: (row: EditRow) => number[]): number => median(defined(rows.map((row) => samples(row)[r])));
  const out: Record<string, unknown> = {
    repo: {
      path: input.repo,
      commit: input.commit,
      app: input.app,
      testFiles: input.picked.tests,
      candidatesForEdit: input.picked.candidates,
    },
    how: {
      edit:
        'a comment line appended to the module, restored afterwards; ' +
        'modules with 5–30 importing test files (vmwatch import graph), spread over that range',
      rounds:
        `${rounds.length} round(s); in each, every side gets one save per edit in watch mode (the order of the sides rotates ` +
        'from round to round), then each edit is timed one-shot on every side back to back. A watch ratio is taken ' +
        'within a round (medians over the edits), a one-shot ratio within a pair (same edit, same round); the figure ' +
        'is the median of those ratios',
      vitest:
        `its own config, ${input.vitestArgs.join(' ')} (the *.test.ts files; types/prop projects left out on both sides); ` +
        'watch: time from the write to onTestRunEnd of the rerun; cold: a new `vitest related FILE --run` process, wall time',
      vmwatch:
        'sandbox pool, `vmwatch watch`: the write → the run summary finishedAt; ' +
        '`vmwatch run --json` wall time (pool start included) with only that edit in the working tree',
    },
    edits: rows.map((r) => ({
      file: r.file,
      importedBy: r.importedBy,
      vitestWatchMs: stats(r.vitestWatch.ms),
      vitestWatchFiles: r.vitestWatch.files.length,
      vitestRelatedColdMs: stats(r.vitestRelatedCold.ms),
      vitestRelatedFiles: r.vitestRelatedCold.files.length,
      vitestWatchSameFilesAsRelated: sameFiles(r.vitestWatch.files, r.vitestRelatedCold.files),
      vmwatch: Object.fromEntries(
        Object.entries(r.vmwatch).map(([k, v]) => [
          k,
          {
            watchMs: stats(v.watchMs),
            runMs: stats(v.runMs),
            files: v.watchFiles.length,
            runFiles: v.runFiles.length,
            notPassed: v.notPassed,
            sameFilesAsVitest: sameFiles(v.runFiles, r.vitestRelatedCold.files),
          },
        ]),
      ),
    })),
    rounds: rounds.map((round_, r) => ({
      order: round_.order,
      watchMedianMs: Object.fromEntries([
        ['vitest', roundMedian(r, (row) => row.vitestWatch.ms)],
        ...pools.map((k) => [k, roundMedian(r, (row) => row.vmwatch[k]!.watchMs)]),
      ]),
      oneShotMedianMs: Object.fromEntries([
        ['vitest', roundMedian(r, (row) => row.vitestRelatedCold.ms)],
        ...pools.map((k) => [k, roundMedian(r, (row) => row.vmwatch[k]!.runMs)]),
      ]),
    })),
    vitestWatchMs: stats(rows.flatMap((r) => r.vitestWatch.ms)),
    vitestRelatedColdMs: stats(rows.flatMap((r) => r.vitestRelatedCold.ms)),
    vmwatch: input.vm,
  };
  for (const key of pools) {
    const watchPerRound = rounds
      .map((_, r) => roundMedian(r, (row) => row.vmwatch[key]!.watchMs) / roundMedian(r, (row) => row.vitestWatch.ms))
      .filter(Number.isFinite);
    const runPairs = rows.flatMap((row) => pairedRatios(row.vmwatch[key]!.runMs, row.vitestRelatedCold.ms));
    if (watchPerRound.length === 0 && runPairs.length === 0) continue;
    const watchRatio = median(watchPerRound);
    const runRatio = median(runPairs);
    out[`ratios_${key}`] = {
      watchVsVitestWatch: round(watchRatio, 2),
      watchPerRound: watchPerRound.map((x) => round(x, 2)),
      runVsVitestRelatedCold: round(runRatio, 2),
      runPairs: {
        n: runPairs.length,
        atOrBelow1: runPairs.filter((x) => x <= 1).length,
        min: round(Math.min(...runPairs), 2),
        max: round(Math.max(...runPairs), 2),
      },
      perEditWatch: rows.map((row) => round(median(pairedRatios(row.vmwatch[key]!.watchMs, row.vitestWatch.ms)), 2)),
      perEditRun: rows.map((row) => round(median(pairedRatios(row.vmwatch[key]!.runMs, row.vitestRelatedCold.ms)), 2)),
      targets: { watchLeVitestWatch: watchRatio <= 1, runLeVitestRelatedCold: runRatio <= 1 },
      watchMs: stats(rows.flatMap((row) => row.vmwatch[key]!.watchMs)),
      runMs: stats(rows.flatMap((row) => row.vmwatch[key]!.runMs)),
    };
  }
  return out;
}

function sameFiles(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((f) => b.includes(f));
}
