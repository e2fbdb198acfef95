import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressLine } from '../../src/runners/progress.ts';
import { BatchClock, type Expired } from '../../src/schedule/BatchClock.ts';

const started = (file: string): string => progressLine('started', file);
const finished = (file: string): string => progressLine('finished', file);

describe('BatchClock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function clock(files: Record<string, number>): { clock: BatchClock; expired: Expired[] } {
    const expired: Expired[] = [];
    const c = new BatchClock(
      Object.entries(files).map(([file, timeoutMs]) => ({ file, timeoutMs })),
      (e) => expired.push(e),
    );
    return { clock: c, expired };
  }

  it('gives each file its own timeout from when it starts, not from when the batch starts', () => {
    const { clock: c, expired } = clock({ 'a.test.ts': 1000, 'b.test.ts': 3000 });
    vi.advanceTimersByTime(5000); // the runner's start-up: no file's time
    c.feed(started('/app/a.test.ts'));
    vi.advanceTimersByTime(900);
    c.feed(finished('/app/a.test.ts'));
    c.feed(started('/app/b.test.ts'));
    vi.advanceTimersByTime(2999);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([{ file: 'b.test.ts', timeoutMs: 3000 }]);
    expect(c.expired).toEqual({ file: 'b.test.ts', timeoutMs: 3000 });
  });

  it('adds up the spans a file runs in (collected, then run), and counts files run side by side each on its own', () => {
    const { clock: c, expired } = clock({ 'a.py': 1000, 'b.py': 1000 });
    c.feed(started('a.py'));
    c.feed(started('b.py'));
    vi.advanceTimersByTime(600);
    c.feed(finished('a.py') + finished('b.py'));
    vi.advanceTimersByTime(10_000); // other files' time
    c.feed(started('b.py'));
    vi.advanceTimersByTime(399);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([{ file: 'b.py', timeoutMs: 1000 }]);
  });

  it('expires once, ignores lines for files not in the batch and repeated starts, and fires nothing after stop', () => {
    const { clock: c, expired } = clock({ 'a.ts': 1000, 'b.ts': 1000 });
    c.feed(started('other.ts'));
    c.feed(started('a.ts'));
    vi.advanceTimersByTime(500);
    c.feed(started('a.ts')); // a second start does not reset its time
    c.feed(started('b.ts'));
    vi.advanceTimersByTime(500);
    expect(expired).toEqual([{ file: 'a.ts', timeoutMs: 1000 }]);
    vi.advanceTimersByTime(5000);
    expect(expired).toHaveLength(1);

    const second = clock({ 'a.ts': 1000 });
    second.clock.feed(started('a.ts'));
    second.clock.stop();
    vi.advanceTimersByTime(5000);
    expect(second.expired).toEqual([]);
  });

  it('a timeout past what a timer can hold (2^31 - 1 ms) does not fire at once', () => {
    const { clock: c, expired } = clock({ 'a.ts': 2 ** 33 });
    c.feed(started('a.ts'));
    vi.advanceTimersByTime(60_000);
    expect(expired).toEqual([]);
  });

  it('maps a reported path to the longest batch file it ends with', () => {
    const { clock: c, expired } = clock({ 'a.test.ts': 5000, 'src/a.test.ts': 1000 });
    c.feed(started('/guest/app/src/a.test.ts'));
    vi.advanceTimersByTime(1000);
    expect(expired).toEqual([{ file: 'src/a.test.ts', timeoutMs: 1000 }]);
  });
});
