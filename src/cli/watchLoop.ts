import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { ResolvedConfig } from '../config/types.ts';
import { errorMessage } from '../errors.ts';
import { logger } from '../log.ts';
import { collectGarbage } from '../process/collectGarbage.ts';
import { writePoolStatus } from '../pool/poolStatusFile.ts';
import { Notifier } from '../report/notify.ts';
import { Progress } from '../report/progress.ts';
import { ResultsStore } from '../report/resultsStore.ts';
import { discoverTests } from '../select/discover.ts';
import { filterIgnored } from '../select/git/gitFilter.ts';
import type { ImportGraph } from '../select/graph/importGraph.ts';
import { persistGraph } from '../select/graph/openGraph.ts';
import type { Plan, TestCase } from '../select/types.ts';
import type { RunSummary } from '../report/types.ts';
import type { LiveState } from '../report/statusArea.ts';
import type { RunControl } from '../schedule/RunControl.ts';
import { WatchScheduler } from '../schedule/WatchScheduler.ts';
import { ChangeBatcher, type BatchTiming } from '../watch/ChangeBatcher.ts';
import { ChangeJournal } from '../watch/ChangeJournal.ts';
import { ContentHashFilter } from '../watch/ContentHashFilter.ts';
import { watchFiles } from '../watch/watchFiles.ts';
import { executeRun } from './executeRun.ts';
import { Interactive, interactiveTerminal } from './interactive/Interactive.ts';
import type { KeyAction } from './interactive/keyInput.ts';
import { testFilter } from './interactive/testFilter.ts';
import { openPool, type OpenPool } from './openPool.ts';
import { loadProject, planSelection } from './planSelection.ts';

const log = logger('watch');
/** The graph is saved to `.vmwatch/graph.json` this long after the last change it took. */
const GRAPH_SAVE_DELAY_MS = 3000;

const withExpected = (ms: number | undefined): { expectedMs?: number } => (ms === undefined ? {} : { expectedMs: ms });

/**
 * The daemon: a warm pool, the import graph, chokidar → debounce → selection → runs. Changes that
 * arrive during a run are queued and run next as one (deduplicated) plan.
 */
export class WatchLoop {
  readonly #config: ResolvedConfig;
  readonly #signal: AbortSignal;
  readonly #progress = new Progress();
  readonly #out = process.stdout;
  readonly #store: ResultsStore;
  readonly #notifier: Notifier;
  #opened?: OpenPool;
  #graph?: ImportGraph;
  #files = new Set<string>();
  #testCases: TestCase[] = [];
  #watcher?: FSWatcher;
  #batcher?: ChangeBatcher;
  readonly #scheduler: WatchScheduler;
  #lastPlan: Plan | null = null;
  #lastRun: RunSummary | null = null;
  #filter: string | null = null;
  #interactive: Interactive | null = null;
  #journal: ChangeJournal | null = null;
  #batches: Promise<void> = Promise.resolve();
  #hashes: ContentHashFilter;
  #saveTimer: NodeJS.Timeout | undefined;
  #saving: Promise<void> = Promise.resolve();

  constructor(config: ResolvedConfig, signal: AbortSignal) {
    this.#config = config;
    this.#signal = signal;
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
    let statusTimer: NodeJS.Timeout | undefined;
    try {
      this.#opened = await openPool(config, this.#progress, () => {
        statusTimer ??= setTimeout(() => {
          statusTimer = undefined;
          if (this.#opened) writePoolStatus(config.pool.name, this.#opened.pool.status());
        }, 100);
      }, this.#signal, true);
    } catch (err) {
      // The developer may not be looking at this terminal: say it where they will see it.
      if (!this.#signal.aborted) await this.#notifier.notifyProblem(errorMessage(err));
      throw err;
    }
    live();
    const { graph, testCases, files } = await loadProject(config);
    this.#files = new Set(files);
    live();
    this.#graph = graph;
    this.#testCases = testCases;
    // Like `jest --watch`: start with what already differs from HEAD. Remember those contents, so
    // the watcher reporting the same files again (a race with start-up) runs nothing twice.
    const initial = await planSelection(config, { graph, testCases });
    await this.#hashes.remember(initial.plan.changedFiles);
    live();
    this.#batcher = new ChangeBatcher({ debounceMs: config.watch.debounceMs, onBatch: (files, timing) => this.#onBatch(files, timing) });
    this.#watcher = await watchFiles({
      root: config.root,
      include: config.watch.include,
      ignore: config.watch.ignore,
      outputs: [config.artifactsInto, path.join(config.root, config.artifacts.dir)],
      onChange: (file) => {
        this.#journal?.record(file);
        this.#batcher?.add(file);
      },
      isKnown: (file) => this.#files.has(file),
      knownUnder: (dir) => [...this.#files].filter((f) => f.startsWith(`${dir}/`)),
      onError: (err) => log.warn({ err }, 'file watcher error'),
    });
    // From now on the watcher sees every change: machines synced after this get partial syncs.
    this.#journal = new ChangeJournal({ fullSyncOn: [...config.triggers.runAll, '**/package.json'] });
    live();
    this.#out.write(
      `vmwatch: watching ${config.root} — ${this.#testCases.length} test(s), pool of ${config.pool.size} ${this.#opened.provider.kind} machine(s) ready. Ctrl-C stops.\n`,
    );
    collectGarbage();
    log.debug({ memory: process.memoryUsage(), files: this.#files.size }, 'ready');
    if (initial.plan.tests.length > 0) {
      this.#out.write(`${initial.plan.changedFiles.length} file(s) differ from HEAD → ${initial.plan.tests.length} test(s)\n`);
      this.#submit(initial.plan, 'change');
    }
    if (interactiveTerminal()) {
      this.#interactive = new Interactive({ state: () => this.#liveState(), onAction: (action) => this.#onKey(action) });
      this.#interactive.start();
    }
  }

  #liveState(): Omit<LiveState, 'prompt' | 'help' | 'showHelp'> {
    const current = this.#scheduler.current;
    return {
      machines: this.#opened?.pool.status() ?? [],
      queued: [...(current?.control.queued() ?? []), ...(this.#scheduler.pending?.tests.map((t) => t.id) ?? [])],
      running: (current?.control.running() ?? []).map(({ id, vm, startedAt }) => ({ id, vm, startedAt, ...withExpected(this.#store.expectedMs(id)) })),
      lastRun: this.#lastRun,
      filter: this.#filter,
      now: Date.now(),
      cwd: process.cwd(),
    };
  }

  /** The watch-mode keys: run all, rerun failed, rerun the last selection, filter, quit. */
  #onKey(action: KeyAction): void {
    const tests = (ids: string[], reason: string): Plan => ({ changedFiles: [], all: false, tests: ids.map((id) => ({ id, reasons: [reason] })), uncovered: [] });
    switch (action.kind) {
      case 'runAll':
        this.#submit(tests(this.#testCases.map((t) => t.id), 'run all (a)'), 'user');
        break;
      case 'rerunFailed': {
        const failing = this.#store.failing().filter((id) => this.#testCases.some((t) => t.id === id));
        if (failing.length === 0) this.#out.write('no failing tests to rerun\n');
        else this.#submit(this.#onlyFailedCases(tests(failing, 'rerun failed (f)')), 'user');
        break;
      }
      case 'rerunLast':
        if (this.#lastPlan) this.#submit(this.#lastPlan, 'user');
        else this.#out.write('nothing has run yet: press a to run all\n');
        break;
      case 'filter':
        this.#filter = action.pattern === '' ? null : action.pattern;
        this.#out.write(this.#filter ? `filter: only tests matching "${this.#filter}"\n` : 'filter cleared\n');
        break;
      case 'quit':
        process.kill(process.pid, 'SIGINT');
        break;
      default:
        break;
    }
  }

  /** `f` on a runner that can filter: only the cases that failed last time (a file that failed outside any case runs whole). */
  #onlyFailedCases(plan: Plan): Plan {
    const tests = plan.tests.map((t) => {
      const test = this.#testCases.find((c) => c.id === t.id);
      const cases = this.#store.failedCases(t.id);
      const rule = test?.rule === undefined ? undefined : this.#config.discover[test.rule];
      const canFilter = rule?.runner !== undefined && rule.runner !== 'command';
      return canFilter && cases.length > 0 ? { ...t, cases } : t;
    });
    return { ...plan, tests };
  }

  /** Apply the `p` filter, then hand the plan to the scheduler and say what became of it. */
  #submit(plan: Plan, origin: 'change' | 'user'): void {
    const match = testFilter(this.#filter);
    const kept = { ...plan, tests: plan.tests.filter((t) => match(t.id)) };
    const hidden = plan.tests.length - kept.tests.length;
    if (hidden > 0) this.#out.write(`${hidden} test(s) left out by the filter "${this.#filter}"\n`);
    if (kept.tests.length === 0) return;
    const what = this.#scheduler.submit(kept, origin);
    if (what.kind === 'ignored') this.#out.write(`tests are running: change ignored (watch.onBusy: 'ignore')\n`);
    else if (what.kind === 'queued') this.#out.write(`queued ${what.tests} test(s) after the current run${what.skipped ? ` (${what.skipped} already waiting in it)` : ''}\n`);
    else if (what.kind === 'restarted' && what.cancelled.length > 0) this.#out.write(`restarting ${what.cancelled.join(', ')}: changed again while running\n`);
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
        ...(this.#journal ? { changesSince: (at: number) => this.#journal!.changesSince(at) } : {}),
        onSummary: (summary) => (this.#lastRun = summary),
      });
    } catch (err) {
      log.error({ err }, `run failed: ${errorMessage(err)}`);
    }
  }

  /** Saves the graph a while after the last change (a restart is then warm), at most one save at a time. */
  #scheduleGraphSave(): void {
    if (this.#config.select.persistGraph === false) return;
    clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      this.#saving = this.#saving.then(() => (this.#graph ? persistGraph(this.#graph, (message) => log.warn(message)) : undefined));
    }, GRAPH_SAVE_DELAY_MS);
    this.#saveTimer.unref();
  }

  #onBatch(files: string[], timing: BatchTiming): void {
    log.debug({ files, ...timing, batchAt: Date.now() }, 'batch');
    this.#batches = this.#batches.then(() => this.#handleBatch(files)).catch((err: unknown) => log.error({ err }, `could not handle a change: ${errorMessage(err)}`));
  }

  async #handleBatch(batch: string[]): Promise<void> {
    if (this.#signal.aborted || !this.#graph) return;
    const files = await this.#hashes.changed(await filterIgnored(this.#config.root, batch));
    if (files.length === 0) return;
    let layoutChanged = false;
    for (const file of files) {
      const exists = existsSync(path.join(this.#config.root, file));
      if (exists !== this.#files.has(file)) layoutChanged = true;
      if (exists) this.#files.add(file);
      else this.#files.delete(file);
    }
    if (layoutChanged) this.#testCases = discoverTests(this.#config, [...this.#files]);
    const selecting = Date.now();
    const { plan } = await planSelection(this.#config, { changedFiles: files, graph: this.#graph, testCases: this.#testCases });
    log.debug({ selectionStartAt: selecting, planAt: Date.now(), tests: plan.tests.length }, 'plan');
    for (const file of files) if (!this.#files.has(file)) this.#graph.remove(file);
    this.#scheduleGraphSave();
    const head = `change: ${files.slice(0, 5).join(', ')}${files.length > 5 ? ` and ${files.length - 5} more` : ''}`;
    if (plan.tests.length === 0) {
      this.#out.write(`${head} → no test affected${plan.uncovered.length ? ` (not covered by any test or rule: ${plan.uncovered.join(', ')})` : ''}\n`);
      return;
    }
    this.#out.write(`${head} → ${plan.tests.length} test(s)\n`);
    this.#submit(plan, 'change');
  }

  /** Stop watching, let the current run wind down (its tests are cancelled), remove the machines. */
  async stop(): Promise<void> {
    await this.#starting?.catch(() => {});
    this.#batcher?.close();
    await this.#watcher?.close();
    this.#interactive?.stop();
    await this.#scheduler.idle();
    await this.#notifier.flush();
    if (this.#saveTimer !== undefined) {
      clearTimeout(this.#saveTimer);
      this.#saveTimer = undefined;
      if (this.#graph) this.#saving = this.#saving.then(() => persistGraph(this.#graph!, (message) => log.warn(message)));
    }
    await this.#saving;
    await this.#opened?.pool.destroy();
    this.#progress.clear();
  }
}
