import { shownText } from '../../report/shownText.ts';
import type { WatchScheduler } from '../../schedule/WatchScheduler.ts';
import type { Plan } from '../../select/types.ts';
import { testFilter } from '../interactive/testFilter.ts';

/** Applies the `p` filter, hands the plan to the scheduler, and says what became of it. */
export function submitPlan(
  plan: Plan,
  origin: 'change' | 'user',
  filter: string | null,
  scheduler: WatchScheduler,
  say: (line: string) => void,
): void {
  const match = testFilter(filter);
  const kept = { ...plan, tests: plan.tests.filter((t) => match(t.id)) };
  const hidden = plan.tests.length - kept.tests.length;
  if (hidden > 0) say(`${hidden} test(s) left out by the filter "${filter}"`);
  if (kept.tests.length === 0) return;
  const what = scheduler.submit(kept, origin);
  if (what.kind === 'ignored') say(`tests are running: change ignored (watch.onBusy: 'ignore')`);
  else if (what.kind === 'queued')
    say(`queued ${what.tests} test(s) after the current run${what.skipped ? ` (${what.skipped} already waiting in it)` : ''}`);
  else if (what.kind === 'restarted' && what.cancelled.length > 0)
    say(`restarting ${what.cancelled.map(shownText).join(', ')}: changed again while running`);
}
