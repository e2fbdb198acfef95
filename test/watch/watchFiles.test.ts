import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchFiles } from '../../src/watch/watchFiles.ts';
import { waitFor } from '../helpers/processes.ts';

describe('watchFiles (real chokidar, folders watched, files followed through their folder)', () => {
  let root: string;
  let watcher: FSWatcher;
  let seen: Set<string>;
  const known = new Set(['src/a.ts', 'src/b.ts', 'lib/x/y.ts', 'lib/x/z.ts', 'keep.md']);

  beforeEach(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'vmwatch-watch-'));
    for (const f of [...known, 'node_modules/p/index.js', 'test-runs/r/out.txt', 'dist/app.js']) {
      mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      writeFileSync(path.join(root, f), 'v0\n');
    }
    seen = new Set();
    watcher = await watchFiles({
      root,
      include: ['**/*'],
      ignore: ['dist/**'],
      outputs: [path.join(root, 'test-runs')],
      onChange: (f) => seen.add(f),
      isKnown: (f) => known.has(f),
      knownUnder: (dir) => [...known].filter((f) => f.startsWith(`${dir}/`)),
    });
  });

  afterEach(async () => {
    await watcher.close();
    rmSync(root, { recursive: true, force: true });
  });

  const write = (f: string, text = 'v1\n'): void => {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), text);
  };

  it('reports edits, new files, deletions and atomic saves; never ignored folders or outputs', async () => {
    write('src/a.ts');
    write('src/new.ts');
    unlinkSync(path.join(root, 'src/b.ts'));
    writeFileSync(path.join(root, 'keep.md.tmp'), 'v2\n');
    renameSync(path.join(root, 'keep.md.tmp'), path.join(root, 'keep.md'));
    write('node_modules/p/index.js');
    write('test-runs/r/out.txt');
    write('dist/app.js');
    // Written after the ignored ones: once it is seen, they would have been too.
    write('src/last.ts');
    const expected = ['src/a.ts', 'src/new.ts', 'src/b.ts', 'keep.md', 'src/last.ts'];
    await waitFor(() => expected.every((f) => seen.has(f)) || null, 10_000, 'the changes');
    expect([...seen].filter((f) => /node_modules|test-runs|dist/.test(f))).toEqual([]);
    // the editor's temp file came and went: not a change
    expect(seen.has('keep.md.tmp')).toBe(false);
  });

  it('a new folder reports its files; a removed folder reports the files it held', async () => {
    write('pkg/deep/one.ts');
    write('pkg/deep/two.ts');
    await waitFor(() => (seen.has('pkg/deep/one.ts') && seen.has('pkg/deep/two.ts')) || null, 10_000, 'the new folder');
    write('pkg/deep/one.ts', 'v2\n');
    rmSync(path.join(root, 'lib/x'), { recursive: true });
    await waitFor(() => (seen.has('lib/x/y.ts') && seen.has('lib/x/z.ts')) || null, 10_000, 'the removed folder');
  });
});
