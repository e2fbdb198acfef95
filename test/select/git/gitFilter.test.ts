import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { filterIgnored } from '../../../src/select/git/gitFilter.ts';
import { createTempDir, createTempRepo, type TempRepo } from '../tempRepo.ts';

const made: TempRepo[] = [];
afterEach(() => {
  for (const created of made.splice(0)) created.cleanup();
});

function repoWithIgnores(): TempRepo {
  const r = createTempRepo();
  made.push(r);
  r.write('.gitignore', 'dist/\n*.log\nprés*\n');
  r.write('app/.gitignore', 'cache/\n');
  return r;
}

describe('filterIgnored', () => {
  it('drops ignored paths and keeps the rest as given, odd names included', async () => {
    const r = repoWithIgnores();
    const files = [
      'src/a.ts',
      'dist/out.js',
      'debug.log',
      'src/my file.ts',
      'prés entation.ts',
      'src/é.ts',
      'app/cache/x.json',
      'app/x.ts',
    ];
    expect(await filterIgnored(r.dir, files)).toEqual(['src/a.ts', 'src/my file.ts', 'src/é.ts', 'app/x.ts']);
  });

  it('keeps a tracked file even when an ignore pattern matches it', async () => {
    const r = repoWithIgnores();
    r.write('dist/keep.js');
    r.git('add', '-f', 'dist/keep.js');
    expect(await filterIgnored(r.dir, ['dist/keep.js', 'dist/other.js'])).toEqual(['dist/keep.js']);
  });

  it('works from a root below the top level, with absolute paths too', async () => {
    const r = repoWithIgnores();
    const root = path.join(r.dir, 'app');
    const absolute = path.join(root, 'dist', 'bundle.js');
    expect(await filterIgnored(root, ['cache/a.json', 'src/b.ts', 'trace.log', absolute, path.join(root, 'c.ts')])).toEqual([
      'src/b.ts',
      path.join(root, 'c.ts'),
    ]);
  });

  it('keeps paths outside root instead of failing the batch', async () => {
    const r = repoWithIgnores();
    const outside = path.join(path.dirname(r.dir), 'elsewhere.log');
    expect(await filterIgnored(path.join(r.dir, 'app'), ['../../elsewhere.log', outside, 'cache/x', 'y.ts'])).toEqual([
      '../../elsewhere.log',
      outside,
      'y.ts',
    ]);
  });

  it('returns the files unchanged outside git', async () => {
    const dir = createTempDir();
    made.push(dir);
    dir.write('.gitignore', '*.log\n');
    expect(await filterIgnored(dir.dir, ['a.log', 'b.ts'])).toEqual(['a.log', 'b.ts']);
  });

  it('returns an empty batch as is', async () => {
    const r = repoWithIgnores();
    expect(await filterIgnored(r.dir, [])).toEqual([]);
  });
});
