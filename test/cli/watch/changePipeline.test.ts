import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import type { ResolvedConfig } from '../../../src/config/types.ts';
import { ChangePipeline, contentFilter, describeChange, graphPrune, layoutUpdate } from '../../../src/cli/watch/changePipeline.ts';
import { refreshGraph } from '../../../src/cli/planSelection.ts';
import { GraphSaver } from '../../../src/cli/watch/GraphSaver.ts';
import { discoverTests } from '../../../src/select/discover.ts';
import { listProjectFiles } from '../../../src/select/git/listFiles.ts';
import { ImportGraph } from '../../../src/select/graph/importGraph.ts';
import type { Plan } from '../../../src/select/types.ts';
import { ContentHashFilter } from '../../../src/watch/ContentHashFilter.ts';
import { waitFor } from '../../helpers/processes.ts';
import { createTempRepo, type TempRepo } from '../../select/tempRepo.ts';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/** A small TS project in a real git repo: two tests over a shared module. */
function project(): TempRepo {
  const repo = createTempRepo();
  repo.write('.gitignore', 'ignored.ts\n');
  repo.write('src/money.ts', 'export const cents = 1;\n');
  repo.write('src/ledger.ts', "import { cents } from './money';\nexport const total = cents;\n");
  repo.write('tests/money.test.ts', "import { cents } from '../src/money';\n");
  repo.write('tests/ledger.test.ts', "import { total } from '../src/ledger';\n");
  repo.commitAll('init');
  return repo;
}

function configFor(root: string): ResolvedConfig {
  const parsed = configSchema.parse({
    root,
    discover: [{ pattern: 'tests/**/*.test.ts', runner: 'vitest' }],
    select: { persistGraph: false },
  });
  return {
    ...parsed,
    root,
    configFile: path.join(path.dirname(root), 'watch.config.json'),
    configDir: path.dirname(root),
  } as unknown as ResolvedConfig;
}

describe('the change pipeline, step by step', () => {
  const repos: TempRepo[] = [];
  afterEach(() => {
    for (const repo of repos.splice(0)) repo.cleanup();
  });

  it('content filter: drops git-ignored files and saves that did not change the content', async () => {
    const repo = project();
    repos.push(repo);
    const hashes = new ContentHashFilter(repo.dir);
    repo.write('ignored.ts', 'x');
    repo.write('src/money.ts', 'export const cents = 2;\n');
    expect(await contentFilter(repo.dir, ['ignored.ts', 'src/money.ts'], hashes)).toEqual(['src/money.ts']);
    // the same content again: nothing
    expect(await contentFilter(repo.dir, ['src/money.ts'], hashes)).toEqual([]);
  });

  it('layout update: knows when a file appeared or went', () => {
    const repo = project();
    repos.push(repo);
    const files = new Set(['src/money.ts', 'src/ledger.ts']);
    expect(layoutUpdate(repo.dir, files, ['src/money.ts'])).toBe(false);
    repo.write('src/new.ts', '');
    repo.remove('src/ledger.ts');
    expect(layoutUpdate(repo.dir, files, ['src/new.ts', 'src/ledger.ts'])).toBe(true);
    expect([...files].sort()).toEqual(['src/money.ts', 'src/new.ts']);
  });

  it('graph refresh, plan and prune: a deleted module still selects its former importers once, then leaves the graph', async () => {
    const repo = project();
    repos.push(repo);
    const files = await listProjectFiles(repo.dir);
    const graph = await ImportGraph.build(repo.dir, files);
    repo.remove('src/ledger.ts');
    await refreshGraph(graph, repo.dir, ['src/ledger.ts']);
    expect(graph.importersOf('src/ledger.ts')).toEqual(['tests/ledger.test.ts']);
    await graphPrune(graph, new Set(files.filter((f) => f !== 'src/ledger.ts')), ['src/ledger.ts']);
    expect(graph.has('src/ledger.ts')).toBe(false);
    expect(graph.importersOf('src/ledger.ts')).toEqual([]);
  });

  it('describes a batch on one line, with what no test covers', () => {
    const plan = (n: number, uncovered: string[] = []): Plan => ({
      changedFiles: [],
      all: false,
      tests: Array.from({ length: n }, (_, i) => ({ id: `t${i}`, reasons: [] })),
      uncovered,
    });
    expect(describeChange(['a.ts', 'b.ts'], plan(3))).toBe('change: a.ts, b.ts → 3 test(s)');
    expect(describeChange(['README.md'], plan(0, ['README.md']))).toBe(
      'change: README.md → no test affected (not covered by any test or rule: README.md)',
    );
    expect(describeChange(['a\x1b[2J.ts', 'b', 'c', 'd', 'e', 'f', 'g'], plan(1))).toBe(
      'change: a\\x1b[2J.ts, b, c, d, e and 2 more → 1 test(s)',
    );
  });

  it('runs the steps in order: a change submits exactly the affected tests, a new test file is discovered', async () => {
    const repo = project();
    repos.push(repo);
    const config = configFor(repo.dir);
    const files = new Set(await listProjectFiles(repo.dir));
    const graph = await ImportGraph.build(repo.dir, [...files]);
    const submitted: Plan[] = [];
    const said: string[] = [];
    let graphChanges = 0;
    const pipeline = new ChangePipeline({
      config,
      graph,
      hashes: new ContentHashFilter(repo.dir),
      files,
      testCases: discoverTests(config, [...files]),
      onGraphChanged: () => graphChanges++,
      say: (line) => said.push(line),
      submit: (plan) => submitted.push(plan),
    });
    repo.write('src/ledger.ts', "import { cents } from './money';\nexport const total = cents * 2;\n");
    await pipeline.handle(['src/ledger.ts']);
    expect(submitted.map((p) => p.tests.map((t) => t.id))).toEqual([['tests/ledger.test.ts']]);
    repo.write('tests/new.test.ts', "import { cents } from '../src/money';\n");
    await pipeline.handle(['tests/new.test.ts']);
    expect(pipeline.testCases.map((t) => t.id)).toContain('tests/new.test.ts');
    expect(submitted[1]!.tests.map((t) => t.id)).toEqual(['tests/new.test.ts']);
    expect(said).toEqual(['change: src/ledger.ts → 1 test(s)', 'change: tests/new.test.ts → 1 test(s)']);
    expect(graphChanges).toBe(2);
  });
});

describe('GraphSaver', () => {
  it('saves once a while after the last change, and flush saves what is pending at once', async () => {
    const repo = project();
    try {
      const graph = await ImportGraph.build(repo.dir, await listProjectFiles(repo.dir));
      const file = path.join(repo.dir, '.vmwatch', 'graph.json');
      const saver = new GraphSaver(graph, () => {}, 60_000);
      saver.schedule();
      saver.schedule();
      expect(existsSync(file)).toBe(false);
      await saver.flush();
      expect(existsSync(file)).toBe(true);
      const quick = new GraphSaver(graph, () => {}, 10);
      const before = statSync(file).mtimeMs;
      quick.schedule();
      await waitFor(() => (statSync(file).mtimeMs > before ? true : null), 5_000, 'a scheduled save');
    } finally {
      repo.cleanup();
    }
  });
});
