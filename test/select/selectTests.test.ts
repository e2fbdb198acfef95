import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { discoverTests } from '../../src/select/discover.ts';
import { ImportGraph } from '../../src/select/graph/importGraph.ts';
import { listProjectFiles } from '../../src/select/git/listFiles.ts';
import { selectTests, type SelectInput } from '../../src/select/selectTests.ts';
import type { Plan, TestCase } from '../../src/select/types.ts';

const root = fileURLToPath(new URL('../fixtures/select/project', import.meta.url));

const parsed = configSchema.parse({
  root: '.',
  tests: [
    { id: 'e2e', command: 'node e2e/run.ts', files: ['e2e/**'] },
    { id: 'api-contract', command: 'sh scripts/contract.sh', files: ['scripts/contract.sh'], covers: ['api/**/*.yaml'] },
  ],
  discover: [
    { pattern: '**/*.spec.ts', command: 'node --test {file}' },
    { pattern: 'py/tests/**/test_*.py', command: 'python -m pytest {file}' },
  ],
  triggers: {
    map: [
      { files: ['templates/**'], tests: ['e2e', 'tests/report.spec.ts'] },
      { files: ['docs/api/**'], tests: ['no-such-suite'] },
    ],
  },
});
const config = { ...parsed, root, configFile: path.join(root, 'watch.config.ts') };

const ALL_IDS = [
  'api-contract',
  'e2e',
  'py/tests/test_api.py',
  'py/tests/test_models.py',
  'py/tests/test_service.py',
  'py/tests/test_util.py',
  'tests/format.spec.ts',
  'tests/ledger.spec.ts',
  'tests/money.spec.ts',
  'tests/report.spec.ts',
];

let tests: TestCase[];
let graph: ImportGraph;

beforeEach(async () => {
  const files = await listProjectFiles(root);
  tests = discoverTests(config, files);
  graph = await ImportGraph.build(root, files);
});

function select(changedFiles: string[], extra: Partial<SelectInput> = {}): Plan {
  return selectTests({ tests, config, graph, changedFiles, ...extra });
}

/** The plan as { id: reasons }, for exact comparison. */
function chosen(plan: Plan): Record<string, string[]> {
  return Object.fromEntries(plan.tests.map((test) => [test.id, test.reasons]));
}

describe('selectTests on the fixture project', () => {
  it('discovers the fixture tests', () => {
    expect(tests.map((test) => test.id)).toEqual(ALL_IDS);
  });

  it('runs exactly the transitive importers of a changed TS leaf, naming the shortest chain', () => {
    const plan = select(['src/money.ts']);
    expect(chosen(plan)).toEqual({
      e2e: ['imports src/money.ts via e2e/run.ts -> src/ledger.ts'],
      'tests/ledger.spec.ts': ['imports src/money.ts via src/ledger.ts'],
      'tests/money.spec.ts': ['imports src/money.ts'],
      'tests/report.spec.ts': ['imports src/money.ts via src/index.ts -> src/report.ts -> src/ledger.ts'],
    });
    expect(plan).toMatchObject({ changedFiles: ['src/money.ts'], all: false, uncovered: [] });
  });

  it('follows a side-effect import of a non-JS file', () => {
    expect(chosen(select(['src/styles.css']))).toEqual({
      'tests/report.spec.ts': ['imports src/styles.css via src/index.ts -> src/report.ts'],
    });
  });

  it('runs exactly the transitive importers of a changed Python leaf', () => {
    const plan = select(['py/app/models.py']);
    expect(chosen(plan)).toEqual({
      'py/tests/test_api.py': ['imports py/app/models.py via py/app/api.py -> py/app/service.py'],
      'py/tests/test_models.py': ['imports py/app/models.py'],
      'py/tests/test_service.py': ['imports py/app/models.py via py/app/service.py'],
    });
    expect(plan.uncovered).toEqual([]);
  });

  it('runs every test that imports a package through its __init__.py', () => {
    expect(Object.keys(chosen(select(['py/app/__init__.py'])))).toEqual([
      'py/tests/test_api.py',
      'py/tests/test_models.py',
      'py/tests/test_service.py',
      'py/tests/test_util.py',
    ]);
  });

  it('runs a changed test file itself', () => {
    expect(chosen(select(['tests/format.spec.ts', 'py/tests/helpers.py']))).toEqual({
      'py/tests/test_api.py': ['imports py/tests/helpers.py'],
      'tests/format.spec.ts': ['changed tests/format.spec.ts'],
    });
  });

  it('runs a suite whose files or covers globs match', () => {
    expect(chosen(select(['api/openapi.yaml', 'scripts/contract.sh']))).toEqual({
      'api-contract': ['covers api/openapi.yaml', 'changed scripts/contract.sh'],
    });
  });

  it('runs everything on a runAll trigger, and on the config file inside root', () => {
    for (const file of ['package-lock.json', 'watch.config.ts']) {
      const plan = select([file, 'docs/notes.md']);
      expect(plan.all).toBe(true);
      expect(plan.tests.map((test) => test.id)).toEqual(ALL_IDS);
      expect(plan.tests.every((test) => test.reasons.includes(`runAll trigger ${file}`))).toBe(true);
      expect(plan.uncovered).toEqual(['docs/notes.md']);
    }
  });

  it('does not treat a config file outside root as a trigger', () => {
    const outside = { ...config, configFile: path.join(root, '..', 'watch.config.ts') };
    const plan = selectTests({ tests, config: outside, graph, changedFiles: ['watch.config.ts'] });
    expect(plan).toMatchObject({ all: false, tests: [], uncovered: ['watch.config.ts'] });
  });

  it('runs the tests a triggers.map entry lists', () => {
    const plan = select(['templates/invoice.html']);
    expect(chosen(plan)).toEqual({
      e2e: ['trigger map templates/invoice.html'],
      'tests/report.spec.ts': ['trigger map templates/invoice.html'],
    });
    expect(plan.uncovered).toEqual([]);
  });

  it('reports changed files that select nothing and match no rule as uncovered', () => {
    const plan = select(['docs/notes.md', 'src/unused.ts', 'docs/api/guide.md']);
    expect(plan).toEqual({
      changedFiles: ['docs/notes.md', 'src/unused.ts', 'docs/api/guide.md'],
      all: false,
      tests: [],
      uncovered: ['docs/notes.md', 'src/unused.ts'],
    });
  });

  it('still selects the former importers of a deleted file', async () => {
    await graph.update('src/ledger.ts', false);
    expect(Object.keys(chosen(select(['src/ledger.ts'])))).toEqual(['e2e', 'tests/ledger.spec.ts', 'tests/report.spec.ts']);
    await graph.remove('src/ledger.ts');
    expect(select(['src/ledger.ts']).uncovered).toEqual(['src/ledger.ts']);
  });

  it('merges and deduplicates reasons across changed files, shortest first', () => {
    const plan = select(['src/money.ts', 'src/ledger.ts', 'src/money.ts']);
    expect(plan.changedFiles).toEqual(['src/money.ts', 'src/ledger.ts', 'src/money.ts']);
    expect(chosen(plan)['tests/ledger.spec.ts']).toEqual(['imports src/ledger.ts', 'imports src/money.ts via src/ledger.ts']);
    expect(chosen(plan)['e2e']).toEqual(['imports src/ledger.ts via e2e/run.ts', 'imports src/money.ts via e2e/run.ts -> src/ledger.ts']);
  });

  it('runs everything when all is requested', () => {
    const plan = select(['src/unused.ts'], { all: true, allReason: 'cannot diff against main: unknown revision' });
    expect(plan.all).toBe(true);
    expect(plan.uncovered).toEqual([]);
    expect(plan.tests).toEqual(ALL_IDS.map((id) => ({ id, reasons: ['cannot diff against main: unknown revision'] })));
    expect(select([], { all: true }).tests[0]).toEqual({ id: 'api-contract', reasons: ['all requested'] });
  });
});

describe('selectTests chains', () => {
  it('names the shortest of several import chains', () => {
    const importers: Record<string, string[]> = { leaf: ['b', 'c'], b: ['a'], a: ['t.spec.ts'], c: ['t.spec.ts'] };
    const stub = { importersOf: (file: string) => importers[file] ?? [], importKind: () => 'runtime' as const };
    const test: TestCase = { id: 't.spec.ts', kind: 'discovered', command: 'x', file: 't.spec.ts' };
    const plan = selectTests({ tests: [test], config: { ...config, tests: [] }, graph: stub, changedFiles: ['leaf'] });
    expect(plan.tests).toEqual([{ id: 't.spec.ts', reasons: ['imports leaf via c'] }]);
  });

  it('survives import cycles', () => {
    const importers: Record<string, string[]> = { a: ['b'], b: ['a', 't.spec.ts'] };
    const stub = { importersOf: (file: string) => importers[file] ?? [], importKind: () => 'runtime' as const };
    const test: TestCase = { id: 't.spec.ts', kind: 'discovered', command: 'x', file: 't.spec.ts' };
    const plan = selectTests({ tests: [test], config: { ...config, tests: [] }, graph: stub, changedFiles: ['a'] });
    expect(plan.tests).toEqual([{ id: 't.spec.ts', reasons: ['imports a via b'] }]);
  });
});
