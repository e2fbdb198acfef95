import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { followFile } from '../../src/api/followFile.ts';

describe('followFile: a running test log, like tail -f, until the test ends', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-follow-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('waits for a log that does not exist yet, passes each part on, and reads the rest once it ends', async () => {
    const file = path.join(dir, 'late.log');
    let live = true;
    const parts: string[] = [];
    const followed = followFile(file, {
      everyMs: 10,
      live: () => live,
      onText: (text) => {
        parts.push(text);
        if (text.includes('one')) {
          appendFileSync(file, 'two\n');
          live = false;
        }
      },
    });
    writeFileSync(file, 'one\n');
    await followed;
    expect(parts.join('')).toBe('one\ntwo\n');
  });

  it('skips what is beyond maxPerRead in one look, and says so', async () => {
    const file = path.join(dir, 'big.log');
    writeFileSync(file, `${'x'.repeat(1000)}END`);
    const parts: string[] = [];
    await followFile(file, { live: () => false, maxPerRead: 100, onText: (t) => parts.push(t) });
    const text = parts.join('');
    expect(text).toMatch(/^\n\[vmwatch: 903 bytes of output skipped\]\n/);
    expect(text.endsWith(`${'x'.repeat(97)}END`)).toBe(true);
  });

  it('stops when its signal aborts, though the test still runs', async () => {
    const file = path.join(dir, 'aborted.log');
    writeFileSync(file, 'a');
    const stop = new AbortController();
    await followFile(file, { everyMs: 10, live: () => true, signal: stop.signal, onText: () => stop.abort() });
  });

  it("does not follow a link (the log is vmwatch's own file, never a planted link)", async () => {
    const target = path.join(dir, 'target.log');
    writeFileSync(target, 'secret');
    const link = path.join(dir, 'link.log');
    (await import('node:fs')).symlinkSync(target, link);
    const parts: string[] = [];
    await followFile(link, { live: () => false, onText: (t) => parts.push(t) });
    expect(parts).toEqual([]);
  });
});
