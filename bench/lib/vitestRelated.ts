import path from 'node:path';

export interface VitestRelated {
  /** Creating the Vitest instance (config, plugins), before any selection. */
  startMs: number;
  /** Per changed file: the time of `getRelevantTestSpecifications` and the test files, root-relative. */
  runs: Array<{ file: string; ms: number; tests: string[] }>;
}

/**
 * Vitest's own related-test selection (what `vitest related FILE` runs), through its Node API so
 * that only the selection is timed, not the test runs: one Vitest instance, one query per
 * changed file. The first query transforms the whole import graph (cold); later ones reuse it.
 */
export async function vitestRelated(root: string, changed: readonly string[]): Promise<VitestRelated> {
  const { createVitest } = await import('vitest/node');
  const cwd = process.cwd();
  process.chdir(root);
  const started = performance.now();
  const vitest = await createVitest('test', { root, watch: false, run: true, related: [], reporters: [] } as never);
  const startMs = performance.now() - started;
  const runs: VitestRelated['runs'] = [];
  try {
    for (const file of changed) {
      (vitest.config as { related?: string[] }).related = [path.join(root, file)];
      const t = performance.now();
      const specs = await vitest.getRelevantTestSpecifications();
      runs.push({
        file,
        ms: performance.now() - t,
        tests: specs.map((spec) => path.relative(root, spec.moduleId).split(path.sep).join('/')).sort(),
      });
    }
  } finally {
    await vitest.close();
    process.chdir(cwd);
  }
  return { startMs, runs };
}
