import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/select/types.ts';
import { fixtureProject, type FixtureProject } from './fixtureProject.ts';

/**
 * The runners' own rules decide what a type-only change selects: Vitest only with typecheck on,
 * node --test / pytest / unittest never, a plain command always (it may typecheck). A `.tsx` test
 * depends on its JSX runtime whatever its runner.
 */
const FILES: Record<string, string> = {
  'src/a.ts': 'export type A = number;\nexport const a = 1;\n',
  'src/types.ts': "import type { A } from './a';\nexport type B = A;\n",
  'src/b.ts': "import { a } from './a';\nexport const b = a;\n",
  'vendor/react/package.json': JSON.stringify({
    name: 'react',
    exports: { './jsx-runtime': './runtime.ts', './jsx-dev-runtime': './dev-runtime.ts' },
  }),
  'vendor/react/runtime.ts': 'export const jsx = () => null;\n',
  'vendor/react/dev-runtime.ts': 'export const jsxDEV = () => null;\n',
  'tests/types.vitest.test.ts': "import type { B } from '../src/types';\nexport const x: B = 1;\n",
  'tests/types.typed.test.ts': "import type { B } from '../src/types';\nexport const x: B = 1;\n",
  'tests/types.node.test.ts': "import type { B } from '../src/types';\nexport const x: B = 1;\n",
  'tests/types.cmd.test.ts': "import type { B } from '../src/types';\nexport const x: B = 1;\n",
  'tests/runtime.node.test.ts': "import { b } from '../src/b';\nconsole.log(b);\n",
  'tests/App.vitest.test.tsx': 'export const view = <div />;\n',
  'tests/App.node.test.tsx': 'export const view = <div />;\n',
  'tests/test_app.py': 'def test_app():\n    assert True\n',
  'tests/test_unit.py': 'import unittest\n',
};

let project: FixtureProject;

beforeAll(async () => {
  project = await fixtureProject(FILES, {
    discover: [
      { pattern: 'tests/*.vitest.test.{ts,tsx}', runner: 'vitest' },
      { pattern: 'tests/*.typed.test.ts', runner: 'vitest', typecheck: true },
      { pattern: 'tests/*.node.test.{ts,tsx}', runner: 'node-test' },
      { pattern: 'tests/*.cmd.test.ts', command: 'npx tsx --test {file}' },
      { pattern: 'tests/test_app.py', runner: 'pytest' },
      { pattern: 'tests/test_unit.py', runner: 'unittest' },
    ],
    triggers: { runAll: [] },
  });
});
afterAll(() => project.repo.cleanup());

const chosen = (plan: Plan): Record<string, string[]> => Object.fromEntries(plan.tests.map((test) => [test.id, test.reasons]));

describe('selection by what each runner can observe', () => {
  it('says per runner whether a test typechecks', () => {
    const byId = Object.fromEntries(project.tests.map((test) => [test.id, test.typechecks]));
    expect(byId).toEqual({
      'tests/App.node.test.tsx': false,
      'tests/App.vitest.test.tsx': false,
      'tests/runtime.node.test.ts': false,
      'tests/test_app.py': false,
      'tests/test_unit.py': false,
      'tests/types.cmd.test.ts': undefined,
      'tests/types.node.test.ts': false,
      'tests/types.typed.test.ts': true,
      'tests/types.vitest.test.ts': false,
    });
  });

  it('a type-only chain selects Vitest with typecheck on and a plain command, not Vitest without it nor node --test', async () => {
    expect(chosen(await project.select(['src/a.ts']))).toEqual({
      'tests/types.typed.test.ts': ['imports src/a.ts via src/types.ts (type-only)'],
      'tests/types.cmd.test.ts': ['imports src/a.ts via src/types.ts (type-only)'],
      'tests/runtime.node.test.ts': ['imports src/a.ts via src/b.ts'],
    });
  });

  it('a change to the JSX runtime selects the .tsx tests of every runner, through the runtime edge', async () => {
    expect(chosen(await project.select(['vendor/react/runtime.ts']))).toEqual({
      'tests/App.vitest.test.tsx': ['imports vendor/react/runtime.ts'],
      'tests/App.node.test.tsx': ['imports vendor/react/runtime.ts'],
    });
    expect(await project.selected(['vendor/react/dev-runtime.ts'])).toEqual(['tests/App.node.test.tsx', 'tests/App.vitest.test.tsx']);
    expect(project.graph.importKind('tests/App.vitest.test.tsx', 'vendor/react/runtime.ts')).toBe('runtime');
  });
});
