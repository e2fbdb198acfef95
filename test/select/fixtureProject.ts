import path from 'node:path';
import { configSchema, type UserConfig } from '../../src/config/schema.ts';
import type { ResolvedConfig } from '../../src/config/types.ts';
import { discoverTests } from '../../src/select/discover.ts';
import { ImportGraph, type ImportGraphOptions } from '../../src/select/graph/importGraph.ts';
import { listProjectFiles } from '../../src/select/git/listFiles.ts';
import { selectTests } from '../../src/select/selectTests.ts';
import type { Plan, TestCase } from '../../src/select/types.ts';
import { createTempDir, type TempRepo } from './tempRepo.ts';

type SelectConfig = Pick<ResolvedConfig, 'triggers' | 'tests' | 'configFile' | 'root' | 'discover' | 'select'>;

/** A project written to a temp folder from a map of files, with its config, tests and graph. */
export interface FixtureProject {
  repo: TempRepo;
  config: SelectConfig;
  tests: TestCase[];
  graph: ImportGraph;
  /** The plan for these changed files (deleted ones are tombstoned first). */
  select(changed: string[]): Promise<Plan>;
  /** The ids the plan for these changed files selects, sorted. */
  selected(changed: string[]): Promise<string[]>;
}

export async function fixtureProject(
  files: Record<string, string>,
  user: Omit<UserConfig, 'root'>,
  options: ImportGraphOptions = {},
): Promise<FixtureProject> {
  const repo = createTempDir('vmwatch-fixture-');
  for (const [file, text] of Object.entries(files)) repo.write(file, text);
  const config: SelectConfig = {
    ...configSchema.parse({ root: '.', ...user }),
    root: repo.dir,
    configFile: path.join(repo.dir, 'watch.config.ts'),
  };
  const listed = await listProjectFiles(repo.dir);
  const graph = await ImportGraph.build(repo.dir, listed, options);
  const tests = discoverTests(config, listed);
  const select = async (changed: string[]) => {
    for (const file of changed) if (!files[file]) await graph.update(file, false);
    return selectTests({ tests, config, graph, changedFiles: changed });
  };
  return { repo, config, tests, graph, select, selected: async (changed) => (await select(changed)).tests.map((t) => t.id).sort() };
}
