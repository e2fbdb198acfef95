import type { SlotStatus } from '../../pool/types.ts';
import type { LiveState } from '../../report/statusArea.ts';
import type { RunSummary } from '../../report/types.ts';
import type { WatchScheduler } from '../../schedule/WatchScheduler.ts';

export interface LiveStateSources {
  machines: () => SlotStatus[];
  scheduler: WatchScheduler;
  expectedMs: (id: string) => number | undefined;
  lastRun: RunSummary | null;
  filter: string | null;
}

/** What the status area shows now: machines, queued and running tests (with their expected time), the last run. */
export function liveState(from: LiveStateSources): Omit<LiveState, 'prompt' | 'help' | 'showHelp'> {
  const current = from.scheduler.current;
  return {
    machines: from.machines(),
    queued: [...(current?.control.queued() ?? []), ...(from.scheduler.pending?.tests.map((t) => t.id) ?? [])],
    running: (current?.control.running() ?? []).map(({ id, vm, startedAt }) => {
      const expectedMs = from.expectedMs(id);
      return { id, vm, startedAt, ...(expectedMs === undefined ? {} : { expectedMs }) };
    }),
    lastRun: from.lastRun,
    filter: from.filter,
    now: Date.now(),
    cwd: process.cwd(),
  };
}
