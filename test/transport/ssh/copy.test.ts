import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SshTransport } from '../../../src/transport/ssh/SshTransport.ts';
import { sshdUnavailable } from '../../helpers/sshd.ts';
import { sshTestBed, type SshTestBed } from './sshTestBed.ts';

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

function write(root: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
}

describe.skipIf(sshdUnavailable() !== null)('SshTransport copies (rsync over the master)', () => {
  let bed: SshTestBed;
  let vm: SshTransport;
  let app: string;
  let guest: string;
  const EXCLUDES = ['.git', '/node_modules', '/test-runs'];

  beforeAll(async () => {
    bed = await sshTestBed();
    vm = bed.transport();
  });

  afterAll(async () => {
    await bed?.cleanup();
  });

  beforeEach(() => {
    app = mkdtempSync(path.join(bed.home, 'app-'));
    guest = path.join(bed.guestPath, path.basename(app), 'nested', 'app'); // does not exist yet
  });

  it('copies a tree into a folder that does not exist yet, honouring excludes, and deletes what the host removed', async () => {
    write(app, {
      'src/a.ts': 'a1',
      'src/b.ts': 'b1',
      '.git/HEAD': 'ref',
      'node_modules/x/index.js': 'host copy',
      'test-runs/old.txt': 'x',
    });
    await vm.copyToVM(app, guest, { exclude: EXCLUDES, delete: true });
    expect(listFiles(guest)).toEqual(['src/a.ts', 'src/b.ts']);

    // What the snapshot made (node_modules) survives a delete sync; a file removed on the host goes.
    write(guest, { 'node_modules/y/index.js': 'from setup' });
    rmSync(path.join(app, 'src/b.ts'));
    write(app, { 'src/a.ts': 'a2, longer' }); // a full sync relies on rsync's quick check: size or mtime (in seconds)
    await vm.copyToVM(app, guest, { exclude: EXCLUDES, delete: true });
    expect(listFiles(guest)).toEqual(['node_modules/y/index.js', 'src/a.ts']);
    expect(readFileSync(path.join(guest, 'src/a.ts'), 'utf8')).toBe('a2, longer');
  });

  it('sends only the listed files, deletes listed files the host no longer has, and never touches excluded paths', async () => {
    write(app, { 'src/a.ts': 'a1', 'src/b.ts': 'b1', 'src/c.ts': 'c1', 'docs/readme.md': 'r1' });
    await vm.copyToVM(app, guest, { exclude: EXCLUDES, delete: true });
    write(guest, { 'node_modules/y/index.js': 'from setup', 'stale.txt': 'not listed, stays' });

    // Same size, same second as the first sync: sent anyway, since the caller listed it.
    write(app, { 'src/a.ts': 'a2', 'docs/readme.md': 'r2 (not listed)', 'src/new/d.ts': 'd1', '.git/ORIG_HEAD': 'x' });
    rmSync(path.join(app, 'src/b.ts'));
    await vm.copyToVM(app, guest, {
      exclude: EXCLUDES,
      delete: true,
      files: ['src/a.ts', 'src/b.ts', './src/new/d.ts', '.git/ORIG_HEAD', 'node_modules/y/index.js'],
    });
    expect(listFiles(guest)).toEqual(['docs/readme.md', 'node_modules/y/index.js', 'src/a.ts', 'src/c.ts', 'src/new/d.ts', 'stale.txt']);
    expect(readFileSync(path.join(guest, 'src/a.ts'), 'utf8')).toBe('a2');
    expect(readFileSync(path.join(guest, 'docs/readme.md'), 'utf8')).toBe('r1');
    expect(readFileSync(path.join(guest, 'node_modules/y/index.js'), 'utf8')).toBe('from setup');
  });

  it('refuses a listed path outside the folder', async () => {
    write(app, { 'a.txt': 'a' });
    await expect(vm.copyToVM(app, guest, { files: ['../outside.txt'] })).rejects.toThrow(/not a path inside the folder/);
  });

  it('copies artifacts out without deleting anything on the host; a missing folder is nothing to copy', async () => {
    write(guest, { 'test-runs/shots/1.png': 'pic', 'test-runs/log.txt': 'log', 'test-runs/tmp/skip.me': 'x' });
    const out = path.join(app, 'out');
    write(out, { 'mine.txt': 'user file' });
    await vm.copyFromVM(path.join(guest, 'test-runs'), out, { exclude: ['/tmp'], delete: true });
    expect(listFiles(out)).toEqual(['log.txt', 'mine.txt', 'shots/1.png']);

    const empty = path.join(app, 'empty-out');
    await vm.copyFromVM(path.join(guest, 'no-such-folder'), empty);
    expect(listFiles(empty)).toEqual([]);
  });

  it('copies out only listed files when asked', async () => {
    write(guest, { 'r/a.txt': 'a', 'r/b.txt': 'b' });
    const out = path.join(app, 'out');
    await vm.copyFromVM(path.join(guest, 'r'), out, { files: ['b.txt'] });
    expect(listFiles(out)).toEqual(['b.txt']);
  });

  it('handles folder names with blanks', async () => {
    write(app, { 'with space/f.txt': 'f' });
    const spaced = path.join(bed.guestPath, 'a folder', 'app');
    await vm.copyToVM(app, spaced);
    expect(listFiles(spaced)).toEqual(['with space/f.txt']);
    const out = path.join(app, 'back out');
    await vm.copyFromVM(spaced, out);
    expect(listFiles(out)).toEqual(['with space/f.txt']);
  });

  it('a cancelled copy rejects with a TransportError', async () => {
    write(app, { 'a.txt': 'a' });
    const controller = new AbortController();
    controller.abort();
    await expect(vm.copyToVM(app, guest, { signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});
