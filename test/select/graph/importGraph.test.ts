import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ImportGraph } from '../../../src/select/graph/importGraph.ts';
import { listProjectFiles } from '../../../src/select/git/listFiles.ts';

const fixtureRoot = fileURLToPath(new URL('../../fixtures/select/project', import.meta.url));

/** A graph over in-memory sources; `sources` can be edited between updates. */
async function memoryGraph(sources: Record<string, string>): Promise<ImportGraph> {
  const readSource = async (file: string) => {
    const text = sources[file];
    if (text === undefined) throw new Error(`ENOENT ${file}`);
    return text;
  };
  return ImportGraph.build('/virtual', Object.keys(sources), { readSource });
}

describe('ImportGraph on the fixture project', () => {
  it('links TS imports (extension swaps, re-exports, side-effect and dynamic imports)', async () => {
    const graph = await ImportGraph.build(fixtureRoot, await listProjectFiles(fixtureRoot));
    expect(graph.importsOf('src/report.ts')).toEqual(['src/format.ts', 'src/ledger.ts', 'src/styles.css']);
    expect(graph.importsOf('src/index.ts')).toEqual(['src/report.ts', 'src/types.ts']);
    expect(graph.importsOf('src/format.ts')).toEqual([]);
    expect(graph.importersOf('src/money.ts')).toEqual(['src/ledger.ts', 'tests/money.spec.ts']);
    expect(graph.importersOf('src/ledger.ts')).toEqual(['e2e/run.ts', 'src/report.ts', 'tests/ledger.spec.ts']);
    expect(graph.importersOf('src/format.ts')).toEqual(['src/report.ts', 'tests/format.spec.ts']);
    expect(graph.importersOf('src/unused.ts')).toEqual([]);
  });

  it('links Python imports (relative, absolute via source roots, submodules, beside the test)', async () => {
    const graph = await ImportGraph.build(fixtureRoot, await listProjectFiles(fixtureRoot));
    expect(graph.importsOf('py/app/service.py')).toEqual(['py/app/models.py']);
    expect(graph.importsOf('py/app/api.py')).toEqual(['py/app/__init__.py', 'py/app/service.py']);
    expect(graph.importsOf('py/tests/test_api.py')).toEqual(['py/app/__init__.py', 'py/app/api.py', 'py/tests/helpers.py']);
    expect(graph.importersOf('py/app/models.py')).toEqual(['py/app/service.py', 'py/tests/test_models.py']);
    expect(graph.importersOf('py/app/util.py')).toEqual(['py/tests/test_util.py']);
  });
});

describe('ImportGraph updates', () => {
  it('re-reads a changed file and relinks only its imports', async () => {
    const sources: Record<string, string> = { 'a.ts': "import './b';", 'b.ts': '', 'c.ts': '' };
    const graph = await memoryGraph(sources);
    expect(graph.importersOf('b.ts')).toEqual(['a.ts']);
    sources['a.ts'] = "import './c.js';";
    await graph.update('a.ts', true);
    expect(graph.importersOf('b.ts')).toEqual([]);
    expect(graph.importersOf('c.ts')).toEqual(['a.ts']);
  });

  it('links a new file that earlier imports could not resolve', async () => {
    const sources: Record<string, string> = { 'a.ts': "import { x } from './new';", 'pkg/mod.py': 'from . import later' };
    const graph = await memoryGraph(sources);
    expect(graph.importsOf('a.ts')).toEqual([]);
    sources['new.tsx'] = "import './a';";
    sources['pkg/later.py'] = '';
    await graph.addFile('new.tsx');
    await graph.addFile('pkg/later.py');
    expect(graph.importsOf('a.ts')).toEqual(['new.tsx']);
    expect(graph.importersOf('a.ts')).toEqual(['new.tsx']);
    expect(graph.importsOf('pkg/mod.py')).toEqual(['pkg/later.py']);
  });

  it('keeps the importers of a deleted file until it is removed', async () => {
    const sources: Record<string, string> = { 'a.ts': "import './b';", 'b.ts': "import './c';", 'c.ts': '' };
    const graph = await memoryGraph(sources);
    delete sources['b.ts'];
    await graph.update('b.ts', false);
    expect(graph.has('b.ts')).toBe(false);
    expect(graph.importersOf('b.ts')).toEqual(['a.ts']);
    expect(graph.importsOf('b.ts')).toEqual([]);
    expect(graph.importersOf('c.ts')).toEqual([]);
    await graph.remove('b.ts');
    expect(graph.importersOf('b.ts')).toEqual([]);
    expect(graph.importsOf('a.ts')).toEqual([]);
  });

  it('tombstones a deleted file it never knew, so a fresh graph still finds its importers', async () => {
    const graph = await memoryGraph({ 'a.ts': "import { m } from './money.js';" });
    expect(graph.importsOf('a.ts')).toEqual([]);
    await graph.update('money.ts', false);
    expect(graph.importersOf('money.ts')).toEqual(['a.ts']);
  });

  it('brings a deleted file back when it reappears', async () => {
    const sources: Record<string, string> = { 'a.ts': "import './b';", 'b.ts': "import './c';", 'c.ts': '' };
    const graph = await memoryGraph(sources);
    await graph.update('b.ts', false);
    await graph.update('b.ts', true);
    expect(graph.has('b.ts')).toBe(true);
    expect(graph.importersOf('c.ts')).toEqual(['b.ts']);
  });

  it('ignores a read that a later deletion overtook', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const readSource = async (file: string) => {
      if (file === 'b.ts') await gate;
      return file === 'a.ts' ? "import './b';" : "import './a';";
    };
    const graph = await ImportGraph.build('/virtual', ['a.ts'], { readSource });
    const pending = graph.update('b.ts', true);
    await graph.update('b.ts', false);
    release();
    await pending;
    expect(graph.has('b.ts')).toBe(false);
    expect(graph.importsOf('b.ts')).toEqual([]);
    expect(graph.importersOf('a.ts')).toEqual([]);
  });
});

describe('ImportGraph incremental updates', () => {
  it('relinks only the files whose resolution probed a new file', async () => {
    const sources: Record<string, string> = { 'a.ts': "import './later';", 'b.ts': "import './c';", 'c.ts': '', 'd.ts': "import './c';" };
    const graph = await memoryGraph(sources);
    const before = graph.stats.links;
    sources['later.ts'] = '';
    await graph.addFile('later.ts');
    expect(graph.importsOf('a.ts')).toEqual(['later.ts']);
    // a.ts (it probed later.ts) and the new file itself; b.ts and d.ts are untouched.
    expect(graph.stats.links - before).toBe(2);
  });

  it('relinks JS files when a tsconfig appears or changes', async () => {
    const sources: Record<string, string> = { 'src/a.ts': "import '@app/b';", 'src/b.ts': '' };
    const graph = await memoryGraph(sources);
    expect(graph.importsOf('src/a.ts')).toEqual([]);
    sources['tsconfig.json'] = '{ "compilerOptions": { "paths": { "@app/*": ["./src/*"] } } }';
    await graph.addFile('tsconfig.json');
    expect(graph.importsOf('src/a.ts')).toEqual(['src/b.ts']);
    sources['tsconfig.json'] = '{ "compilerOptions": { "paths": { "@app/*": ["./lib/*"] } } }';
    await graph.update('tsconfig.json', true);
    expect(graph.importsOf('src/a.ts')).toEqual([]);
  });

  it('relinks Python files when the source roots move', async () => {
    const sources: Record<string, string> = { 'tests/test_x.py': 'import shop.cart', 'backend/shop/cart.py': '' };
    const graph = await memoryGraph(sources);
    expect(graph.importsOf('tests/test_x.py')).toEqual([]);
    sources['backend/shop/__init__.py'] = '';
    await graph.addFile('backend/shop/__init__.py');
    expect(graph.importsOf('tests/test_x.py')).toEqual(['backend/shop/__init__.py', 'backend/shop/cart.py']);
  });

  it('links a test to a conftest.py that appears above it', async () => {
    const sources: Record<string, string> = { 'tests/unit/test_x.py': '' };
    const graph = await memoryGraph(sources);
    sources['tests/conftest.py'] = '';
    await graph.addFile('tests/conftest.py');
    expect(graph.importsOf('tests/unit/test_x.py')).toEqual(['tests/conftest.py']);
  });
});

describe('ImportGraph persistence', () => {
  it('reuses the parses of unchanged files on a warm start', async () => {
    const { createTempDir } = await import('../tempRepo.ts');
    const { loadGraphCache, saveGraphCache } = await import('../../../src/select/graph/graphCache.ts');
    const repo = createTempDir();
    try {
      repo.write('a.ts', "import './b';");
      repo.write('b.ts', "import './c';");
      repo.write('c.ts', '');
      const cold = await ImportGraph.build(repo.dir, ['a.ts', 'b.ts', 'c.ts']);
      expect(cold.stats.reads).toBe(3);
      await saveGraphCache(cold);
      repo.write('b.ts', '// no imports any more, and a different size');
      const cache = await loadGraphCache(repo.dir);
      const warm = await ImportGraph.build(repo.dir, ['a.ts', 'b.ts', 'c.ts'], { cached: cache.value! });
      expect(warm.stats.reads).toBe(1);
      expect(warm.importersOf('b.ts')).toEqual(['a.ts']);
      expect(warm.importersOf('c.ts')).toEqual([]);
    } finally {
      repo.cleanup();
    }
  });

  it('starts afresh with a warning when the file is corrupt, and keeps git from seeing it', async () => {
    const { createTempRepo } = await import('../tempRepo.ts');
    const { loadGraphCache, saveGraphCache } = await import('../../../src/select/graph/graphCache.ts');
    const repo = createTempRepo();
    try {
      repo.write('a.ts', '');
      await saveGraphCache(await ImportGraph.build(repo.dir, ['a.ts']));
      expect(repo.git('status', '--porcelain', '--untracked-files=all')).toBe('?? a.ts\n');
      repo.write('.vmwatch/graph.json', '{"format": "graph-v1", "files": {');
      const cache = await loadGraphCache(repo.dir);
      expect(cache.value).toBeUndefined();
      expect(cache.warning).toMatch(/graph\.json is corrupt or from another version; starting afresh/);
    } finally {
      repo.cleanup();
    }
  });
});

describe('ImportGraph settings', () => {
  it('uses only the tsconfig files named in select.tsconfig', async () => {
    const sources: Record<string, string> = {
      'tsconfig.json': '{ "compilerOptions": { "paths": { "@x/*": ["./wrong/*"] } } }',
      'config/tsconfig.app.json': '{ "compilerOptions": { "baseUrl": "..", "paths": { "@x/*": ["src/*"] } } }',
      'src/a.ts': '',
      'wrong/a.ts': '',
      'main.ts': "import '@x/a';",
    };
    const readSource = async (file: string) => sources[file] ?? '';
    const graph = await ImportGraph.build('/virtual', Object.keys(sources), { readSource, tsconfigs: ['config/tsconfig.app.json'] });
    // A named tsconfig applies below its folder, and the first one to every other file.
    expect(graph.importsOf('main.ts')).toEqual(['src/a.ts']);
    const rooted = await ImportGraph.build('/virtual', Object.keys(sources), { readSource, tsconfigs: ['tsconfig.json'] });
    expect(rooted.importsOf('main.ts')).toEqual(['wrong/a.ts']);
  });
});
