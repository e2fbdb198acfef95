import { describe, expect, it } from 'vitest';
import { mergePlans } from '../../src/select/mergePlans.ts';

describe('mergePlans', () => {
  it('unions tests (merging reasons) and changed files', () => {
    const merged = mergePlans(
      { changedFiles: ['b.ts'], all: false, tests: [{ id: 't2', reasons: ['changed b.ts'] }], uncovered: ['x.md'] },
      {
        changedFiles: ['a.ts', 'b.ts'],
        all: false,
        tests: [
          { id: 't1', reasons: ['imports a.ts'] },
          { id: 't2', reasons: ['imports a.ts', 'changed b.ts'] },
        ],
        uncovered: [],
      },
    );
    expect(merged).toEqual({
      changedFiles: ['a.ts', 'b.ts'],
      all: false,
      tests: [
        { id: 't1', reasons: ['imports a.ts'] },
        { id: 't2', reasons: ['changed b.ts', 'imports a.ts'] },
      ],
      uncovered: ['x.md'],
    });
  });

  it('keeps a case filter only when every plan asks for cases of that test, and then unions them', () => {
    const plan = (tests: Array<{ id: string; reasons: string[]; cases?: string[] }>) => ({
      changedFiles: [],
      all: false,
      tests,
      uncovered: [],
    });
    const merged = mergePlans(
      plan([
        { id: 'a', reasons: ['f'], cases: ['x'] },
        { id: 'b', reasons: ['f'], cases: ['y'] },
      ]),
      plan([
        { id: 'a', reasons: ['f'], cases: ['z', 'x'] },
        { id: 'b', reasons: ['changed'] },
      ]),
    );
    expect(merged.tests).toEqual([
      { id: 'a', reasons: ['f'], cases: ['x', 'z'] },
      { id: 'b', reasons: ['f', 'changed'] },
    ]);
  });
});
