import { loadConfig } from '../../config/load.ts';
import type { CommonFlags } from '../args.ts';
import { planSelection } from '../planSelection.ts';

/** `vmwatch select`: the plan only; nothing runs. */
export async function selectCommand(flags: CommonFlags): Promise<number> {
  const config = await loadConfig(flags.config === undefined ? {} : { file: flags.config });
  const { plan } = await planSelection(config, {
    ...(flags.since === undefined ? {} : { since: flags.since }),
    all: flags.all,
    ...(flags.tests === undefined ? {} : { tests: flags.tests }),
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    return 0;
  }
  const out = process.stdout;
  out.write(`${plan.changedFiles.length} changed file(s)${plan.all ? ' — running everything' : ''}\n`);
  for (const test of plan.tests) out.write(`  ${test.id}\n      ${test.reasons.join('\n      ')}\n`);
  if (plan.tests.length === 0) out.write('  no test is affected\n');
  if (plan.uncovered.length > 0) out.write(`not covered by any test or rule: ${plan.uncovered.join(', ')}\n`);
  return 0;
}
