import type { DaemonApi, RunRequest } from '../../api/types.ts';
import type { ResolvedConfig } from '../../config/types.ts';
import type { ResultsStore } from '../../report/resultsStore.ts';
import type { WatchScheduler } from '../../schedule/WatchScheduler.ts';
import { explainTest } from '../../select/explain.ts';
import type { ImportGraph } from '../../select/graph/importGraph.ts';
import type { Plan, TestCase } from '../../select/types.ts';
import { planSelection } from '../planSelection.ts';
import type { DaemonEvents } from './DaemonEvents.ts';
import type { LiveLogs } from './liveLogs.ts';

export interface DaemonSources {
  config: ResolvedConfig;
  graph: ImportGraph;
  testCases: () => readonly TestCase[];
  scheduler: WatchScheduler;
  store: ResultsStore;
  events: DaemonEvents;
  liveLogs: LiveLogs;
  /** The run in progress with its results so far, or null. */
  current: () => unknown;
  /** The status area's state: machines, queue, running tests, the last run. */
  state: () => unknown;
  submit: (plan: Plan) => void;
}

const plainPlan = (ids: readonly string[], reason: string): Plan => ({
  changedFiles: [],
  all: false,
  tests: ids.map((id) => ({ id, reasons: [reason] })),
  uncovered: [],
});

/** The watch daemon seen through the local API: reads its state, submits and cancels runs. */
export function daemonApi(s: DaemonSources): DaemonApi {
  return {
    runsDir: s.config.artifactsInto,
    state: s.state,
    history: () => s.store.historyView(),
    historyOf: (testId) => s.store.historyOf(testId),
    flaky: () => s.store.flaky(),
    why: async (testId) => {
      const cases = s.testCases();
      const test = cases.find((t) => t.id === testId);
      if (test === undefined) return null;
      const { plan } = await planSelection(s.config, { graph: s.graph, testCases: [...cases] });
      return { ...explainTest(test, plan, s.graph), changedFiles: plan.changedFiles, all: plan.all };
    },
    run: (request: RunRequest) => {
      const known = new Set(s.testCases().map((t) => t.id));
      let ids: string[];
      if ('all' in request) ids = [...known];
      else if ('failed' in request) ids = s.store.failing().filter((id) => known.has(id));
      else {
        const unknown = request.tests.filter((id) => !known.has(id));
        if (unknown.length > 0) return { error: `unknown test id(s): ${unknown.join(', ')}` };
        ids = request.tests;
      }
      if (ids.length === 0) return { error: 'failed' in request ? 'no test is failing' : 'no tests to run' };
      s.submit(
        plainPlan(ids, 'all' in request ? 'run all (dashboard)' : 'failed' in request ? 'rerun failed (dashboard)' : 'asked (dashboard)'),
      );
      return { submitted: ids.length };
    },
    liveLog: (runId, testId) => s.liveLogs.get(runId, testId),
    current: s.current,
    cancel: () => (s.scheduler.current?.control.cancelAll('cancelled from the dashboard') ?? 0) > 0,
    subscribe: (listener, options) => s.events.subscribe(listener, options),
  };
}
