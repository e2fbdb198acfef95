import { describe, expect, it } from 'vitest';
import { ChangeJournal } from '../../src/watch/ChangeJournal.ts';

describe('ChangeJournal', () => {
  it('lists the files changed since a sync (with a slack before it), and nothing when nothing changed', () => {
    const start = Date.now();
    const j = new ChangeJournal({ fullSyncOn: ['package-lock.json'], slackMs: 100 });
    const t = start + 10_000;
    expect(j.changesSince(t)).toEqual([]);
    j.record('src/old.ts', t - 500);
    j.record('src/b.ts', t - 50);
    j.record('src/a.ts', t + 10);
    expect(j.changesSince(t)).toEqual(['src/a.ts', 'src/b.ts']);
    j.record('src/old.ts', t + 20);
    expect(j.changesSince(t)).toEqual(['src/a.ts', 'src/b.ts', 'src/old.ts']);
  });

  it('says null (sync everything) for a time before it started, or after a lockfile change', () => {
    const j = new ChangeJournal({ fullSyncOn: ['package-lock.json', '**/package.json'], slackMs: 0 });
    expect(j.changesSince(Date.now() - 60_000)).toBeNull();
    const t = Date.now() + 1000;
    j.record('packages/x/package.json', t + 1);
    expect(j.changesSince(t)).toBeNull();
  });

  it('answers for a sync made just after it started (the slack does not reach back before the start)', () => {
    const j = new ChangeJournal({ fullSyncOn: [], slackMs: 2000 });
    const t = Date.now() + 10;
    expect(j.changesSince(t)).toEqual([]);
    j.record('src/a.ts', t + 5);
    expect(j.changesSince(t)).toEqual(['src/a.ts']);
    expect(j.changesSince(t - 60_000)).toBeNull();
  });

  it('forgets old entries and then refuses to answer for times before what it keeps', () => {
    const start = Date.now();
    const j = new ChangeJournal({ fullSyncOn: [], keepMs: 1000, slackMs: 0 });
    j.record('a', start + 100);
    j.record('b', start + 5000); // more than 2 × keepMs after the horizon: prunes
    expect(j.changesSince(start + 200)).toBeNull();
    expect(j.changesSince(start + 4500)).toEqual(['b']);
  });
});
