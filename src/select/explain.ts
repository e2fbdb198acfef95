import { importerTree } from './selectTests.ts';
import type { ImportGraph } from './graph/importGraph.ts';
import type { Plan, TestCase } from './types.ts';

/** Why one test runs, or does not, for a plan: `vmwatch why`. */
export interface Explanation {
  id: string;
  selected: boolean;
  reasons: string[];
  /** For each changed file the test reaches by imports, the shortest chain: the test file first, the changed file last. */
  chains: string[][];
}

/** The plan's reasons for `test`, with the import chains spelled out file by file. */
export function explainTest(test: TestCase, plan: Plan, graph: Pick<ImportGraph, 'importersOf'>): Explanation {
  const selected = plan.tests.find((t) => t.id === test.id);
  const chains: string[][] = [];
  if (test.file !== undefined && !plan.all) {
    for (const changed of new Set(plan.changedFiles)) {
      const towards = importerTree(changed, graph);
      if (!towards.has(test.file) || test.file === changed) continue;
      const chain = [test.file];
      for (let next = towards.get(test.file); next !== undefined; next = towards.get(next)) chain.push(next);
      chains.push(chain);
    }
    chains.sort((a, b) => a.length - b.length);
  }
  return { id: test.id, selected: selected !== undefined, reasons: selected?.reasons ?? [], chains };
}
