import { afterEach, describe, expect, it } from 'vitest';
import { loadGraphCache, saveGraphCache } from '../../../src/select/graph/graphCache.ts';
import { ImportGraph } from '../../../src/select/graph/importGraph.ts';
import { listProjectFiles } from '../../../src/select/git/listFiles.ts';
import { createTempDir, type TempRepo } from '../tempRepo.ts';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

async function build(files: Record<string, string>): Promise<ImportGraph> {
  repo = createTempDir();
  for (const [file, text] of Object.entries(files)) repo.write(file, text);
  return ImportGraph.build(repo.dir, await listProjectFiles(repo.dir));
}

describe('ImportGraph edge kinds', () => {
  it('keeps type-only and runtime edges apart; any runtime import of a file makes the edge runtime', async () => {
    const graph = await build({
      'a.ts': 'export type A = 1; export const a = 1;',
      'b.ts': '',
      'types.ts': "import type { A } from './a';\nexport type * from './b';",
      'mixed.ts': "import { type A, a } from './a';",
      'twice.ts': "import type { A } from './a.js';\nimport { a } from './a';",
      'py_mod.py': 'import py_dep\n',
      'py_dep.py': '',
    });
    expect(graph.importKind('types.ts', 'a.ts')).toBe('type-only');
    expect(graph.importKind('types.ts', 'b.ts')).toBe('type-only');
    expect(graph.importKind('mixed.ts', 'a.ts')).toBe('runtime');
    expect(graph.importKind('twice.ts', 'a.ts')).toBe('runtime');
    expect(graph.importKind('py_mod.py', 'py_dep.py')).toBe('runtime');
    expect(graph.importKind('a.ts', 'types.ts')).toBeUndefined();
    expect(graph.importersOf('a.ts')).toEqual(['mixed.ts', 'twice.ts', 'types.ts']);
  });

  it('follows an edit that turns an import into a type-only one', async () => {
    const graph = await build({ 'a.ts': '', 'b.ts': "import { a } from './a';" });
    expect(graph.importKind('b.ts', 'a.ts')).toBe('runtime');
    repo!.write('b.ts', "import type { A } from './a';");
    await graph.update('b.ts', true);
    expect(graph.importKind('b.ts', 'a.ts')).toBe('type-only');
  });

  it('persists the kinds in the graph cache, and ignores a cache from before kinds were kept', async () => {
    const graph = await build({ 'a.ts': '', 'b.ts': "import type { A } from './a';", 'c.ts': "import './a';" });
    await saveGraphCache(graph);
    const cache = await loadGraphCache(repo!.dir);
    const warm = await ImportGraph.build(repo!.dir, ['a.ts', 'b.ts', 'c.ts'], { cached: cache.value! });
    expect(warm.stats.reads).toBe(0);
    expect(warm.importKind('b.ts', 'a.ts')).toBe('type-only');
    expect(warm.importKind('c.ts', 'a.ts')).toBe('runtime');
    repo!.write(
      '.vmwatch/graph.json',
      JSON.stringify({ format: 'graph-v1', files: { 'b.ts': ['1:1', { lang: 'js', specifiers: ['./a'] }] } }),
    );
    expect((await loadGraphCache(repo!.dir)).value).toBeUndefined();
  });
});

describe('ImportGraph JSX runtime', () => {
  /** A workspace package standing in for a JSX runtime, so its import resolves to project files. */
  const runtimePackage = (dir: string, name: string) => ({
    [`${dir}/package.json`]: JSON.stringify({
      name,
      exports: { './jsx-runtime': './runtime.ts', './jsx-dev-runtime': './dev-runtime.ts' },
    }),
    [`${dir}/runtime.ts`]: '',
    [`${dir}/dev-runtime.ts`]: '',
  });

  it('links a .tsx/.jsx file to react/jsx-runtime by default, and a .ts file to nothing', async () => {
    const graph = await build({
      ...runtimePackage('vendor/react', 'react'),
      'App.tsx': 'export const App = () => <div />;',
      'Old.jsx': '',
      'plain.ts': '',
    });
    expect(graph.importsOf('App.tsx')).toEqual(['vendor/react/dev-runtime.ts', 'vendor/react/runtime.ts']);
    expect(graph.importsOf('Old.jsx')).toEqual(['vendor/react/dev-runtime.ts', 'vendor/react/runtime.ts']);
    expect(graph.importsOf('plain.ts')).toEqual([]);
    expect(graph.importKind('App.tsx', 'vendor/react/runtime.ts')).toBe('runtime');
  });

  it('takes the import source from the pragma, then tsconfig (through extends), then the vite config', async () => {
    const graph = await build({
      ...runtimePackage('vendor/react', 'react'),
      ...runtimePackage('vendor/pragma', '@app/pragma-jsx'),
      ...runtimePackage('vendor/vite', 'vite-jsx'),
      'tsconfig.base.json': JSON.stringify({
        compilerOptions: { jsx: 'react-jsx', jsxImportSource: 'preact', paths: { 'preact/jsx-runtime': ['./src/my-jsx-runtime.ts'] } },
      }),
      'tsconfig.json': JSON.stringify({ extends: './tsconfig.base.json' }),
      'src/my-jsx-runtime.ts': '',
      'src/App.tsx': 'export const App = () => <div />;',
      'src/Pragma.tsx': "/** @jsxImportSource @app/pragma-jsx */\nimport { x } from './x';",
      'web/vite.config.ts': "export default defineConfig({ esbuild: { jsx: 'automatic', jsxImportSource: 'vite-jsx' } });",
      'web/Page.tsx': '',
    });
    expect(graph.importsOf('src/App.tsx')).toEqual(['src/my-jsx-runtime.ts']);
    expect(graph.importsOf('src/Pragma.tsx')).toEqual(['vendor/pragma/dev-runtime.ts', 'vendor/pragma/runtime.ts']);
    // web/ has no tsconfig of its own but the root one applies to it: tsconfig beats the vite config.
    expect(graph.importsOf('web/Page.tsx')).toEqual(['src/my-jsx-runtime.ts']);
  });

  it('uses the vite config without a tsconfig setting, and relinks when it changes', async () => {
    const graph = await build({
      ...runtimePackage('vendor/react', 'react'),
      ...runtimePackage('vendor/solid', 'solid-local'),
      'vitest.config.mts': "export default { esbuild: { jsxImportSource: 'solid-local' } };",
      'src/App.tsx': '',
    });
    expect(graph.importsOf('src/App.tsx')).toEqual(['vendor/solid/dev-runtime.ts', 'vendor/solid/runtime.ts']);
    repo!.write('vitest.config.mts', 'export default {};');
    await graph.update('vitest.config.mts', true);
    expect(graph.importsOf('src/App.tsx')).toEqual(['vendor/react/dev-runtime.ts', 'vendor/react/runtime.ts']);
  });

  it('resolves a third-party import source to nothing', async () => {
    const graph = await build({ 'src/App.tsx': "import { h } from './h';", 'src/h.ts': '' });
    expect(graph.importsOf('src/App.tsx')).toEqual(['src/h.ts']);
  });
});
