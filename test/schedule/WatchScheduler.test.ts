import { describe, expect, it } from 'vitest';
import type { RunControl } from '../../src/schedule/RunControl.ts';
import { WatchScheduler, type OnBusy } from '../../src/schedule/WatchScheduler.ts';
import type { Plan } from '../../src/select/types.ts';

const plan = (...ids: string[]): Plan => ({
  changedFiles: ['x.ts'],
  all: false,
  tests: ids.map((id) => ({ id, reasons: [`imports x.ts (${id})`] })),
  uncovered: [],
});

/** A scheduler whose runs start their first test and then wait until `finish()`. */
function harness(onBusy: OnBusy, batch = 1) {
  const runs: Array<{ ids: string[]; reasons: Record<string, string[]>; control: RunControl; cancelled: string[] }> = [];
  let finish: () => void = () => {};
  const scheduler = new WatchScheduler({
    onBusy,
    signal: new AbortController().signal,
    execute: async (p, control) => {
      const run = {
        ids: p.tests.map((t) => t.id),
        reasons: Object.fromEntries(p.tests.map((t) => [t.id, t.reasons])),
        control,
        cancelled: [] as string[],
      };
      runs.push(run);
      const first = p.tests.slice(0, batch).map((t) => t.id);
      const signal = control.begin(first);
      signal.addEventListener('abort', () => run.cancelled.push(...first));
      await new Promise<void>((resolve) => (finish = resolve));
      control.end(first);
    },
  });
  return { scheduler, runs, finish: () => finish() };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('WatchScheduler', () => {
  it('queue: new tests run next as one run, minus those still waiting in the current run', async () => {
    const h = harness('queue');
    expect(h.scheduler.submit(plan('a', 'b'))).toEqual({ kind: 'started' });
    await settle();
    // a is running, b waits: b is not queued again; a (running) and c are
    expect(h.scheduler.submit(plan('a', 'b'))).toEqual({ kind: 'queued', tests: 1, skipped: 1 });
    expect(h.scheduler.submit(plan('b', 'c'))).toEqual({ kind: 'queued', tests: 1, skipped: 1 });
    h.finish();
    await settle();
    expect(h.runs.map((r) => r.ids)).toEqual([
      ['a', 'b'],
      ['a', 'c'],
    ]);
    h.finish();
    await h.scheduler.idle();
    expect(h.runs).toHaveLength(2);
    expect(h.runs[0]!.cancelled).toEqual([]);
  });

  it('restart: a running test whose inputs changed is cancelled and requeued with the reason', async () => {
    const h = harness('restart');
    h.scheduler.submit(plan('a', 'b'));
    await settle();
    expect(h.scheduler.submit(plan('a', 'b', 'c'))).toEqual({ kind: 'restarted', cancelled: ['a'], tests: 2 });
    expect(h.runs[0]!.cancelled).toEqual(['a']);
    h.finish();
    await settle();
    expect(h.runs[1]!.ids).toEqual(['a', 'c']);
    expect(h.runs[1]!.reasons['a']).toContain('restarted: its inputs changed during its run');
    h.finish();
    await h.scheduler.idle();
  });

  it('ignore: changes during a run are dropped, but what the user asks for (keys) still queues', async () => {
    const h = harness('ignore');
    h.scheduler.submit(plan('a'));
    await settle();
    expect(h.scheduler.submit(plan('b'))).toEqual({ kind: 'ignored' });
    expect(h.scheduler.submit(plan('c'), 'user')).toMatchObject({ kind: 'queued', tests: 1 });
    h.finish();
    await settle();
    h.finish();
    await h.scheduler.idle();
    expect(h.runs.map((r) => r.ids)).toEqual([['a'], ['c']]);
  });

  it('restart: a batch shares one runner process, so the whole batch is cancelled and every file of it requeued', async () => {
    const h = harness('restart', 2);
    h.scheduler.submit(plan('a', 'b', 'c'));
    await settle();
    // a and b run in one batch; c waits. A change to b stops the batch: a runs again too, c stays queued.
    expect(h.scheduler.submit(plan('b'))).toEqual({ kind: 'restarted', cancelled: ['a', 'b'], tests: 2 });
    expect(h.runs[0]!.cancelled).toEqual(['a', 'b']);
    h.finish();
    await settle();
    expect(h.runs[1]!.ids.sort()).toEqual(['a', 'b']);
    expect(h.runs[1]!.reasons['a']).toContain('restarted: its batch was restarted');
    expect(h.runs[1]!.reasons['b']).toContain('restarted: its inputs changed during its run');
    h.finish();
    await h.scheduler.idle();
  });
});
