import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Edits, pickEdits } from './lib/pickEdits.ts';
import { round, stats } from './lib/stats.ts';
import type { RunSummary } from '../src/report/types.ts';
import { batchFigures } from './lib/batchFigures.ts';
import { type EditRow, type RoundRow, summarizeRunners } from './lib/runnersSummary.ts';
import { coldRelated, VitestWatch } from './lib/vitestProcesses.ts';
import { timeRun, updateSnapshot, VmwatchWatch, writeVmwatchConfig, type VmwatchSetup, type WatchedRun } from './lib/vmwatchProcesses.ts';

/** remeda's package, its runtime tests (the `runtime` project of its vitest config), and its install. */
const APP = 'packages/remeda';
const TEST_PATTERN = 'src/**/*.test.ts';
const VITEST_ARGS = ['--project', 'runtime'];
const SETUP = ['npm install --no-package-lock --ignore-scripts --no-audit --no-fund'];
const POOL_SIZES = [2, 3];
const EDITS = 6;

/** What is measured side by side: Vitest, then vmwatch on each pool size. */
type Side = 'vitest' | `pool${number}`;
const SIDES: Side[] = ['vitest', ...POOL_SIZES.map((n) => `pool${n}` as const)];

/**
 * vmwatch against Vitest on a real repository (remeda, checked out by bench/repos/remeda.sh;
 * `--repo DIR`): the same edits (a comment appended to a module several test files import), timed
 * save → last result in watch mode (vmwatch on warm sandbox pools of 2 and 3 vs `vitest --watch`'s
 * rerun) and one-shot (`vmwatch run` vs a cold `vitest related --run`), with the files each runs.
 *
 * The machine's speed drifts over minutes, so the sides are interleaved: in each round every side
 * gets one save per edit, in an order that rotates from round to round, and every one-shot edit is
 * timed on each side back to back. Ratios are taken within a round (watch) or within a pair
 * (one-shot), then their median over rounds or pairs is the figure.
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

  const rounds = opts.quick ? 1 : 3;
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
    vitestRelatedCold: { ms: [], files: [] },
    vmwatch: Object.fromEntries(
      POOL_SIZES.map((n) => [`pool${n}`, { watchMs: [], watchFiles: [], runMs: [], runFiles: [], notPassed: [] }]),
    ),
  }));
  process.stderr.write(`bench runners: edits ${picked.targets.map((t) => `${t.file} (${t.importedBy})`).join(', ')}\n`);
  const tmp = mkdtempSync(path.join(tmpdir(), 'vmwatch-bench-runners-'));
  const edits = new Edits(app);
  const setup: VmwatchSetup = { app, dir: tmp, home: `${repo}.vmwatch-home`, rule: vmwatchRule(), setup: SETUP };
  const vm: Record<string, unknown> = { rule: setup.rule };
  const watched: Record<string, WatchedRun[]> = {};
  const roundRows: RoundRow[] = [];
  const ctx: Ctx = { app, tmp, edits, rows, setup, watched, vm };
  try {
    vm.snapshotUpdateMs = round(await updateSnapshot(setup, writeVmwatchConfig(setup, POOL_SIZES[0]!)));
    for (let r = 0; r < rounds; r++) {
      const order = SIDES.map((_, i) => SIDES[(i + r) % SIDES.length]!);
      process.stderr.write(`bench runners: round ${r + 1}/${rounds}, order ${order.join(', ')}\n`);
      for (const side of order) {
        if (side === 'vitest') await vitestWatchBlock(ctx);
        else await vmwatchWatchBlock(ctx, side);
      }
      for (const row of rows) for (const side of order) await oneShot(ctx, row, side);
      roundRows.push({ order });
    }
  } catch (err) {
    // Keep what was measured: the output says what failed.
    vm.error = (err as Error).message.slice(0, 2000);
  } finally {
    edits.restore();
    rmSync(tmp, { recursive: true, force: true });
  }
  for (const [key, runs] of Object.entries(watched)) {
    const figures = vm[key] as { rewarmAfterRunMs: number[] };
    vm[key] = {
      ...figures,
      ...batchFigures(runs),
      rewarmAfterRunMs: stats(figures.rewarmAfterRunMs),
      rewarmNote: 'from a run summary to the new warm runners of its machines having transformed the app ahead',
    };
  }
  return summarizeRunners({ repo, commit, app: APP, vitestArgs: VITEST_ARGS, picked, rows, rounds: roundRows, vm });
}

interface Ctx {
  app: string;
  tmp: string;
  edits: Edits;
  rows: EditRow[];
  setup: VmwatchSetup;
  watched: Record<string, WatchedRun[]>;
  vm: Record<string, unknown>;
}

/** `vitest --watch`, started for this block; after its first run, one save per edit. */
async function vitestWatchBlock({ app, tmp, rows, edits }: Ctx): Promise<void> {
  process.stderr.write('bench runners: vitest --watch, first run…\n');
  const watch = new VitestWatch(app, {
    eventsFile: path.join(tmp, 'watch.jsonl'),
    logFile: path.join(tmp, 'vitest-watch.log'),
    args: VITEST_ARGS,
  });
  try {
    await watch.nextRun(0, 10 * 60_000);
    for (const row of rows) {
      await settle();
      const run = await watch.timeEdit(() => edits.save(row.file));
      row.vitestWatch.ms.push(run.ms);
      row.vitestWatch.files = run.files;
      process.stderr.write(`bench runners: vitest --watch ${row.file}: ${round(run.ms)} ms, ${run.files.length} file(s)\n`);
    }
  } finally {
    await watch.stop();
    edits.restore();
  }
}

/**
 * `vmwatch watch` on a pool of that size, started for this block; the first save comes once every
 * machine is warm (a developer starts vmwatch, then starts typing), each next one once the machines
 * the previous run used are warm again (that wait is reported, not hidden).
 */
async function vmwatchWatchBlock({ rows, edits, setup, watched, vm }: Ctx, side: Side): Promise<void> {
  const size = Number(side.slice('pool'.length));
  const figures = (vm[side] ??= { startupWarmMs: [], rewarmAfterRunMs: [], notRewarmedWithin60s: 0 }) as {
    startupWarmMs: Array<number | null>;
    rewarmAfterRunMs: number[];
    notRewarmedWithin60s: number;
  };
  const watch = new VmwatchWatch(setup, writeVmwatchConfig(setup, size));
  try {
    await watch.ready();
    figures.startupWarmMs.push(await watch.prewarmed(size));
    for (const row of rows) {
      await settle();
      const run = await watch.timeEdit(() => edits.save(row.file));
      (watched[side] ??= []).push(run);
      const rewarm = await watch.waitRewarmed(run);
      if (rewarm === null) figures.notRewarmedWithin60s += 1;
      else figures.rewarmAfterRunMs.push(rewarm);
      const out = row.vmwatch[side]!;
      out.watchMs.push(run.ms);
      out.watchFiles = run.summary.tests.map((t) => t.id).sort();
      out.notPassed.push(...notPassed(run.summary));
      process.stderr.write(
        `bench runners: vmwatch watch (${side}) ${row.file}: ${round(run.ms)} ms, ${run.summary.tests.length} file(s)\n`,
      );
    }
  } finally {
    await watch.stop();
    edits.restore();
  }
}

/** One edit, one-shot: a cold `vitest related --run`, or `vmwatch run` with only that edit in the tree. */
async function oneShot({ app, tmp, edits, setup }: Ctx, row: EditRow, side: Side): Promise<void> {
  if (side === 'vitest') {
    const cold = await coldRelated(app, row.file, { eventsFile: path.join(tmp, 'related.jsonl'), args: VITEST_ARGS });
    row.vitestRelatedCold.ms.push(cold.ms);
    row.vitestRelatedCold.files = cold.files;
    process.stderr.write(`bench runners: cold vitest related ${row.file}: ${round(cold.ms)} ms\n`);
    return;
  }
  edits.save(row.file);
  try {
    const run = await timeRun(setup, writeVmwatchConfig(setup, Number(side.slice('pool'.length))));
    const out = row.vmwatch[side]!;
    out.runMs.push(run.ms);
    out.runFiles = run.summary.tests.map((t) => t.id).sort();
    out.notPassed.push(...notPassed(run.summary));
    process.stderr.write(`bench runners: vmwatch run (${side}) ${row.file}: ${round(run.ms)} ms\n`);
  } finally {
    edits.restore(row.file);
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

/** Tests of a run that did not pass (remeda's tests all pass at the pinned commit: these are vmwatch errors). */
function notPassed(summary: RunSummary): string[] {
  return summary.tests
    .filter((t) => t.status !== 'passed')
    .map((t) => `${t.id}: ${t.status}${t.error ? ` (${t.error.slice(0, 200)})` : ''}`);
}
