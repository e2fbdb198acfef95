import type { ResolvedConfig } from '../config/types.ts';
import { errorMessage } from '../errors.ts';
import { logger } from '../log.ts';
import { collectGarbage } from '../process/collectGarbage.ts';
import { Notifier } from '../report/notify.ts';
import { Progress } from '../report/progress.ts';
import { ResultsStore } from '../report/resultsStore.ts';
import type { LiveState } from '../report/statusArea.ts';
import { WatchScheduler } from '../schedule/WatchScheduler.ts';
import type { Plan, TestCase } from '../select/types.ts';
import type { BatchTiming } from '../watch/ChangeBatcher.ts';
import { ContentHashFilter } from '../watch/ContentHashFilter.ts';
import type { OpenPool } from './openPool.ts';
import { loadProject, planSelection } from './planSelection.ts';
import { ChangePipeline } from './watch/changePipeline.ts';
import { deferred } from './watch/deferred.ts';
import { type Frontends, startFrontends } from './watch/frontends.ts';
import { GraphSaver } from './watch/GraphSaver.ts';
import { liveState } from './watch/liveState.ts';
import { openWatchPool } from './watch/openWatchPool.ts';
import { hasStaleWarmRunner } from '../schedule/warm/staleWarmRunner.ts';
import { submitPlan } from './watch/submitPlan.ts';
import { WatchRuns } from './watch/WatchRuns.ts';
import { type WatchedTree, watchTree } from './watch/watchTree.ts';

const log = logger('watch');

export interface WatchLoopOptions {
  /** The `q` key: stop as Ctrl-C would. */
  onQuit: () => void;
}

/**
 * The daemon, wired together: chokidar → debounce (watchTree) → the change pipeline (filter,
 * layout, graph, plan) → the scheduler (onBusy) → runs (WatchRuns) over a warm pool, with the
 * dashboard and the keys (frontends). The parts live in watch/, interactive/, schedule/, report/.
 */
export class WatchLoop {
  readonly #config: ResolvedConfig;
  readonly #signal: AbortSignal;
  readonly #onQuit: () => void;
  readonly #out = process.stdout;
  readonly #progress = new Progress();
  readonly #store: ResultsStore;
  readonly #notifier: Notifier;
  readonly #hashes: ContentHashFilter;
  readonly #scheduler: WatchScheduler;
  readonly #runs: WatchRuns;
  /** Settles when the pool is open (or could not open): saves made during start-up wait for it. */
  readonly #poolOpened = deferred();
  #opened?: OpenPool;
  #pipeline?: ChangePipeline;
  #graphSaver?: GraphSaver;
  #tree?: WatchedTree;
  #frontends?: Frontends;
  #filter: string | null = null;
  #batches: Promise<void> = Promise.resolve();
  #starting: Promise<void> | undefined;

  constructor(config: ResolvedConfig, signal: AbortSignal, options: WatchLoopOptions) {
    this.#config = config;
    this.#signal = signal;
    this.#onQuit = options.onQuit;
    this.#store = new ResultsStore(config.artifactsInto, { root: config.root });
    this.#notifier = new Notifier({ config: config.notify });
    this.#hashes = new ContentHashFilter(config.root);
    this.#runs = new WatchRuns({
      config,
      signal,
      progress: this.#progress,
      store: this.#store,
      notifier: this.#notifier,
      out: this.#out,
      pool: () => this.#opened!,
      testCases: () => this.#testCases,
      changesSince: (at) => this.#tree?.journal.changesSince(at) ?? null,
    });
    this.#scheduler = new WatchScheduler({ onBusy: config.watch.onBusy, signal, execute: (plan, c) => this.#runs.execute(plan, c) });
  }

  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const config = this.#config;
    const live = (): void => this.#signal.throwIfAborted();
    const say = (line: string): void => void this.#out.write(`${line}\n`);
    await this.#store.load();
    const { graph, testCases, files } = await loadProject(config);
    const known = new Set(files);
    live();
    this.#graphSaver = new GraphSaver(graph, (message) => log.warn(message));
    const saveGraph = (): void => (config.select.persistGraph !== false ? this.#graphSaver?.schedule() : undefined);
    const submit = (plan: Plan): void => this.#submit(plan, 'change');
    this.#pipeline = new ChangePipeline({
      config,
      graph,
      hashes: this.#hashes,
      files: known,
      testCases,
      onGraphChanged: saveGraph,
      say,
      submit,
    });
    // Like `jest --watch`: start with what already differs from HEAD. Remember those contents, so
    // the watcher reporting the same files again (a race with start-up) runs nothing twice.
    const initial = await planSelection(config, { graph, testCases, refreshGraph: true });
    await this.#hashes.remember(initial.plan.changedFiles);
    live();
    // The watcher comes before the pool: machines synced after the journal starts get partial
    // syncs and warm batches from the first save on. A save before the pool is up waits for it.
    this.#tree = await watchTree(config, known, (changed, timing) => this.#onBatch(changed, timing));
    live();
    const onPoolChange = (): void => this.#runs.poolChanged(this.#opened?.pool.status() ?? []);
    this.#opened = await openWatchPool(config, this.#progress, this.#notifier, this.#signal, onPoolChange).catch((err: unknown) => {
      this.#poolOpened.reject(err);
      throw err;
    });
    this.#poolOpened.resolve();
    live();
    say(
      `vmwatch: watching ${config.root} — ${testCases.length} test(s), ` +
        `pool of ${config.pool.size} ${this.#opened.provider.kind} machine(s) ready. Ctrl-C stops.`,
    );
    this.#frontends = await startFrontends({
      config,
      graph,
      scheduler: this.#scheduler,
      store: this.#store,
      runs: this.#runs,
      out: this.#out,
      testCases: () => this.#testCases,
      state: () => this.#liveState(),
      submit: (plan) => this.#submit(plan, 'user'),
      setFilter: (pattern) => (this.#filter = pattern),
      quit: this.#onQuit,
    });
    collectGarbage();
    log.debug({ memory: process.memoryUsage(), files: known.size }, 'ready');
    if (initial.plan.tests.length > 0) {
      say(`${initial.plan.changedFiles.length} file(s) differ from HEAD → ${initial.plan.tests.length} test(s)`);
      this.#submit(initial.plan, 'change');
    }
  }

  #liveState(): Omit<LiveState, 'prompt' | 'help' | 'showHelp'> {
    return liveState({
      machines: () => this.#opened?.pool.status() ?? [],
      scheduler: this.#scheduler,
      expectedMs: (id) => this.#store.expectedMs(id),
      lastRun: this.#runs.lastRun,
      filter: this.#filter,
    });
  }

  #submit(plan: Plan, origin: 'change' | 'user'): void {
    submitPlan(plan, origin, this.#filter, this.#scheduler, (line) => this.#out.write(`${line}\n`));
  }

  #onBatch(files: string[], timing: BatchTiming): void {
    log.debug({ files, ...timing, batchAt: Date.now() }, 'batch');
    this.#batches = this.#batches
      .then(async () => {
        // A save during start-up waits for the pool (a pool that failed to open ends the watch anyway).
        await this.#poolOpened.promise;
        if (this.#signal.aborted) return;
        this.#restartStaleWarmRunners();
        await this.#pipeline?.handle(files);
      })
      .catch((err: unknown) => log.error({ err }, `could not handle a change: ${errorMessage(err)}`));
  }

  /** Like a restart: idle machines whose warm runner loaded a changed file are made ready again, with a new one. */
  #restartStaleWarmRunners(): void {
    const changesSince = (at: number): string[] | null => this.#tree?.journal.changesSince(at) ?? null;
    const machines = this.#opened?.pool.recycleIdle((vm) => hasStaleWarmRunner(vm, changesSince)) ?? [];
    if (machines.length > 0) log.info({ machines }, 'restarting warm runners: a file they loaded changed');
  }

  get #testCases(): TestCase[] {
    return this.#pipeline?.testCases ?? [];
  }

  /** Stop watching, let the current run wind down (its tests are cancelled), remove the machines. */
  async stop(): Promise<void> {
    await this.#starting?.catch(() => {});
    // Stopped before the pool opened: saves waiting for it give up.
    this.#poolOpened.reject(new Error('vmwatch is stopping'));
    await this.#tree?.close();
    await this.#frontends?.stop();
    this.#runs.close();
    await this.#scheduler.idle();
    await this.#notifier.flush();
    await this.#graphSaver?.flush();
    await this.#opened?.pool.destroy();
    this.#progress.clear();
  }
}
