import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listChangedFiles, parseNameStatus } from '../../../src/select/git/gitChanges.ts';
import { createTempDir, createTempRepo, type TempRepo } from '../tempRepo.ts';

const repos: TempRepo[] = [];
function repo(): TempRepo {
  const created = createTempRepo();
  repos.push(created);
  return created;
}

afterEach(() => {
  for (const created of repos.splice(0)) created.cleanup();
});

describe('parseNameStatus', () => {
  it('keeps both sides of renames and copies', () => {
    const output = 'M\0a.ts\0R087\0old name.ts\0new name.ts\0C100\0x.ts\0y.ts\0D\0gone.ts\0';
    expect(parseNameStatus(output)).toEqual(['a.ts', 'old name.ts', 'new name.ts', 'x.ts', 'y.ts', 'gone.ts']);
  });
});

describe('listChangedFiles', () => {
  it('says a folder outside git cannot be diffed', async () => {
    const dir = createTempDir();
    repos.push(dir);
    expect(await listChangedFiles({ root: dir.dir })).toEqual({ files: [], all: true, reason: 'not a git repository' });
  });

  it('counts every tracked and untracked file before the first commit, not ignored ones', async () => {
    const r = repo();
    r.write('.gitignore', 'dist/\n');
    r.write('src/a.ts');
    r.write('dist/out.js');
    r.git('add', 'src/a.ts');
    r.write('src/prés entation.ts');
    expect(await listChangedFiles({ root: r.dir })).toEqual({ files: ['.gitignore', 'src/a.ts', 'src/prés entation.ts'], all: false });
  });

  it('lists modified, staged, deleted, renamed and untracked files, with odd names intact', async () => {
    const r = repo();
    r.write('.gitignore', 'dist/\n*.tmp\n');
    for (const file of ['src/a.ts', 'src/staged.ts', 'src/old.ts', 'src/from.ts', 'src/same.ts', 'docs/my notes.md']) r.write(file);
    r.commitAll('initial');
    r.write('src/a.ts', 'changed\n');
    r.write('src/staged.ts', 'staged\n');
    r.git('add', 'src/staged.ts');
    r.remove('src/old.ts');
    r.git('mv', 'src/from.ts', 'src/to.ts');
    r.write('docs/my notes.md', 'edited\n');
    r.write('src/prés entation.ts');
    r.write('dist/out.js');
    r.write('scratch.tmp');
    const changes = await listChangedFiles({ root: r.dir });
    expect(changes).toEqual({
      files: ['docs/my notes.md', 'src/a.ts', 'src/from.ts', 'src/old.ts', 'src/prés entation.ts', 'src/staged.ts', 'src/to.ts'],
      all: false,
    });
  });

  it('reports nothing for a clean tree', async () => {
    const r = repo();
    r.write('a.ts');
    r.commitAll('initial');
    expect(await listChangedFiles({ root: r.dir })).toEqual({ files: [], all: false });
  });

  it('gives paths relative to a root below the top level and drops files outside it', async () => {
    const r = repo();
    for (const file of ['app/src/x.ts', 'app/move me.ts', 'other/y.ts', 'other/z.ts']) r.write(file);
    r.commitAll('initial');
    r.write('app/src/x.ts', 'changed\n');
    r.write('other/y.ts', 'changed\n');
    r.git('mv', 'other/z.ts', 'app/z.ts');
    r.git('mv', 'app/move me.ts', 'other/moved.ts');
    r.write('app/new é.ts');
    r.write('other/new.ts');
    const changes = await listChangedFiles({ root: path.join(r.dir, 'app') });
    expect(changes).toEqual({ files: ['move me.ts', 'new é.ts', 'src/x.ts', 'z.ts'], all: false });
  });

  it('works on a detached HEAD', async () => {
    const r = repo();
    r.write('a.ts');
    r.commitAll('one');
    r.write('b.ts');
    r.commitAll('two');
    r.git('checkout', '-q', '--detach', 'HEAD~1');
    r.write('a.ts', 'edited\n');
    expect(await listChangedFiles({ root: r.dir })).toEqual({ files: ['a.ts'], all: false });
    expect(await listChangedFiles({ root: r.dir, since: 'main' })).toEqual({ files: ['a.ts'], all: false });
  });

  it('counts both paths of a rename made without git mv', async () => {
    const r = repo();
    r.write('src/old name.ts');
    r.commitAll('initial');
    r.remove('src/old name.ts');
    r.write('src/nouveau nom é.ts');
    expect(await listChangedFiles({ root: r.dir })).toEqual({ files: ['src/nouveau nom é.ts', 'src/old name.ts'], all: false });
  });

  it('runs everything in a clone too shallow to find the merge-base, with the reason', async () => {
    const origin = repo();
    origin.write('base.ts');
    origin.commitAll('base');
    origin.git('checkout', '-q', '-b', 'feature');
    for (let i = 0; i < 3; i++) {
      origin.write('feature.ts', `${i}\n`);
      origin.commitAll(`feature ${i}`);
    }
    origin.git('checkout', '-q', 'main');
    origin.write('main.ts');
    origin.commitAll('main moves on');
    const shallow = createTempDir('vmwatch-shallow-');
    repos.push(shallow);
    shallow.git('clone', '-q', '--depth', '1', '--no-single-branch', '-b', 'feature', `file://${origin.dir}`, 'clone');
    const root = path.join(shallow.dir, 'clone');
    const changes = await listChangedFiles({ root, since: 'origin/main' });
    expect(changes.all).toBe(true);
    expect(changes.reason).toMatch(/^cannot diff against origin\/main: no merge-base with HEAD \(a shallow clone\?/);
  });

  describe('since', () => {
    function branched(): TempRepo {
      const r = repo();
      for (const file of ['base.ts', 'feature.ts', 'main-only.ts', 'work.ts']) r.write(file);
      r.commitAll('base');
      r.git('checkout', '-q', '-b', 'feature');
      r.write('feature.ts', 'feature\n');
      r.commitAll('feature work');
      r.git('checkout', '-q', 'main');
      r.write('main-only.ts', 'later on main\n');
      r.commitAll('main moves on');
      r.git('checkout', '-q', 'feature');
      return r;
    }

    it('diffs from the merge-base and adds the working tree', async () => {
      const r = branched();
      r.write('work.ts', 'uncommitted\n');
      r.write('untracked.ts');
      const changes = await listChangedFiles({ root: r.dir, since: 'main' });
      expect(changes).toEqual({ files: ['feature.ts', 'untracked.ts', 'work.ts'], all: false });
    });

    it('keeps a file changed in a commit and reverted in the working tree', async () => {
      const r = branched();
      r.write('feature.ts', '// feature.ts\n');
      const changes = await listChangedFiles({ root: r.dir, since: 'main' });
      expect(changes.files).toEqual(['feature.ts']);
    });

    it('asks for everything when the revision is unknown', async () => {
      const r = branched();
      const changes = await listChangedFiles({ root: r.dir, since: 'no-such-branch' });
      expect(changes.all).toBe(true);
      expect(changes.files).toEqual([]);
      expect(changes.reason).toMatch(/^cannot diff against no-such-branch: unknown revision/);
    });

    it('does not pass an option-like revision to git', async () => {
      const r = branched();
      const changes = await listChangedFiles({ root: r.dir, since: '--output=/tmp/x' });
      expect(changes).toEqual({ files: [], all: true, reason: 'cannot diff against --output=/tmp/x: not a revision' });
    });

    it('asks for everything when there is no merge-base', async () => {
      const r = branched();
      r.git('checkout', '-q', '--orphan', 'unrelated');
      r.commitAll('unrelated root');
      const changes = await listChangedFiles({ root: r.dir, since: 'main' });
      expect(changes.all).toBe(true);
      expect(changes.reason).toMatch(/^cannot diff against main: no merge-base/);
    });
  });
});
