import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { orderTests } from '../../src/select/orderTests.ts';
import { TestHistory } from '../../src/select/testHistory.ts';
import { createTempDir, type TempRepo } from './tempRepo.ts';

const dirs: TempRepo[] = [];
function tempDir(): TempRepo {
  const dir = createTempDir();
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.cleanup();
});

describe('orderTests', () => {
  it('puts failed first, then never-run, then the longest expected first', () => {
    const history = {
      isFailing: (id: string) => id.startsWith('failed'),
      expectedMs: (id: string) => ({ 'failed-short': 10, 'failed-long': 900, short: 5, long: 5000, mid: 300 })[id],
    };
    const ids = ['short', 'new-b', 'failed-short', 'mid', 'new-a', 'long', 'failed-long'];
    expect(orderTests(ids, (id) => id, history)).toEqual(['failed-long', 'failed-short', 'new-a', 'new-b', 'long', 'mid', 'short']);
  });
});

describe('TestHistory', () => {
  it('keeps the last status and recent durations, across a reload', async () => {
    const dir = tempDir();
    const history = new TestHistory(dir.dir);
    expect(await history.load()).toBeUndefined();
    history.record([
      { id: 'a', status: 'passed', durationMs: 100 },
      { id: 'b', status: 'failed', durationMs: 40 },
    ]);
    history.record([
      { id: 'a', status: 'passed', durationMs: 300 },
      { id: 'a', status: 'passed', durationMs: 200 },
      { id: 'b', status: 'cancelled', durationMs: 1 },
    ]);
    await history.save();
    const again = new TestHistory(dir.dir);
    expect(await again.load()).toBeUndefined();
    expect(again.expectedMs('a')).toBe(200);
    expect(again.expectedMs('b')).toBe(40);
    expect(again.isFailing('b')).toBe(true);
    expect(again.expectedMs('never')).toBeUndefined();
    expect(readFileSync(path.join(dir.dir, '.vmwatch/.gitignore'), 'utf8')).toBe('*\n');
  });

  it('keeps a trend of the last 50 runs per test (time, duration, status), across a reload', async () => {
    const dir = tempDir();
    const history = new TestHistory(dir.dir);
    for (let i = 1; i <= 55; i++)
      history.record([{ id: 'a', status: i % 10 === 0 ? 'failed' : 'passed', durationMs: i }], { at: 1000 + i });
    history.record([{ id: 'a', status: 'cancelled', durationMs: 9 }], { at: 2000 });
    await history.save();
    const again = new TestHistory(dir.dir);
    await again.load();
    const trend = again.viewOf('a')?.trend ?? [];
    expect(trend).toHaveLength(50);
    expect(trend[0]).toEqual([1006, 6, 'passed']);
    expect(trend.at(-6)).toEqual([1050, 50, 'failed']);
    expect(trend.at(-1)).toEqual([1055, 55, 'passed']);
    expect(again.viewOf('never')).toBeUndefined();
    expect(again.flakyTests()).toEqual([]);
    again.record([{ id: 'b', status: 'flaky', durationMs: 1 }]);
    again.record([{ id: 'b', status: 'flaky', durationMs: 1 }]);
    again.record([{ id: 'a', status: 'flaky', durationMs: 1 }]);
    expect(again.flakyTests()).toEqual([
      { id: 'b', times: 2 },
      { id: 'a', times: 1 },
    ]);
  });

  it('starts afresh with a warning when the file is corrupt', async () => {
    const dir = tempDir();
    dir.write('.vmwatch/history.json', '{ not json');
    const history = new TestHistory(dir.dir);
    expect(await history.load()).toMatch(/history\.json is corrupt or from another version; starting afresh$/);
    expect(history.size).toBe(0);
    history.record([{ id: 'a', status: 'passed', durationMs: 1 }], { at: 5 });
    await history.save();
    expect(JSON.parse(readFileSync(path.join(dir.dir, '.vmwatch/history.json'), 'utf8'))).toEqual({
      format: 'history-v1',
      tests: { a: { status: 'passed', durations: [1], trend: [[5, 1, 'passed']] } },
    });
  });
});

describe('TestHistory per case', () => {
  it('keeps per-case statuses and durations, and calls a case flaky when it flips in a run with no change', async () => {
    const dir = tempDir();
    const history = new TestHistory(dir.dir);
    const entry = (one: string, two: string) => ({
      id: 'a.test.ts',
      status: one === 'failed' || two === 'failed' ? 'failed' : 'passed',
      durationMs: 30,
      cases: [
        { name: 'one', status: one, durationMs: 10 },
        { name: 'two', status: two, durationMs: 20 },
      ],
    });
    expect(history.record([entry('passed', 'passed')])).toEqual([]);
    // a file changed: a new failure is the change's doing, not flakiness
    expect(history.record([entry('failed', 'passed')], { unchanged: false })).toEqual([]);
    // nothing changed, and 'one' passes again: flaky
    expect(history.record([entry('passed', 'passed')], { unchanged: true })).toEqual([
      { id: 'a.test.ts', name: 'one', from: 'failed', to: 'passed' },
    ]);
    // skipped is no verdict: no flip
    expect(history.record([entry('skipped', 'passed')], { unchanged: true })).toEqual([]);
    expect(history.flakyCases()).toEqual([{ id: 'a.test.ts', name: 'one', flips: 1 }]);
    await history.save();
    const saved = JSON.parse(readFileSync(path.join(dir.dir, '.vmwatch', 'history.json'), 'utf8'));
    expect(saved.tests['a.test.ts'].cases.two).toEqual({ status: 'passed', durations: [20, 20, 20, 20] });
    const reloaded = new TestHistory(dir.dir);
    await reloaded.load();
    expect(reloaded.flakyCases()).toEqual([{ id: 'a.test.ts', name: 'one', flips: 1 }]);
  });
});
