import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import { afterEach, describe, expect, it } from 'vitest';
import { watchFiles } from '../../src/watch/watchFiles.ts';
import { waitFor } from '../helpers/processes.ts';

describe('watchFiles and symlinks (real chokidar)', () => {
  const cleanup: string[] = [];
  let watcher: FSWatcher | undefined;

  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const tempDir = (prefix: string): string => {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    cleanup.push(dir);
    return dir;
  };

  /** Folders chokidar watches under the root (it also lists the root's parent, holding the root). */
  const watchedPaths = (w: FSWatcher, root: string): string[] => Object.keys(w.getWatched()).filter((p) => p !== path.dirname(root));

  it('never enters a link out of the root: a link to /usr and one to a big outside tree cost no watches', async () => {
    const root = tempDir('vmwatch-links-');
    const outside = tempDir('vmwatch-outside-');
    for (let i = 0; i < 40; i++) mkdirSync(path.join(outside, `d${i}`, 'sub'), { recursive: true });
    mkdirSync(path.join(root, 'src'));
    writeFileSync(path.join(root, 'src', 'a.ts'), 'v0\n');
    symlinkSync('/usr', path.join(root, 'system'));
    symlinkSync(outside, path.join(root, 'elsewhere'));
    watcher = await watchFiles({ root, include: ['**/*'], ignore: [], outputs: [], onChange: () => {} });
    const watched = watchedPaths(watcher, root);
    expect(watched.filter((p) => p !== root && !p.startsWith(`${root}/`))).toEqual([]);
    expect(watched.some((p) => p.startsWith(path.join(root, 'system')) && p !== path.join(root, 'system'))).toBe(false);
    expect(watched.some((p) => p.startsWith(path.join(root, 'elsewhere')) && p !== path.join(root, 'elsewhere'))).toBe(false);
    expect(watched.length).toBeLessThan(10);
  });

  it('a folder linked inside the root is watched once: a change in it is reported under its own path only', async () => {
    const root = tempDir('vmwatch-links-');
    mkdirSync(path.join(root, 'src', 'deep'), { recursive: true });
    writeFileSync(path.join(root, 'src', 'a.ts'), 'v0\n');
    writeFileSync(path.join(root, 'src', 'deep', 'b.ts'), 'v0\n');
    symlinkSync('src', path.join(root, 'alias'));
    const seen: string[] = [];
    watcher = await watchFiles({ root, include: ['**/*'], ignore: [], outputs: [], onChange: (f) => seen.push(f) });
    expect(watchedPaths(watcher, root).filter((p) => p.startsWith(path.join(root, 'alias', path.sep)))).toEqual([]);
    writeFileSync(path.join(root, 'src', 'a.ts'), 'v1\n');
    writeFileSync(path.join(root, 'alias', 'deep', 'b.ts'), 'v1\n');
    await waitFor(() => (seen.includes('src/a.ts') && seen.includes('src/deep/b.ts')) || null, 10_000, 'the two changes');
    // a later marker change: every event of the two writes above has been delivered by then
    writeFileSync(path.join(root, 'src', 'marker.ts'), 'm\n');
    await waitFor(() => seen.includes('src/marker.ts') || null, 10_000, 'the marker');
    expect(new Set(seen)).toEqual(new Set(['src/a.ts', 'src/deep/b.ts', 'src/marker.ts']));
  });
});
