import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverTests } from '../../src/select/discover.ts';
import { listProjectFiles } from '../../src/select/git/listFiles.ts';
import { selectTests } from '../../src/select/selectTests.ts';
import type { Plan, TestCase } from '../../src/select/types.ts';
import { fixtureProject, type FixtureProject } from './fixtureProject.ts';

/**
 * A project with a vitest-like rule (`*.spec.ts`, typechecking unknown) and a node --test rule
 * (`*.test.ts`) whose runner strips types without checking them.
 */
const FILES: Record<string, string> = {
  'src/a.ts': 'export type A = number;\nexport const a = 1;\n',
  'src/types.ts': "import type { A } from './a';\nexport type B = A;\n",
  'src/b.ts': "import { a } from './a';\nexport const b = a;\n",
  'src/mixed.ts': "import { type A, a } from './a';\nexport const m: A = a;\n",
  'src/typed-braces.ts': "import { type A } from './a';\nexport type C = A;\n",
  'src/unused.ts': 'export const u = 0;\n',
  'tests/types.spec.ts': "import type { B } from '../src/types';\nexport const x: B = 1;\n",
  'tests/types.test.ts': "import type { B } from '../src/types';\nexport const x: B = 1;\n",
  'tests/braces.test.ts': "import '../src/typed-braces';\nexport { type C } from '../src/typed-braces';\n",
  'tests/runtime.test.ts': "import { b } from '../src/b';\nconsole.log(b);\n",
  'tests/mixed.test.ts': "import { m } from '../src/mixed';\nconsole.log(m);\n",
  'tests/both.test.ts': "import type { A } from '../src/a';\nimport { b } from '../src/b';\nexport const y: A = b;\n",
  'tests/both.spec.ts': "import type { A } from '../src/a';\nimport { b } from '../src/b';\nexport const y: A = b;\n",
  'smoke.ts': "import type { B } from './src/types';\nexport const s: B = 2;\n",
  'tsconfig.json': '{}\n',
  'tsconfig.app.json': '{}\n',
  'README.md': '# readme\n',
};

let project: FixtureProject;
let tests: TestCase[];

beforeAll(async () => {
  project = await fixtureProject(FILES, {
    tests: [
      { id: 'tsc', command: 'tsc --noEmit', typecheck: true },
      { id: 'smoke', command: 'node smoke.ts', files: ['smoke.ts'], typecheck: false },
    ],
    discover: [
      { pattern: 'tests/*.spec.ts', command: 'vitest run {file}' },
      { pattern: 'tests/*.test.ts', command: 'node --test {file}' },
    ],
    // tsconfig files are runAll triggers by default; here only the typecheck suite should see them.
    triggers: { runAll: [] },
  });
  // The node --test rule does not typecheck: what the runner notion sets on the rule.
  const config = {
    ...project.config,
    discover: project.config.discover.map((rule) => (rule.pattern === 'tests/*.test.ts' ? { ...rule, typecheck: false } : rule)),
  };
  tests = discoverTests(config, await listProjectFiles(project.repo.dir));
});
afterAll(() => project.repo.cleanup());

function select(changedFiles: string[]): Plan {
  return selectTests({ tests, config: project.config, graph: project.graph, changedFiles });
}

function chosen(plan: Plan): Record<string, string[]> {
  return Object.fromEntries(plan.tests.map((test) => [test.id, test.reasons]));
}

describe('selection through type-only imports', () => {
  it('takes typechecks from the rule and the suite', () => {
    const byId = new Map(tests.map((test) => [test.id, test.typechecks]));
    expect(byId.get('tests/types.test.ts')).toBe(false);
    expect(byId.get('tests/types.spec.ts')).toBeUndefined();
    expect(byId.get('smoke')).toBe(false);
    expect(byId.get('tsc')).toBe(true);
  });

  it('selects a test that typechecks (or may) through a type-only chain, one that does not only through runtime chains', () => {
    expect(chosen(select(['src/a.ts']))).toEqual({
      'tests/types.spec.ts': ['imports src/a.ts via src/types.ts (type-only)'],
      'tests/runtime.test.ts': ['imports src/a.ts via src/b.ts'],
      'tests/mixed.test.ts': ['imports src/a.ts via src/mixed.ts'],
      'tests/both.test.ts': ['imports src/a.ts via src/b.ts'],
      // A runtime chain is named over a shorter type-only one.
      'tests/both.spec.ts': ['imports src/a.ts via src/b.ts'],
      tsc: ['typecheck: src/a.ts changed'],
    });
  });

  it('treats `{ type A }` braces as type-only, and a side-effect import of the same file as runtime', () => {
    expect(project.graph.importKind('src/typed-braces.ts', 'src/a.ts')).toBe('type-only');
    expect(project.graph.importKind('tests/braces.test.ts', 'src/typed-braces.ts')).toBe('runtime');
    expect(select(['src/a.ts']).tests.map((test) => test.id)).not.toContain('tests/braces.test.ts');
    expect(chosen(select(['src/typed-braces.ts']))['tests/braces.test.ts']).toEqual(['imports src/typed-braces.ts']);
  });

  it('selects the non-typechecking test when the type-only module itself changes and it imports only its types', () => {
    // types.test.ts imports types.ts type-only: changing types.ts is still invisible at run time.
    expect(chosen(select(['src/types.ts']))).toEqual({
      'tests/types.spec.ts': ['imports src/types.ts (type-only)'],
      tsc: ['typecheck: src/types.ts changed'],
    });
  });

  it('runs a typecheck suite on any TypeScript source or tsconfig change, and on nothing else', () => {
    for (const file of [
      'src/unused.ts',
      'src/view.tsx',
      'src/esm.mts',
      'src/cjs.cts',
      'src/ambient.d.ts',
      'tsconfig.json',
      'tsconfig.app.json',
    ]) {
      expect(chosen(select([file]))).toEqual({ tsc: [`typecheck: ${file} changed`] });
    }
    expect(select(['README.md'])).toMatchObject({ tests: [], uncovered: ['README.md'] });
    expect(select(['src/helper.js']).tests).toEqual([]);
  });

  it('leaves a suite that does not typecheck to its runtime chains', () => {
    expect(select(['src/types.ts']).tests.map((test) => test.id)).not.toContain('smoke');
    expect(chosen(select(['smoke.ts'])).smoke).toEqual(['changed smoke.ts']);
  });
});
