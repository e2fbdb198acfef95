import { loadConfig } from '../../config/load.ts';
import { UsageError } from '../../errors.ts';
import { explainTest, type Explanation } from '../../select/explain.ts';
import type { CommonFlags } from '../args.ts';
import { planSelection } from '../planSelection.ts';

/** `vmwatch why <testId>`: why the current changes run a test (the shortest chain), or why not. */
export async function whyCommand(flags: CommonFlags, args: string[]): Promise<number> {
  const [id, ...extra] = args;
  if (id === undefined || extra.length > 0)
    throw new UsageError("usage: vmwatch why <testId> [--since REV] [--json]. 'vmwatch select --all' lists the ids.");
  const config = await loadConfig(flags.config === undefined ? {} : { file: flags.config });
  const { plan, testCases, graph } = await planSelection(config, flags.since === undefined ? {} : { since: flags.since });
  const test = testCases.get(id);
  if (test === undefined) throw new UsageError(`unknown test id: ${id}. 'vmwatch select --all' lists them.`);
  const explanation = explainTest(test, plan, graph);
  if (flags.json) process.stdout.write(`${JSON.stringify({ ...explanation, changedFiles: plan.changedFiles, all: plan.all }, null, 2)}\n`);
  else process.stdout.write(formatExplanation(explanation, plan.changedFiles.length));
  return 0;
}

function formatExplanation(explanation: Explanation, changedCount: number): string {
  if (!explanation.selected) {
    const what =
      changedCount === 0
        ? 'nothing has changed'
        : `none of the ${changedCount} changed file(s) is the test, is imported by it, or matches a rule for it`;
    return `${explanation.id} does not run: ${what}\n`;
  }
  const lines = [`${explanation.id} runs because:`, ...explanation.reasons.map((reason) => `  ${reason}`)];
  if (explanation.chains.length > 0) {
    const typeOnly = explanation.links.some((links) => links.includes('type-only'));
    lines.push(typeOnly ? 'import chains (shortest first; ⇢ is a type-only import):' : 'import chains (shortest first):');
    for (const [i, chain] of explanation.chains.entries()) lines.push(`  ${formatChain(chain, explanation.links[i] ?? [])}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `a → b ⇢ c`: each link's arrow says whether it is a runtime or a type-only import. */
function formatChain(chain: string[], links: Explanation['links'][number]): string {
  return chain.map((file, j) => (j === 0 ? file : `${links[j - 1] === 'type-only' ? ' ⇢ ' : ' → '}${file}`)).join('');
}
