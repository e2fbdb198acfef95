import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeAtomic, writeAtomicSync } from '../../src/files/writeAtomic.ts';

describe('writeAtomic', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-atomic-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces a symlink at the target instead of writing where it points', async () => {
    const victim = path.join(dir, 'victim');
    writeFileSync(victim, 'untouched\n');
    symlinkSync(victim, path.join(dir, 'summary.json'));
    await writeAtomic(path.join(dir, 'summary.json'), '{}\n');
    writeAtomicSync(path.join(dir, 'summary.json'), '{"again":1}\n');
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(readFileSync(path.join(dir, 'summary.json'), 'utf8')).toBe('{"again":1}\n');
    expect(readdirSync(dir).sort()).toEqual(['summary.json', 'victim']);
  });

  it('a target it cannot replace (a folder) throws and leaves no temp file', async () => {
    mkdirSync(path.join(dir, 'summary.json', 'x'), { recursive: true });
    await expect(writeAtomic(path.join(dir, 'summary.json'), '{}')).rejects.toThrow();
    expect(() => writeAtomicSync(path.join(dir, 'summary.json'), '{}')).toThrow();
    expect(readdirSync(dir)).toEqual(['summary.json']);
  });

  it('a folder that is not there throws and leaves nothing', async () => {
    await expect(writeAtomic(path.join(dir, 'no', 'such', 'f'), 'x')).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
