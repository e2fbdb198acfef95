import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configSchema } from '../src/config/schema.ts';
import { discoverTests } from '../src/select/discover.ts';
import { loadGraphCache, saveGraphCache } from '../src/select/graph/graphCache.ts';
import { ImportGraph } from '../src/select/graph/importGraph.ts';
import { listProjectFiles } from '../src/select/git/listFiles.ts';
import { selectTests } from '../src/select/selectTests.ts';
import { generateSelectRepo, type SelectRepo } from './lib/selectRepo.ts';
import { round, stats } from './lib/stats.ts';
import { vitestRelated } from './lib/vitestRelated.ts';

const TARGET_COLD_MS = 3000;
const TARGET_UPDATE_MS = 50;

/**
 * Selection on a generated TS + Python repo (10,000 files; 2,000 with --quick): cold graph build
 * (git listing + read + parse + link), warm start from `.vmwatch/graph.json`, and the time from a
 * one-file edit to a plan (incremental graph update + selection). Then Vitest's own related-test
 * selection on the same repo and the same edits: the time ratio, and every test Vitest selects
 * that we do not (this list must be empty).
 */
export async function benchSelect(opts: { quick: boolean }): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-bench-select-'));
  try {
    const generating = performance.now();
    const repo = generateSelectRepo(dir, { files: opts.quick ? 2000 : 10_000, nodeModules: path.resolve('node_modules') });
    const generateMs = performance.now() - generating;
    process.stderr.write(`bench select: generated ${repo.files.length} files in ${round(generateMs / 1000)}s\n`);
    return { files: repo.files.length, generateMs: round(generateMs), ...(await measure(repo, opts.quick)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(repo: SelectRepo, quick: boolean): Promise<Record<string, unknown>> {
  const root = repo.dir;
  const config = {
    ...configSchema.parse({
      root: '.',
      discover: [
        { pattern: 'packages/**/*.test.ts', command: 'vitest run {file}' },
        { pattern: 'py/tests/**/test_*.py', command: 'pytest {file}' },
      ],
    }),
    root,
    configFile: path.join(root, 'watch.config.ts'),
  };

  const cold = await timed(async () => {
    const files = await listProjectFiles(root);
    const listedAt = performance.now();
    const graph = await ImportGraph.build(root, files);
    return { files, graph, listedAt };
  });
  const { graph, files } = cold.value;
  const tests = discoverTests(config, files);
  const coldListMs = cold.value.listedAt - cold.startedAt;
  await saveGraphCache(graph);
  const warm = await timed(async () => {
    const cache = await loadGraphCache(root);
    return ImportGraph.build(root, await listProjectFiles(root), { cached: cache.value! });
  });

  // One-file edits, as on save: a new import and a changed line; alternately TS and Python.
  const edits = quick ? 10 : 30;
  const updates: number[] = [];
  const changed: Array<{ file: string; selected: string[] }> = [];
  for (let i = 0; i < edits; i++) {
    const ts = i % 2 === 0;
    const pool = ts ? repo.tsModules : repo.pyModules;
    const file = pool[Math.floor((i * 7919) % pool.length)]!;
    appendFileSync(
      path.join(root, file),
      ts ? `import { f0 as edit${i} } from './m0.js';\nexport const saved${i} = edit${i};\n` : `from . import mod0 as edit${i}\n`,
    );
    const t = performance.now();
    await graph.update(file, true);
    const plan = selectTests({ tests, config, graph, changedFiles: [file] });
    updates.push(performance.now() - t);
    changed.push({ file, selected: plan.tests.map((test) => test.id) });
  }
  const update = stats(updates);

  const tsChanged = changed.filter((c) => c.file.endsWith('.ts')).slice(0, quick ? 3 : 8);
  process.stderr.write(`bench select: vitest related on ${tsChanged.length} changed file(s)…\n`);
  const vitest = await vitestRelated(
    root,
    tsChanged.map((c) => c.file),
  );
  const comparison = compare(tsChanged, vitest.runs);
  const oursTs = stats(tsChanged.map((c) => updates[changed.indexOf(c)]!));
  const vitestWarm = stats(vitest.runs.slice(1).map((run) => run.ms));

  return {
    tests: { ts: repo.tsTests.length, py: repo.pyTests.length },
    coldBuildMs: {
      list: round(coldListMs),
      buildGraph: round(cold.ms - coldListMs),
      total: round(cold.ms),
      target: TARGET_COLD_MS,
      met: cold.ms <= TARGET_COLD_MS,
    },
    warmStartMs: { total: round(warm.ms), filesReparsed: warm.value.stats.reads },
    updateAndSelectMs: { ...update, target: TARGET_UPDATE_MS, met: update.median <= TARGET_UPDATE_MS },
    meanTestsSelected: round(changed.reduce((n, c) => n + c.selected.length, 0) / changed.length),
    vitest: {
      how: 'vitest/node createVitest + getRelevantTestSpecifications (what `vitest related FILE` selects), same repo, same edits',
      startMs: round(vitest.startMs),
      firstQueryMs: round(vitest.runs[0]?.ms ?? Number.NaN),
      warmQueryMs: vitestWarm,
      oursMs: oursTs,
      ratioFirstQuery: round((vitest.runs[0]?.ms ?? Number.NaN) / oursTs.median),
      ratioWarm: round(vitestWarm.median / oursTs.median),
      ratioVsOurColdBuildPlusQuery: round((vitest.startMs + (vitest.runs[0]?.ms ?? 0)) / (cold.ms + oursTs.median)),
      ...comparison,
    },
  };
}

/** Tests Vitest selects that we do not (must be empty), and the ones only we select, per file. */
function compare(
  ours: Array<{ file: string; selected: string[] }>,
  theirs: Array<{ file: string; tests: string[] }>,
): Record<string, unknown> {
  const vitestOnly: string[] = [];
  let oursOnly = 0;
  let same = 0;
  const oursOnlySamples: string[] = [];
  for (const run of theirs) {
    const mine = new Set(ours.find((c) => c.file === run.file)?.selected.filter((id) => id.endsWith('.test.ts')) ?? []);
    for (const test of run.tests) if (!mine.has(test)) vitestOnly.push(`${run.file}: ${test}`);
    const extra = [...mine].filter((test) => !run.tests.includes(test));
    oursOnly += extra.length;
    if (extra.length === 0 && run.tests.length === mine.size) same++;
    for (const test of extra.slice(0, 2)) if (oursOnlySamples.length < 6) oursOnlySamples.push(`${run.file}: ${test}`);
  }
  return { changesCompared: theirs.length, identicalSelections: same, vitestOnly, oursOnlyCount: oursOnly, oursOnlySamples };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; startedAt: number }> {
  const startedAt = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - startedAt, startedAt };
}
