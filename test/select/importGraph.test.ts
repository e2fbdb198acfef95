import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ImportGraph } from '../../src/select/importGraph.ts';
import { listProjectFiles } from '../../src/select/listFiles.ts';

const fixtureRoot = fileURLToPath(new URL('../fixtures/select/project', import.meta.url));

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
    graph.remove('b.ts');
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
