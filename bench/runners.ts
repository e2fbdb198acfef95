import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Edits, pickEdits } from './lib/pickEdits.ts';
import { round, stats } from './lib/stats.ts';
import type { RunSummary } from '../src/report/types.ts';
import { batchFigures } from './lib/batchFigures.ts';
import { coldRelated, VitestWatch } from './lib/vitestProcesses.ts';
import { timeRun, updateSnapshot, VmwatchWatch, writeVmwatchConfig, type VmwatchSetup, type WatchedRun } from './lib/vmwatchProcesses.ts';

/** remeda's package, its runtime tests (the `runtime` project of its vitest config), and its install. */
const APP = 'packages/remeda';
const TEST_PATTERN = 'src/**/*.test.ts';
const VITEST_ARGS = ['--project', 'runtime'];
const SETUP = ['npm install --no-package-lock --ignore-scripts --no-audit --no-fund'];
const POOL_SIZES = [2, 3];
const EDITS = 6;

interface EditRow {
  file: string;
  importedBy: number;
  vitestWatch: { ms: number[]; files: string[] };
  vitestRelatedCold: { ms: number; files: string[] };
  vmwatch: Record<string, { watchMs: number[]; watchFiles: string[]; runMs: number; runFiles: string[]; notPassed: string[] }>;
}

/**
 * vmwatch against Vitest on a real repository (remeda, checked out by bench/repos/remeda.sh;
 * `--repo DIR`): the same edits (a comment appended to a module several test files import), timed
 * save → last result in watch mode (vmwatch on warm sandbox pools of 2 and 3 vs `vitest --watch`'s
 * rerun) and one-shot (`vmwatch run` vs a cold `vitest related --run`), with the files each runs.
 */
export async function benchRunners(opts: { quick: boolean; repo: string | undefined }): Promise<Record<string, unknown>> {
  if (opts.repo === undefined) return { skipped: 'needs --repo DIR: a remeda checkout made by bench/repos/remeda.sh DIR' };
  const repo = path.resolve(opts.repo);
  const app = path.join(repo, APP);
  if (!existsSync(path.join(app, 'vitest.config.ts')))
    return { skipped: `${repo} is not a remeda checkout (no ${APP}/vitest.config.ts): run bench/repos/remeda.sh ${repo}` };
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repo, encoding: 'utf8' }).trim();
  if (dirty !== '') return { skipped: `${repo} has local changes; restore it first (git -C ${repo} checkout -- .):\n${dirty}` };
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();

  const reps = opts.quick ? 1 : 3;
  const picked = await pickEdits(app, {
    testPattern: TEST_PATTERN,
    // Runtime modules only: a type-only module is erased before Vitest sees an import of it.
    eligible: (f) => f.startsWith('src/') && f.endsWith('.ts') && !f.startsWith('src/internal/types/') && !/\.test(-d|-prop)?\.ts$/.test(f),
    minTests: 5,
    maxTests: 30,
    count: opts.quick ? 5 : EDITS,
  });
  const rows: EditRow[] = picked.targets.map((t) => ({
    ...t,
    vitestWatch: { ms: [], files: [] },
    vitestRelatedCold: { ms: 0, files: [] },
    vmwatch: {},
  }));
  process.stderr.write(`bench runners: edits ${picked.targets.map((t) => `${t.file} (${t.importedBy})`).join(', ')}\n`);
  const tmp = mkdtempSync(path.join(tmpdir(), 'vmwatch-bench-runners-'));
  const edits = new Edits(app);
  const vm: Record<string, unknown> = {};
  try {
    await measureVitestWatch(app, tmp, rows, edits, reps);
    for (const row of rows) {
      process.stderr.write(`bench runners: cold vitest related ${row.file}\n`);
      row.vitestRelatedCold = await coldRelated(app, row.file, { eventsFile: path.join(tmp, 'related.jsonl'), args: VITEST_ARGS });
    }
    try {
      Object.assign(
        vm,
        await measureVmwatch({ app, dir: tmp, home: `${repo}.vmwatch-home`, rule: vmwatchRule(), setup: SETUP }, rows, edits, reps),
      );
    } catch (err) {
      // Keep the Vitest figures: the vmwatch side reports what failed instead.
      vm.error = (err as Error).message.slice(0, 2000);
    }
  } finally {
    edits.restore();
    rmSync(tmp, { recursive: true, force: true });
  }
  return summarize({ repo, commit, picked, rows, reps, vm });
}

async function measureVitestWatch(app: string, tmp: string, rows: EditRow[], edits: Edits, reps: number): Promise<void> {
  process.stderr.write('bench runners: vitest --watch, first run…\n');
  const watch = new VitestWatch(app, {
    eventsFile: path.join(tmp, 'watch.jsonl'),
    logFile: path.join(tmp, 'vitest-watch.log'),
    args: VITEST_ARGS,
  });
  try {
    await watch.nextRun(0, 10 * 60_000);
    for (const row of rows) {
      for (let i = 0; i < reps; i++) {
        await settle();
        const run = await watch.timeEdit(() => edits.save(row.file));
        row.vitestWatch.ms.push(run.ms);
        row.vitestWatch.files = run.files;
        process.stderr.write(`bench runners: vitest --watch ${row.file}: ${round(run.ms)} ms, ${run.files.length} file(s)\n`);
      }
    }
  } finally {
    await watch.stop();
    edits.restore();
  }
}

/**
 * The discover rule vmwatch runs the tests with: the Vitest runner (batches, results per case), or,
 * in a build without the Vitest adapter, a plain command per file (one file per machine).
 */
function vmwatchRule(): Record<string, unknown> {
  const adapter = path.join(path.dirname(fileURLToPath(import.meta.url)), '../src/runners/vitest.ts');
  if (existsSync(adapter)) return { pattern: TEST_PATTERN, runner: 'vitest', args: VITEST_ARGS };
  return { pattern: TEST_PATTERN, command: `npx --no-install vitest run ${VITEST_ARGS.join(' ')} {file}` };
}

/** Lets background work of the previous run (a pool's reverts, Vitest's bookkeeping) finish, as after a pause in typing. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 1500));

async function measureVmwatch(setup: VmwatchSetup, rows: EditRow[], edits: Edits, reps: number): Promise<Record<string, unknown>> {
  const figures: Record<string, unknown> = { rule: setup.rule };
  const snapshotMs = await updateSnapshot(setup, writeVmwatchConfig(setup, POOL_SIZES[0]!));
  figures.snapshotUpdateMs = round(snapshotMs);
  for (const size of POOL_SIZES) {
    const configFile = writeVmwatchConfig(setup, size);
    const key = `pool${size}`;
    for (const row of rows) {
      edits.save(row.file);
      try {
        process.stderr.write(`bench runners: vmwatch run (pool ${size}) ${row.file}\n`);
        const run = await timeRun(setup, configFile);
        row.vmwatch[key] = {
          watchMs: [],
          watchFiles: [],
          runMs: run.ms,
          runFiles: run.summary.tests.map((t) => t.id).sort(),
          notPassed: notPassed(run.summary),
        };
      } finally {
        edits.restore(row.file);
      }
    }
    const watched: WatchedRun[] = [];
    const rewarmMs: number[] = [];
    let notRewarmed = 0;
    const watch = new VmwatchWatch(setup, configFile);
    let startupWarmMs: number | null = null;
    try {
      await watch.ready();
      // A developer starts vmwatch, then starts typing: the first save comes once the pool is warm.
      startupWarmMs = await watch.prewarmed(size);
      for (const row of rows) {
        for (let i = 0; i < reps; i++) {
          await settle();
          const run = await watch.timeEdit(() => edits.save(row.file));
          watched.push(run);
          // The next save comes once the machines this one used are warm again (reported, not hidden).
          const rewarm = await watch.waitRewarmed(run);
          if (rewarm === null) notRewarmed += 1;
          else rewarmMs.push(rewarm);
          row.vmwatch[key]!.watchMs.push(run.ms);
          row.vmwatch[key]!.watchFiles = run.summary.tests.map((t) => t.id).sort();
          row.vmwatch[key]!.notPassed.push(...notPassed(run.summary));
          process.stderr.write(
            `bench runners: vmwatch watch (pool ${size}) ${row.file}: ${round(run.ms)} ms, ${run.summary.tests.length} file(s)\n`,
          );
        }
      }
    } finally {
      await watch.stop();
      edits.restore();
    }
    figures[key] = {
      ...batchFigures(watched),
      startupWarmMs,
      rewarmAfterRunMs: stats(rewarmMs),
      notRewarmedWithin60s: notRewarmed,
      rewarmNote: 'from a run summary to the new warm runners of its machines having transformed the app ahead',
    };
  }
  return figures;
}

function summarize(input: {
  repo: string;
  commit: string;
  picked: { candidates: number; tests: number };
  rows: EditRow[];
  reps: number;
  vm: Record<string, unknown>;
}): Record<string, unknown> {
  const { rows } = input;
  const med = (xs: number[]) => stats(xs).median;
  const vitestWatch = stats(rows.map((r) => med(r.vitestWatch.ms)));
  const cold = stats(rows.map((r) => r.vitestRelatedCold.ms));
  const out: Record<string, unknown> = {
    repo: { path: input.repo, commit: input.commit, app: APP, testFiles: input.picked.tests, candidatesForEdit: input.picked.candidates },
    how: {
      edit:
        'a comment line appended to the module, restored afterwards; ' +
        'modules with 5–30 importing test files (vmwatch import graph), spread over that range',
      vitest:
        `its own config, ${VITEST_ARGS.join(' ')} (the *.test.ts files; types/prop projects left out on both sides); ` +
        `watch: ${input.reps} save(s) per edit, time from the write to onTestRunEnd of the rerun; ` +
        'cold: a new `vitest related FILE --run` process, wall time',
      vmwatch:
        'sandbox pool, `vmwatch watch`: the write → the run summary finishedAt; ' +
        '`vmwatch run --json` wall time (pool start included) with only that edit in the working tree',
    },
    edits: rows.map((r) => ({
      file: r.file,
      importedBy: r.importedBy,
      vitestWatchMs: stats(r.vitestWatch.ms),
      vitestWatchFiles: r.vitestWatch.files.length,
      vitestRelatedColdMs: round(r.vitestRelatedCold.ms),
      vitestRelatedFiles: r.vitestRelatedCold.files.length,
      vitestWatchSameFilesAsRelated: sameFiles(r.vitestWatch.files, r.vitestRelatedCold.files),
      vmwatch: Object.fromEntries(
        Object.entries(r.vmwatch).map(([k, v]) => [
          k,
          {
            watchMs: stats(v.watchMs),
            runMs: round(v.runMs),
            files: v.watchFiles.length,
            runFiles: v.runFiles.length,
            notPassed: v.notPassed,
            sameFilesAsVitest: sameFiles(v.runFiles, r.vitestRelatedCold.files),
          },
        ]),
      ),
    })),
    vitestWatchMs: vitestWatch,
    vitestRelatedColdMs: cold,
    vmwatch: input.vm,
  };
  for (const size of POOL_SIZES) {
    const key = `pool${size}`;
    const measured = rows.filter((r) => r.vmwatch[key] !== undefined);
    if (measured.length === 0) continue;
    const watch = stats(measured.map((r) => med(r.vmwatch[key]!.watchMs)));
    const run = stats(measured.map((r) => r.vmwatch[key]!.runMs));
    out[`ratios_${key}`] = {
      watchVsVitestWatch: round(watch.median / vitestWatch.median, 2),
      runVsVitestRelatedCold: round(run.median / cold.median, 2),
      perEditWatch: measured.map((r) => round(med(r.vmwatch[key]!.watchMs) / med(r.vitestWatch.ms), 2)),
      perEditRun: measured.map((r) => round(r.vmwatch[key]!.runMs / r.vitestRelatedCold.ms, 2)),
      targets: { watchLeVitestWatch: watch.median <= vitestWatch.median, runLeVitestRelatedCold: run.median <= cold.median },
      watchMs: watch,
      runMs: run,
    };
  }
  return out;
}

/** Tests of a run that did not pass (remeda's tests all pass at the pinned commit: these are vmwatch errors). */
function notPassed(summary: RunSummary): string[] {
  return summary.tests
    .filter((t) => t.status !== 'passed')
    .map((t) => `${t.id}: ${t.status}${t.error ? ` (${t.error.slice(0, 200)})` : ''}`);
}

function sameFiles(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((f) => b.includes(f));
}
