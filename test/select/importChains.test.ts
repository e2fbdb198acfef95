import { describe, expect, it } from 'vitest';
import { ImporterChains, importsReason } from '../../src/select/importChains.ts';
import { explainTest } from '../../src/select/explain.ts';
import type { ImportKind, TestCase } from '../../src/select/types.ts';

/** A graph from `importer -> imported` lines; `=>` marks a type-only import. */
function graphOf(...lines: string[]) {
  const edges = lines.map((line) => {
    const [importer, arrow, imported] = line.split(' ') as [string, string, string];
    return { importer, imported, kind: (arrow === '=>' ? 'type-only' : 'runtime') as ImportKind };
  });
  return {
    importersOf: (file: string) => edges.filter((e) => e.imported === file).map((e) => e.importer),
    importKind: (importer: string, imported: string) => edges.find((e) => e.importer === importer && e.imported === imported)?.kind,
  };
}

describe('ImporterChains', () => {
  // t.spec -> b -> leaf (runtime, long); t.spec => leaf (type-only, short); u.spec -> c => leaf.
  const graph = graphOf('t.spec -> b', 'b -> leaf', 't.spec => leaf', 'u.spec -> c', 'c => leaf');

  it('prefers a runtime chain to a shorter type-only one, whether or not the test typechecks', () => {
    const chains = new ImporterChains('leaf', graph);
    expect(chains.chainOf('t.spec', true)).toEqual({ via: ['b'], typeOnly: false });
    expect(chains.chainOf('t.spec', false)).toEqual({ via: ['b'], typeOnly: false });
  });

  it('reaches through a type-only link only for a test that typechecks', () => {
    const chains = new ImporterChains('leaf', graph);
    expect(chains.chainOf('u.spec', true)).toEqual({ via: ['c'], typeOnly: true });
    expect(chains.chainOf('u.spec', false)).toBeUndefined();
    expect(chains.chainOf('leaf', true)).toBeUndefined();
    expect(chains.linkKinds('u.spec', ['c'])).toEqual(['runtime', 'type-only']);
    expect(importsReason('leaf', { via: ['c'], typeOnly: true })).toBe('imports leaf via c (type-only)');
    expect(importsReason('leaf', { via: [], typeOnly: false })).toBe('imports leaf');
  });

  it('survives cycles through type-only links', () => {
    const chains = new ImporterChains('a', graphOf('b => a', 'a -> b', 't.spec -> b'));
    expect(chains.importers()).toEqual(['b', 't.spec']);
    expect(chains.chainOf('t.spec', true)).toEqual({ via: ['b'], typeOnly: true });
    expect(chains.chainOf('t.spec', false)).toBeUndefined();
  });
});

describe('explainTest', () => {
  const graph = graphOf('u.spec -> c', 'c => leaf', 'r.spec -> leaf');
  const plan = {
    changedFiles: ['leaf'],
    all: false,
    tests: [{ id: 'u.spec', reasons: ['imports leaf via c (type-only)'] }],
    uncovered: [],
  };
  const test = (id: string, typechecks?: boolean): TestCase => ({
    id,
    kind: 'discovered',
    command: 'x',
    file: id,
    ...(typechecks === undefined ? {} : { typechecks }),
  });

  it('spells out a type-only chain with the kind of each link', () => {
    expect(explainTest(test('u.spec'), plan, graph)).toEqual({
      id: 'u.spec',
      selected: true,
      reasons: ['imports leaf via c (type-only)'],
      chains: [['u.spec', 'c', 'leaf']],
      links: [['runtime', 'type-only']],
    });
  });

  it('shows no chain a test cannot observe', () => {
    expect(explainTest(test('u.spec', false), { ...plan, tests: [] }, graph)).toMatchObject({ selected: false, chains: [], links: [] });
    expect(explainTest(test('r.spec', false), plan, graph).links).toEqual([['runtime']]);
  });
});
