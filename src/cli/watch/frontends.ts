import { openBrowser } from '../../api/openBrowser.ts';
import type { ResolvedConfig } from '../../config/types.ts';
import { homePaths } from '../../paths.ts';
import type { ResultsStore } from '../../report/resultsStore.ts';
import type { LiveState } from '../../report/statusArea.ts';
import type { WatchScheduler } from '../../schedule/WatchScheduler.ts';
import type { ImportGraph } from '../../select/graph/importGraph.ts';
import type { Plan, TestCase } from '../../select/types.ts';
import { Interactive, interactiveTerminal } from '../interactive/Interactive.ts';
import { onWatchKey } from '../interactive/watchKeys.ts';
import { daemonApi } from './daemonApi.ts';
import { startDashboard, type Dashboard } from './startDashboard.ts';
import type { WatchRuns } from './WatchRuns.ts';

export interface FrontendSources {
  config: ResolvedConfig;
  graph: ImportGraph;
  testCases: () => readonly TestCase[];
  scheduler: WatchScheduler;
  store: ResultsStore;
  runs: WatchRuns;
  out: NodeJS.WriteStream;
  state: () => Omit<LiveState, 'prompt' | 'help' | 'showHelp'>;
  submit: (plan: Plan) => void;
  setFilter: (pattern: string | null) => void;
  quit: () => void;
}

/** What a developer sees and uses besides the terminal lines: the dashboard and the keys. */
export interface Frontends {
  stop(): Promise<void>;
}

/** Serve the dashboard (config `ui`) and, on a terminal, read the keys and draw the status area. */
export async function startFrontends(s: FrontendSources): Promise<Frontends> {
  const say = (line: string): void => void s.out.write(`${line}\n`);
  const dashboard: Dashboard | null = await startDashboard(
    s.config,
    daemonApi({
      ...s,
      events: s.runs.events,
      liveLogs: s.runs.liveLogs,
      current: () => s.runs.current,
      // The page learns from the state which run is in progress (a page opened mid-run).
      state: () => ({ ...s.state(), current: s.runs.current && { runId: s.runs.current.runId, total: s.runs.current.total } }),
    }),
    s.out,
  );
  const openUi = (): void => {
    const url = dashboard?.server.url;
    if (url === undefined) {
      say('no dashboard (ui: false in the config, or its port was taken)');
      return;
    }
    void openBrowser(url, homePaths.daemonLauncher(s.config.pool.name)).then((opened) => {
      if (!opened) say(`no browser opener found: open ${url}`);
    });
  };
  let interactive: Interactive | null = null;
  if (interactiveTerminal()) {
    interactive = new Interactive({
      state: s.state,
      onAction: (action) =>
        onWatchKey(action, {
          testCases: s.testCases,
          discover: s.config.discover,
          failing: () => s.store.failing(),
          failedCases: (id) => s.store.failedCases(id),
          lastPlan: () => s.runs.lastPlan,
          setFilter: s.setFilter,
          say,
          submit: s.submit,
          openUi,
          quit: s.quit,
        }),
    });
    interactive.start();
  }
  return {
    stop: async () => {
      await dashboard?.stop();
      interactive?.stop();
    },
  };
}
