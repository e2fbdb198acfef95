import { ImporterChains, type ImporterLookup } from './importChains.ts';
import type { ImportKind, Plan, TestCase } from './types.ts';

/** Why one test runs, or does not, for a plan: `vmwatch why`. */
export interface Explanation {
  id: string;
  selected: boolean;
  reasons: string[];
  /**
   * For each changed file the test reaches by imports it can observe, the chain selection names:
   * the test file first, the changed file last (shortest first).
   */
  chains: string[][];
  /** For each chain, the kind of each link: `links[i][j]` is how `chains[i][j]` imports `chains[i][j + 1]`. */
  links: ImportKind[][];
}

/** The plan's reasons for `test`, with the import chains spelled out file by file. */
export function explainTest(test: TestCase, plan: Plan, graph: ImporterLookup): Explanation {
  const selected = plan.tests.find((t) => t.id === test.id);
  const found: Array<{ chain: string[]; links: ImportKind[] }> = [];
  if (test.file !== undefined && !plan.all) {
    for (const changed of new Set(plan.changedFiles)) {
      const chains = new ImporterChains(changed, graph);
      const chain = chains.chainOf(test.file, test.typechecks !== false);
      if (chain === undefined) continue;
      found.push({ chain: [test.file, ...chain.via, changed], links: chains.linkKinds(test.file, chain.via) });
    }
    found.sort((a, b) => a.chain.length - b.chain.length);
  }
  return {
    id: test.id,
    selected: selected !== undefined,
    reasons: selected?.reasons ?? [],
    chains: found.map((f) => f.chain),
    links: found.map((f) => f.links),
  };
}
