import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VM } from '../../src/pool/VM.ts';
import { syncApp } from '../../src/schedule/syncApp.ts';
import { SandboxTransport } from '../../src/transport/sandbox/SandboxTransport.ts';
import { ChangeJournal } from '../../src/watch/ChangeJournal.ts';
import { watchFiles } from '../../src/watch/watchFiles.ts';
import { waitFor } from '../helpers/processes.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';
import { tempSandbox, type TempSandbox } from '../helpers/tempSandbox.ts';

const GUEST = '/mnt/vmwatch-test/app';
const EXCLUDES = ['.git', '.vmwatch'];

/** Every path under `dir` with a file's content, as `path` or `path=content`, sorted. */
function hostTree(dir: string, prefix = '.'): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(rel, ...hostTree(path.join(dir, e.name), rel));
    else out.push(`${rel}=${readFileSync(path.join(dir, e.name), 'utf8').trim()}`);
  }
  return out.sort();
}

async function machineTree(vm: VM): Promise<string[]> {
  const r = await vm.exec('find . -mindepth 1 \\( -type d -printf "%p\\n" \\) -o \\( -type f -printf "%p=" -exec cat {} \\; \\)');
  expect(r.exitCode).toBe(0);
  return (r.output ?? '').trim().split('\n').sort();
}

describe.skipIf(sandboxUnavailable() !== null)('syncApp: partial syncs from the watcher journal into a real sandbox machine', () => {
  let sb: TempSandbox;
  let vm: VM;
  let root: string;
  let watcher: FSWatcher;
  let journal: ChangeJournal;
  const known = new Set<string>();

  beforeAll(async () => {
    sb = tempSandbox({ guestPath: GUEST });
    await sb.provider.createVM('vmwatch-sync-1');
    const endpoint = await sb.provider.startVM('vmwatch-sync-1');
    vm = new VM({ index: 1, name: 'vmwatch-sync-1', endpoint, transport: new SandboxTransport(endpoint) });
    root = mkdtempSync(path.join(tmpdir(), 'vmwatch-sync-app-'));
    for (const f of ['keep.ts', 'gone.ts', 'old-name.ts', 'lib/one.ts', 'lib/two.ts', 'pkg/deep/x.ts', 'pkg/y.ts', 'stay/z.ts']) {
      mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      writeFileSync(path.join(root, f), `${f}\n`);
      known.add(f);
    }
    // a file the project does not know of (untracked): it goes with its folder
    writeFileSync(path.join(root, 'lib', 'untracked.txt'), 'u\n');
    journal = new ChangeJournal({ fullSyncOn: ['**/package.json'], slackMs: 0 });
    watcher = await watchFiles({
      root,
      include: ['**/*'],
      ignore: [],
      outputs: [],
      onChange: (f) => journal.record(f),
      onDirRemoved: (d) => journal.record(d),
      isKnown: (f) => known.has(f),
      knownUnder: (d) => [...known].filter((f) => f.startsWith(`${d}/`)),
    });
  });

  afterAll(async () => {
    await watcher.close();
    await sb.provider.destroyVM('vmwatch-sync-1');
    await sb.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  const ctx = (changesSince: (at: number) => string[] | null) => ({ root, guestPath: GUEST, excludes: EXCLUDES, changesSince });

  it('deletes and renames of files and folders reach the machine in a partial sync', async () => {
    expect(
      await syncApp(
        vm,
        ctx(() => null),
      ),
    ).toBe(-1);
    expect(await machineTree(vm)).toEqual(hostTree(root));
    const syncedAt = vm.syncedAt!;
    // let the clock move past the full sync: what follows is "changed since" it
    await waitFor(() => Date.now() > syncedAt + 5 || null, 1_000, 'the clock');

    unlinkSync(path.join(root, 'gone.ts'));
    renameSync(path.join(root, 'old-name.ts'), path.join(root, 'new-name.ts'));
    rmSync(path.join(root, 'lib'), { recursive: true });
    renameSync(path.join(root, 'pkg'), path.join(root, 'moved'));
    writeFileSync(path.join(root, 'keep.ts'), 'edited\n');
    const expected = ['gone.ts', 'old-name.ts', 'new-name.ts', 'lib', 'lib/one.ts', 'pkg', 'moved/deep/x.ts', 'moved/y.ts', 'keep.ts'];
    await waitFor(
      () => {
        const listed = journal.changesSince(syncedAt);
        return (listed && expected.every((f) => listed.includes(f))) || null;
      },
      10_000,
      'the watcher to report every change',
    );

    const sent = await syncApp(
      vm,
      ctx((at) => journal.changesSince(at)),
    );
    expect(sent).toBeGreaterThan(0); // partial, not a fallback to a full sync
    expect(vm.syncedAt).toBe(syncedAt);
    expect(await machineTree(vm)).toEqual(hostTree(root));
    expect(await machineTree(vm)).not.toContain('./lib');
  });

  it('a partial sync that fails falls back to one full sync instead of failing the test', async () => {
    writeFileSync(path.join(root, 'stay', 'z.ts'), 'changed again\n');
    rmSync(path.join(root, 'moved'), { recursive: true });
    const before = vm.syncedAt!;
    // a list no partial sync can take (a path out of the folder): the copy is refused
    const sent = await syncApp(
      vm,
      ctx(() => ['../outside.ts', 'stay/z.ts']),
    );
    expect(sent).toBe(-1);
    expect(vm.syncedAt).toBeGreaterThan(before);
    expect(await machineTree(vm)).toEqual(hostTree(root));
  });
});
