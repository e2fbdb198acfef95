import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listProjectFiles, mapLimit } from '../../../src/select/git/listFiles.ts';
import { createTempDir, createTempRepo, type TempRepo } from '../tempRepo.ts';

const made: TempRepo[] = [];
afterEach(() => {
  for (const created of made.splice(0)) created.cleanup();
});

describe('listProjectFiles', () => {
  it('lists tracked and untracked files, not ignored or deleted ones, nor skipped folders', async () => {
    const r = createTempRepo();
    made.push(r);
    r.write('.gitignore', 'dist/\n');
    for (const file of ['src/a.ts', 'src/gone.ts', 'docs/my notes.md']) r.write(file);
    r.commitAll('initial');
    r.remove('src/gone.ts');
    r.write('src/prés entation.ts');
    r.write('dist/out.js');
    r.write('node_modules/dep/index.js');
    r.write('test-runs/1/summary.json');
    r.write('.vmwatch/state.json');
    r.write('py/.venv/lib/site.py');
    expect(await listProjectFiles(r.dir)).toEqual(['.gitignore', 'docs/my notes.md', 'src/a.ts', 'src/prés entation.ts']);
  });

  it('lists only the files under a root below the top level, relative to it', async () => {
    const r = createTempRepo();
    made.push(r);
    for (const file of ['app/src/x.ts', 'app/é y.py', 'other/z.ts', 'top.ts']) r.write(file);
    r.commitAll('initial');
    r.write('app/new.ts');
    r.write('other/new.ts');
    expect(await listProjectFiles(path.join(r.dir, 'app'))).toEqual(['new.ts', 'src/x.ts', 'é y.py']);
  });

  it('walks a folder outside git, skipping dependency and output folders', async () => {
    const dir = createTempDir();
    made.push(dir);
    for (const file of [
      'src/a.ts',
      'src/deep/b é.py',
      '.env.example',
      'node_modules/x/i.js',
      'src/node_modules/y.js',
      '.venv/bin/p',
      'test-runs/r/o.log',
      '.vmwatch/s',
      '.git/HEAD',
    ]) {
      dir.write(file);
    }
    symlinkSync(path.join(dir.dir, 'src/a.ts'), path.join(dir.dir, 'link.ts'));
    symlinkSync(path.join(dir.dir, 'src'), path.join(dir.dir, 'linked-dir'));
    expect(await listProjectFiles(dir.dir)).toEqual(['.env.example', 'link.ts', 'src/a.ts', 'src/deep/b é.py']);
  });
});

describe('mapLimit', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
