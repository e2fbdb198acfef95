import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ApiEvent } from '../../../src/api/types.ts';
import { DaemonEvents } from '../../../src/cli/watch/DaemonEvents.ts';
import { LiveLogs } from '../../../src/cli/watch/liveLogs.ts';

describe('LiveLogs: the run in progress, its logs, and output events while someone listens', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-livelogs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says where each test of the current run writes, and emits each new part of a live log as an output event', async () => {
    const events = new DaemonEvents();
    const logs = new LiveLogs(events);
    const seen: ApiEvent[] = [];
    // A listener that did not ask for output gets none, and alone is no reason to follow logs.
    const quiet: ApiEvent[] = [];
    events.subscribe((e) => quiet.push(e));
    expect(events.listening).toBe(false);
    const unsubscribe = events.subscribe((e) => seen.push(e), { output: true });
    expect(events.listening).toBe(true);
    const file = path.join(dir, 'batch.log');
    writeFileSync(file, 'start\n');
    logs.start('20261203-010000-000');
    logs.set(['a.test.ts', 'b.test.ts'], file, true);
    expect(logs.get('20261203-010000-000', 'b.test.ts')).toEqual({ file, live: true });
    expect(logs.get('20261203-000000-000', 'b.test.ts')).toBeNull();
    await vi.waitFor(() => expect(seen.map((e) => (e.data as { text: string }).text).join('')).toBe('start\n'), { timeout: 5000 });
    appendFileSync(file, 'more\n');
    logs.set(['a.test.ts', 'b.test.ts'], file, false);
    await vi.waitFor(() => expect(seen.map((e) => (e.data as { text: string }).text).join('')).toBe('start\nmore\n'), { timeout: 5000 });
    expect(seen[0]).toEqual({
      type: 'output',
      data: { runId: '20261203-010000-000', tests: ['a.test.ts', 'b.test.ts'], offset: 0, text: 'start\n' },
    });
    expect(quiet).toEqual([]);
    logs.end();
    expect(logs.get('20261203-010000-000', 'a.test.ts')).toBeNull();
    unsubscribe();
    logs.close();
  });
});
