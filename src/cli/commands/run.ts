import { logger } from '../../log.ts';
import { loadConfig } from '../../config/load.ts';
import { checkWritable } from '../../files/checkWritable.ts';
import { Progress } from '../../report/progress.ts';
import type { CommonFlags } from '../args.ts';
import { openPool, type OpenPool } from '../openPool.ts';
import { resolveProviderKind } from '../../providers/createProvider.ts';
import type { planSelection } from '../planSelection.ts';
import { installShutdown } from '../shutdown.ts';

/**
 * `vmwatch run`: select, run and report once. Exit 0 all passed, 1 a test failed, 2 usage/config
 * or a results folder vmwatch cannot write, 130 interrupted.
 */
const log = logger('cli');

export async function runCommand(flags: CommonFlags): Promise<number> {
  const startedAt = Date.now();
  const config = await loadConfig(flags.config === undefined ? {} : { file: flags.config });
  await checkWritable(config.artifactsInto, `artifacts.into (${config.configFile})`);
  const shutdown = installShutdown();
  const progress = new Progress();
  const putAway = new AbortController();
  // Settles when the first machine is up, or the pool cannot start one soon: it failed, or it is
  // building a missing snapshot first.
  let machineUp = (): void => {};
  const firstMachine = new Promise<void>((resolve) => {
    machineUp = resolve;
  });
  const startPool = (): Promise<OpenPool> => {
    const signal = AbortSignal.any([shutdown.signal, putAway.signal]);
    const opening = openPool(config, progress, { signal, warmRunners: 'load', onPrepared: machineUp, onBuildingSnapshot: machineUp });
    opening.then(machineUp, machineUp); // also keeps a failure from going unhandled: it is awaited below
    return opening;
  };
  // Sandbox machines are cheap to make and to throw away: they start (the app synced ahead, a warm
  // runner loading) while the changes are worked out, and nothing affected puts them away. VMs
  // (boots, a pool kept warm between runs, remote machines) start only once tests are affected.
  let opening = startsAhead(config) ? startPool() : null;
  const closeUnused = async (): Promise<void> => {
    putAway.abort();
    const opened = await opening?.catch(() => null);
    await opened?.pool.destroy();
    shutdown.dispose();
  };
  let selection: Awaited<ReturnType<typeof planSelection>>;
  try {
    // The selection, and loading its modules, waits until the first machine is up (at most
    // FIRST_MACHINE_WAIT_MS). Its CPU would slow every step of that start, each of which needs this
    // process; once the machine's runner is loading, on another core, that load is the longest
    // part of the run.
    if (opening !== null) await settledWithin(firstMachine, FIRST_MACHINE_WAIT_MS);
    if (shutdown.signal.aborted) {
      await closeUnused();
      return 130;
    }
    const { planSelection } = await import('../planSelection.ts');
    log.debug({ afterMs: Date.now() - startedAt }, 'selecting the tests to run');
    selection = await planSelection(config, {
      ...(flags.since === undefined ? {} : { since: flags.since }),
      all: flags.all,
      ...(flags.tests === undefined ? {} : { tests: flags.tests }),
    });
  } catch (err) {
    await closeUnused();
    throw err;
  }
  const { plan, testCases } = selection;
  const out = flags.json ? process.stderr : process.stdout;
  if (plan.tests.length === 0 || shutdown.signal.aborted) {
    const interrupted = shutdown.signal.aborted;
    await closeUnused();
    if (interrupted) return 130;
    out.write(`no test is affected by ${plan.changedFiles.length} changed file(s)\n`);
    if (flags.json)
      process.stdout.write(
        `${JSON.stringify({ runId: null, changedFiles: plan.changedFiles, tests: [], passed: 0, failed: 0 }, null, 2)}\n`,
      );
    return 0;
  }
  try {
    const [{ executeRun }, { Notifier }, { ResultsStore }] = await Promise.all([
      import('../executeRun.ts'),
      import('../../report/notify.ts'),
      import('../../report/resultsStore.ts'),
    ]);
    const store = new ResultsStore(config.artifactsInto, { root: config.root });
    await store.load();
    opening ??= startPool();
    const opened = await opening;
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
      // Each machine got the app when it was made or reverted, after this run started: the tree it is about.
      changesSince: (at) => (at >= startedAt ? [] : null),
    });
    if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    if (shutdown.signal.aborted) return 130;
    if (summary.error !== undefined) return 2;
    return summary.failed > 0 ? 1 : 0;
  } catch (err) {
    if (shutdown.signal.aborted) return 130;
    throw err;
  } finally {
    const destroying = Date.now();
    await (await opening?.catch(() => null))?.pool.destroy();
    log.debug({ ms: Date.now() - destroying }, 'pool destroyed');
    shutdown.dispose();
  }
}

/**
 * The selection waits at most this long for the first sandbox machine (a loaded host, a busy
 * disk): no test could run before it anyway, but "nothing affected" and selection errors are
 * said without it.
 */
const FIRST_MACHINE_WAIT_MS = 10_000;

async function settledWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function startsAhead(config: Parameters<typeof resolveProviderKind>[0]): boolean {
  try {
    return resolveProviderKind(config) === 'sandbox';
  } catch {
    return false; // openPool says why, if the run needs a pool at all
  }
}
