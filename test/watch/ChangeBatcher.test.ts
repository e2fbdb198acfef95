import { describe, expect, it } from 'vitest';
import { ChangeBatcher, type BatchTiming } from '../../src/watch/ChangeBatcher.ts';

/** A clock and timers we advance by hand: no sleeping, no wall-clock asserts. */
function fakeClock() {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 1;
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimer: (id: unknown) => {
      timers = timers.filter((t) => t.id !== id);
    },
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        now = due.at;
        timers = timers.filter((t) => t !== due);
        due.fn();
      }
      now = until;
    },
  };
}

describe('ChangeBatcher', () => {
  const setup = (debounceMs: number, maxWaitMs?: number) => {
    const clock = fakeClock();
    const batches: Array<{ files: string[]; timing: BatchTiming; at: number }> = [];
    const batcher = new ChangeBatcher({
      debounceMs,
      ...(maxWaitMs === undefined ? {} : { maxWaitMs }),
      onBatch: (files, timing) => batches.push({ files, timing, at: clock.now() }),
      ...clock,
    });
    return { clock, batches, batcher };
  };

  it('emits one sorted, deduplicated batch after the quiet time', () => {
    const { clock, batches, batcher } = setup(100);
    batcher.add('b.ts');
    clock.advance(50);
    batcher.add('a.ts');
    batcher.add('b.ts');
    clock.advance(99);
    expect(batches).toEqual([]);
    clock.advance(1);
    expect(batches).toEqual([{ files: ['a.ts', 'b.ts'], timing: { firstEventAt: 0, lastEventAt: 50 }, at: 150 }]);
  });

  it('200 events within a second make one batch', () => {
    const { clock, batches, batcher } = setup(150, 5000);
    for (let i = 0; i < 200; i++) {
      batcher.add(`f${i % 50}.ts`);
      clock.advance(5);
    }
    clock.advance(150);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.files).toHaveLength(50);
  });

  it('caps the wait for a steady stream at maxWaitMs', () => {
    const { clock, batches, batcher } = setup(100, 300);
    for (let i = 0; i < 10; i++) {
      batcher.add('x.ts');
      clock.advance(50);
    }
    // events at 0, 50, …, 450: without the cap nothing would be emitted before 550
    expect(batches[0]).toEqual({ files: ['x.ts'], timing: { firstEventAt: 0, lastEventAt: 250 }, at: 300 });
    clock.advance(100);
    expect(batches.map((b) => b.at)).toEqual([300, 550]);
  });

  it('flush emits at once; close drops what is pending and ignores later events', () => {
    const { clock, batches, batcher } = setup(100);
    batcher.add('a.ts');
    batcher.flush();
    expect(batches.map((b) => b.files)).toEqual([['a.ts']]);
    batcher.add('b.ts');
    batcher.close();
    batcher.add('c.ts');
    clock.advance(1000);
    expect(batches).toHaveLength(1);
  });
});
