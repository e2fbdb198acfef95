import { benchLoop } from './loop.ts';
import { benchOrchard } from './orchard.ts';
import { benchPool } from './pool.ts';
import { benchRunners } from './runners.ts';
import { benchSelect } from './select.ts';
import { benchTart } from './tart.ts';
import { benchUi } from './ui.ts';
import { benchWatcher } from './watcher.ts';

const args = process.argv.slice(2);
const flagValue = (flag: string): string | undefined => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);

/**
 * `npm run bench [-- --only NAME[,NAME]] [--quick] [--repo DIR]`: every benchmark, printed as one JSON object
 * on stdout (progress on stderr). Medians are the figures to quote. `--repo DIR`: the checkout the
 * `runners` benchmark measures (bench/repos/remeda.sh makes it).
 */
const BENCHES: Record<string, (quick: boolean) => Promise<Record<string, unknown>>> = {
  pool: (quick) => benchPool({ cycles: quick ? 5 : 20 }),
  loop: (quick) => benchLoop({ saves: quick ? 3 : 10 }),
  select: (quick) => benchSelect({ quick }),
  watcher: (quick) => benchWatcher({ quick }),
  tart: (quick) => benchTart({ quick }),
  orchard: (quick) => benchOrchard({ quick }),
  runners: (quick) => benchRunners({ quick, repo: flagValue('--repo') }),
  ui: (quick) => benchUi({ quick }),
};

const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter(Boolean) : Object.keys(BENCHES);
const unknown = only.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark(s) ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

const results: Record<string, unknown> = {
  machine: { node: process.version, platform: process.platform, cpus: (await import('node:os')).cpus().length },
  startedAt: new Date().toISOString(),
};
for (const name of only) {
  process.stderr.write(`bench: ${name}…\n`);
  const started = Date.now();
  results[name] = await BENCHES[name]!(quick);
  process.stderr.write(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
