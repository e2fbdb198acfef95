import { logger } from '../../log.ts';
import { loadConfig } from '../../config/load.ts';
import { checkWritable } from '../../files/checkWritable.ts';
import { Notifier } from '../../report/notify.ts';
import { Progress } from '../../report/progress.ts';
import { ResultsStore } from '../../report/resultsStore.ts';
import type { CommonFlags } from '../args.ts';
import { executeRun } from '../executeRun.ts';
import { openPool } from '../openPool.ts';
import { planSelection } from '../planSelection.ts';
import { installShutdown } from '../shutdown.ts';

/**
 * `vmwatch run`: select, run and report once. Exit 0 all passed, 1 a test failed, 2 usage/config
 * or a results folder vmwatch cannot write, 130 interrupted.
 */
const log = logger('cli');

export async function runCommand(flags: CommonFlags): Promise<number> {
  const config = await loadConfig(flags.config === undefined ? {} : { file: flags.config });
  await checkWritable(config.artifactsInto, `artifacts.into (${config.configFile})`);
  const { plan, testCases } = await planSelection(config, {
    ...(flags.since === undefined ? {} : { since: flags.since }),
    all: flags.all,
    ...(flags.tests === undefined ? {} : { tests: flags.tests }),
  });
  const out = flags.json ? process.stderr : process.stdout;
  if (plan.tests.length === 0) {
    out.write(`no test is affected by ${plan.changedFiles.length} changed file(s)\n`);
    if (flags.json)
      process.stdout.write(
        `${JSON.stringify({ runId: null, changedFiles: plan.changedFiles, tests: [], passed: 0, failed: 0 }, null, 2)}\n`,
      );
    return 0;
  }
  const shutdown = installShutdown();
  const progress = new Progress();
  const store = new ResultsStore(config.artifactsInto, { root: config.root });
  await store.load();
  const opened = await openPool(config, progress, undefined, shutdown.signal);
  try {
    const { summary } = await executeRun({
      config,
      opened,
      plan,
      testCases,
      progress,
      store,
      notifier: new Notifier({ config: config.notify }),
      signal: shutdown.signal,
      out,
      color: out.isTTY === true,
    });
    if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    if (shutdown.signal.aborted) return 130;
    if (summary.error !== undefined) return 2;
    return summary.failed > 0 ? 1 : 0;
  } finally {
    const destroying = Date.now();
    await opened.pool.destroy();
    log.debug({ ms: Date.now() - destroying }, 'pool destroyed');
    shutdown.dispose();
  }
}
