import type { ResolvedConfig } from '../config/types.ts';
import { errorMessage } from '../errors.ts';
import { logger } from '../log.ts';
import { collectGarbage } from '../process/collectGarbage.ts';
import { Notifier } from '../report/notify.ts';
import { Progress } from '../report/progress.ts';
import { ResultsStore } from '../report/resultsStore.ts';
import type { Plan, TestCase } from '../select/types.ts';
import type { RunSummary } from '../report/types.ts';
import type { LiveState } from '../report/statusArea.ts';
import type { RunControl } from '../schedule/RunControl.ts';
import { WatchScheduler } from '../schedule/WatchScheduler.ts';
import { ContentHashFilter } from '../watch/ContentHashFilter.ts';
import { executeRun } from './executeRun.ts';
import { Interactive, interactiveTerminal } from './interactive/Interactive.ts';
import { onWatchKey } from './interactive/watchKeys.ts';
import type { OpenPool } from './openPool.ts';
import { loadProject, planSelection } from './planSelection.ts';
import { ChangePipeline } from './watch/changePipeline.ts';
import { submitPlan } from './watch/submitPlan.ts';
import { GraphSaver } from './watch/GraphSaver.ts';
import { liveState } from './watch/liveState.ts';
import { homePaths } from '../paths.ts';
import { LiveLogs } from './watch/liveLogs.ts';
import { daemonApi } from './watch/daemonApi.ts';
import { DaemonEvents } from './watch/DaemonEvents.ts';
import { deferred } from './watch/deferred.ts';
import { openBrowser } from '../api/openBrowser.ts';
import { startDashboard, type Dashboard } from './watch/startDashboard.ts';
import { openWatchPool } from './watch/openWatchPool.ts';
import { watchTree, type WatchedTree } from './watch/watchTree.ts';
import type { BatchTiming } from '../watch/ChangeBatcher.ts';

const log = logger('watch');

export interface WatchLoopOptions {
  /** The `q` key: stop as Ctrl-C would. */
  onQuit: () => void;
}

/**
 * The daemon, wired together: a warm pool, chokidar → debounce (ChangeBatcher) → the change
 * pipeline (filter, layout, graph, plan) → the scheduler (onBusy) → runs, with the keys and the
 * status area on a terminal. The parts live in watch/, interactive/, schedule/ and report/.
 */
export class WatchLoop {
  readonly #config: ResolvedConfig;
  readonly #signal: AbortSignal;
  readonly #progress = new Progress();
  readonly #out = process.stdout;
  readonly #store: ResultsStore;
  readonly #notifier: Notifier;
  readonly #onQuit: () => void;
  #opened?: OpenPool;
  #pipeline?: ChangePipeline;
  #graphSaver?: GraphSaver;
  #files = new Set<string>();
  #tree?: WatchedTree;
  readonly #scheduler: WatchScheduler;
  #lastPlan: Plan | null = null;
  #lastRun: RunSummary | null = null;
  #filter: string | null = null;
  #interactive: Interactive | null = null;
  #batches: Promise<void> = Promise.resolve();
  #hashes: ContentHashFilter;
  /** Settles when the pool is open (or could not open): saves made during start-up wait for it. */
  readonly #poolOpened = deferred();
  readonly #events = new DaemonEvents();
  readonly #liveLogs = new LiveLogs(this.#events);
  #dashboard: Dashboard | null = null;

  constructor(config: ResolvedConfig, signal: AbortSignal, options: WatchLoopOptions) {
    this.#config = config;
    this.#signal = signal;
    this.#onQuit = options.onQuit;
    this.#store = new ResultsStore(config.artifactsInto, { root: config.root });
    this.#notifier = new Notifier({ config: config.notify });
    this.#hashes = new ContentHashFilter(config.root);
    this.#scheduler = new WatchScheduler({ onBusy: config.watch.onBusy, signal, execute: (plan, control) => this.#execute(plan, control) });
  }

  #starting: Promise<void> | undefined;

  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const config = this.#config;
    const live = (): void => this.#signal.throwIfAborted();
    await this.#store.load();
    const { graph, testCases, files } = await loadProject(config);
    this.#files = new Set(files);
    live();
    this.#graphSaver = new GraphSaver(graph, (message) => log.warn(message));
    this.#pipeline = new ChangePipeline({
      config,
      graph,
      hashes: this.#hashes,
      files: this.#files,
      testCases,
      onGraphChanged: () => {
        if (config.select.persistGraph !== false) this.#graphSaver?.schedule();
      },
      say: (line) => this.#out.write(`${line}\n`),
      submit: (plan) => this.#submit(plan, 'change'),
    });
    // Like `jest --watch`: start with what already differs from HEAD. Remember those contents, so
    // the watcher reporting the same files again (a race with start-up) runs nothing twice.
    const initial = await planSelection(config, { graph, testCases, refreshGraph: true });
    await this.#hashes.remember(initial.plan.changedFiles);
    live();
    // The watcher comes before the pool: machines synced after the journal starts get partial
    // syncs and warm batches from the first save on. A save before the pool is up waits for it.
    this.#tree = await watchTree(config, this.#files, (files, timing) => this.#onBatch(files, timing));
    live();
    const onPoolChange = (): void => this.#events.emit('state', { machines: this.#opened?.pool.status() ?? [] });
    const opened = await openWatchPool(config, this.#progress, this.#notifier, this.#signal, onPoolChange).catch((err: unknown) => {
      this.#poolOpened.reject(err);
      throw err;
    });
    this.#opened = opened;
    this.#poolOpened.resolve();
    live();
    this.#out.write(
      `vmwatch: watching ${config.root} — ${testCases.length} test(s), ` +
        `pool of ${config.pool.size} ${opened.provider.kind} machine(s) ready. Ctrl-C stops.\n`,
    );
    this.#dashboard = await startDashboard(
      config,
      daemonApi({
        config,
        graph,
        testCases: () => this.#testCases,
        scheduler: this.#scheduler,
        store: this.#store,
        events: this.#events,
        liveLogs: this.#liveLogs,
        state: () => this.#liveState(),
        submit: (plan) => this.#submit(plan, 'user'),
      }),
      this.#out,
    );
    collectGarbage();
    log.debug({ memory: process.memoryUsage(), files: this.#files.size }, 'ready');
    if (initial.plan.tests.length > 0) {
      this.#out.write(`${initial.plan.changedFiles.length} file(s) differ from HEAD → ${initial.plan.tests.length} test(s)\n`);
      this.#submit(initial.plan, 'change');
    }
    if (interactiveTerminal()) {
      this.#interactive = new Interactive({
        state: () => this.#liveState(),
        onAction: (action) =>
          onWatchKey(action, {
            testCases: () => this.#testCases,
            discover: config.discover,
            failing: () => this.#store.failing(),
            failedCases: (id) => this.#store.failedCases(id),
            lastPlan: () => this.#lastPlan,
            setFilter: (pattern) => (this.#filter = pattern),
            say: (line) => this.#out.write(`${line}\n`),
            submit: (plan) => this.#submit(plan, 'user'),
            openUi: () => this.#openUi(),
            quit: this.#onQuit,
          }),
      });
      this.#interactive.start();
    }
  }

  #openUi(): void {
    const url = this.#dashboard?.server.url;
    if (url === undefined) return void this.#out.write('no dashboard (ui: false in the config, or its port was taken)\n');
    void openBrowser(url, homePaths.daemonLauncher(this.#config.pool.name)).then((opened) => {
      if (!opened) this.#out.write(`no browser opener found: open ${url}\n`);
    });
  }

  #liveState(): Omit<LiveState, 'prompt' | 'help' | 'showHelp'> {
    return liveState({
      machines: () => this.#opened?.pool.status() ?? [],
      scheduler: this.#scheduler,
      expectedMs: (id) => this.#store.expectedMs(id),
      lastRun: this.#lastRun,
      filter: this.#filter,
    });
  }

  #submit(plan: Plan, origin: 'change' | 'user'): void {
    submitPlan(plan, origin, this.#filter, this.#scheduler, (line) => this.#out.write(`${line}\n`));
  }

  async #execute(plan: Plan, control: RunControl): Promise<void> {
    this.#lastPlan = plan;
    try {
      await executeRun({
        config: this.#config,
        opened: this.#opened!,
        plan,
        testCases: new Map(this.#testCases.map((t) => [t.id, t])),
        progress: this.#progress,
        store: this.#store,
        notifier: this.#notifier,
        signal: this.#signal,
        out: this.#out,
        color: this.#out.isTTY === true,
        control,
        ...(this.#tree ? { changesSince: (at: number) => this.#tree!.journal.changesSince(at) } : {}),
        onRunStart: (runId) => {
          this.#liveLogs.start(runId);
          this.#events.emit('run-start', { runId, tests: plan.tests.map((t) => t.id), changedFiles: plan.changedFiles });
        },
        onLog: (ids, file, live) => this.#liveLogs.set(ids, file, live),
        onSummary: (summary) => {
          this.#liveLogs.end();
          this.#lastRun = summary;
          this.#events.emit('run-end', summary);
        },
        onTestResult: (result) => this.#events.emit('result', result),
      });
    } catch (err) {
      log.error({ err }, `run failed: ${errorMessage(err)}`);
    }
  }

  #onBatch(files: string[], timing: BatchTiming): void {
    log.debug({ files, ...timing, batchAt: Date.now() }, 'batch');
    this.#batches = this.#batches
      .then(() => this.#handleBatch(files))
      .catch((err: unknown) => log.error({ err }, `could not handle a change: ${errorMessage(err)}`));
  }

  async #handleBatch(batch: string[]): Promise<void> {
    // A save during start-up waits for the pool (a pool that failed to open ends the watch anyway).
    await this.#poolOpened.promise;
    if (this.#signal.aborted) return;
    await this.#pipeline?.handle(batch);
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
    await this.#dashboard?.stop();
    this.#liveLogs.close();
    this.#interactive?.stop();
    await this.#scheduler.idle();
    await this.#notifier.flush();
    await this.#graphSaver?.flush();
    await this.#opened?.pool.destroy();
    this.#progress.clear();
  }
}
