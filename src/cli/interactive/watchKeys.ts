import type { DiscoverRule } from '../../config/types.ts';
import type { Plan, TestCase } from '../../select/types.ts';
import type { KeyAction } from './keyInput.ts';

/** What the watch-mode keys need from the watcher. */
export interface WatchKeysContext {
  testCases: () => readonly TestCase[];
  discover: readonly DiscoverRule[];
  /** Ids failing now, and each one's failed cases (empty: none known, rerun the whole file). */
  failing: () => string[];
  failedCases: (id: string) => string[];
  lastPlan: () => Plan | null;
  setFilter: (pattern: string | null) => void;
  say: (line: string) => void;
  submit: (plan: Plan) => void;
  /** Open the dashboard in the browser. */
  openUi: () => void;
  quit: () => void;
}

const plainPlan = (ids: readonly string[], reason: string): Plan => ({
  changedFiles: [],
  all: false,
  tests: ids.map((id) => ({ id, reasons: [reason] })),
  uncovered: [],
});

/**
 * `f` on a runner that can filter: only the cases that failed last time. A file that failed
 * outside any case, or whose runner cannot filter (`command`), runs whole.
 */
function onlyFailedCases(plan: Plan, ctx: Pick<WatchKeysContext, 'testCases' | 'discover' | 'failedCases'>): Plan {
  const tests = plan.tests.map((t) => {
    const test = ctx.testCases().find((c) => c.id === t.id);
    const cases = ctx.failedCases(t.id);
    const rule = test?.rule === undefined ? undefined : ctx.discover[test.rule];
    const canFilter = rule?.runner !== undefined && rule.runner !== 'command';
    return canFilter && cases.length > 0 ? { ...t, cases } : t;
  });
  return { ...plan, tests };
}

/** The watch-mode keys, as Jest's and Vitest's: a run all, f rerun failed, Enter rerun the last selection, p filter, q quit. */
export function onWatchKey(action: KeyAction, ctx: WatchKeysContext): void {
  switch (action.kind) {
    case 'runAll':
      ctx.submit(
        plainPlan(
          ctx.testCases().map((t) => t.id),
          'run all (a)',
        ),
      );
      break;
    case 'rerunFailed': {
      const known = new Set(ctx.testCases().map((t) => t.id));
      const failing = ctx.failing().filter((id) => known.has(id));
      if (failing.length === 0) ctx.say('no failing tests to rerun');
      else ctx.submit(onlyFailedCases(plainPlan(failing, 'rerun failed (f)'), ctx));
      break;
    }
    case 'rerunLast': {
      const last = ctx.lastPlan();
      if (last) ctx.submit(last);
      else ctx.say('nothing has run yet: press a to run all');
      break;
    }
    case 'filter': {
      const pattern = action.pattern === '' ? null : action.pattern;
      ctx.setFilter(pattern);
      ctx.say(pattern ? `filter: only tests matching "${pattern}"` : 'filter cleared');
      break;
    }
    case 'openUi':
      ctx.openUi();
      break;
    case 'quit':
      ctx.quit();
      break;
    default:
      break;
  }
}
