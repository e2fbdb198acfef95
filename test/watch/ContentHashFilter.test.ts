import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentHashFilter } from '../../src/watch/ContentHashFilter.ts';

describe('ContentHashFilter', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-hash-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a file once per distinct content, and deletions', async () => {
    const filter = new ContentHashFilter(dir);
    writeFileSync(path.join(dir, 'a.ts'), 'one');
    expect(await filter.changed(['a.ts'])).toEqual(['a.ts']);
    expect(await filter.changed(['a.ts'])).toEqual([]); // the same save reported twice
    writeFileSync(path.join(dir, 'a.ts'), 'two');
    expect(await filter.changed(['a.ts'])).toEqual(['a.ts']);
    unlinkSync(path.join(dir, 'a.ts'));
    expect(await filter.changed(['a.ts'])).toEqual(['a.ts']);
    expect(await filter.changed(['a.ts'])).toEqual([]);
  });

  it('remembered files only count when their content moves on', async () => {
    writeFileSync(path.join(dir, 'b.py'), 'x = 1');
    const filter = new ContentHashFilter(dir);
    await filter.remember(['b.py']);
    expect(await filter.changed(['b.py'])).toEqual([]);
    writeFileSync(path.join(dir, 'b.py'), 'x = 2');
    expect(await filter.changed(['b.py'])).toEqual(['b.py']);
  });
});
