import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxTransport } from '../../../src/transport/sandbox/SandboxTransport.ts';
import type { SandboxEndpoint } from '../../../src/transport/types.ts';
import { sandboxUnavailable } from '../../helpers/sandboxAvailable.ts';
import { mountsUnder, processesRunning, waitFor } from '../../helpers/processes.ts';
import { tempSandbox, type TempSandbox } from '../../helpers/tempSandbox.ts';

const GUEST = '/mnt/vmwatch-test/app';
/** This run's own sleeps (the fraction is a per-run marker), so a process scan finds only ours. */
const MARK = `${process.pid}${Date.now() % 100_000}`;
const SLEEP_31 = `sleep 31.5${MARK}`;
const SLEEP_32 = `sleep 32.5${MARK}`;
const BIND_3030 =
  `python3 -c "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',3030)); s.listen(); ` + `time.sleep(1.5); print('bound')"`;

describe.skipIf(sandboxUnavailable() !== null)('SandboxTransport', () => {
  let sb: TempSandbox;
  let machines: Record<string, SandboxTransport>;
  let endpoints: Record<string, SandboxEndpoint>;
  let hostDir: string;

  beforeAll(async () => {
    sb = tempSandbox({ guestPath: GUEST });
    machines = {};
    endpoints = {};
    for (const name of ['vmwatch-t-1', 'vmwatch-t-2']) {
      await sb.provider.createVM(name);
      endpoints[name] = await sb.provider.startVM(name);
      machines[name] = new SandboxTransport(endpoints[name]!);
    }
    hostDir = mkdtempSync(path.join(tmpdir(), 'vmwatch-app-'));
  });

  afterAll(async () => {
    for (const name of Object.keys(machines)) await sb.provider.destroyVM(name);
    await sb.cleanup();
    rmSync(hostDir, { recursive: true, force: true });
  });

  it('runs a command in the machine: exit code, output, cwd, hostname, its own /tmp and HOME', async () => {
    const vm = machines['vmwatch-t-1']!;
    const r = await vm.exec('pwd; hostname; cat from-snapshot.txt; echo $HOME; touch /tmp/mine; exit 7');
    expect(r.outcome).toBe('exited');
    expect(r.exitCode).toBe(7);
    expect(r.output).toBe(`${GUEST}\nvmwatch-t-1\nsnapshot\n/tmp\n`);
    expect(r.startLatencyMs).toBeGreaterThanOrEqual(0);
    expect(existsSync('/tmp/mine')).toBe(false);
  });

  it('streams stdin to a command that waits for it; ending the stream is its EOF', async () => {
    const stdin = new PassThrough();
    const running = machines['vmwatch-t-1']!.exec('read first; echo "got $first"; cat | wc -l', { stdin });
    stdin.write('one\n');
    stdin.write('two\nthree\n');
    stdin.end();
    const r = await running;
    expect(r).toMatchObject({ outcome: 'exited', exitCode: 0 });
    expect(r.output).toBe('got one\n2\n');
    // Without stdin, a reader sees EOF at once.
    expect((await machines['vmwatch-t-1']!.exec('cat | wc -c')).output).toBe('0\n');
  });

  it('sees the host read-only and has no network but loopback', async () => {
    const r = await machines['vmwatch-t-1']!.exec(
      'touch /etc/vmwatch-should-fail 2>/dev/null && echo wrote || echo read-only; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "',
    );
    expect(r.output).toBe('read-only\nlo\n');
    expect(existsSync('/etc/vmwatch-should-fail')).toBe(false);
  });

  it('lets two machines bind port 3030 at the same time', async () => {
    const [a, b] = await Promise.all([machines['vmwatch-t-1']!.exec(BIND_3030), machines['vmwatch-t-2']!.exec(BIND_3030)]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect(a.output).toContain('bound');
    expect(b.output).toContain('bound');
  });

  it('copies the app in (excludes, deletions) and artifacts out, copy-on-write over the snapshot', async () => {
    const vm = machines['vmwatch-t-2']!;
    mkdirSync(path.join(hostDir, 'src'), { recursive: true });
    mkdirSync(path.join(hostDir, '.git'), { recursive: true });
    writeFileSync(path.join(hostDir, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(path.join(hostDir, '.git', 'HEAD'), 'ref\n');
    await vm.copyToVM(hostDir, GUEST, { exclude: ['.git'], delete: true });
    const listed = await vm.exec('find . -type f | sort');
    // --delete removed the snapshot's file from the machine's view, not from the snapshot.
    expect(listed.output).toBe('./src/a.ts\n');
    expect(readFileSync(path.join(sb.snapshotTree, 'from-snapshot.txt'), 'utf8')).toBe('snapshot\n');

    await vm.exec('mkdir -p test-runs/shots && echo pic > test-runs/shots/1.txt');
    const out = mkdtempSync(path.join(tmpdir(), 'vmwatch-artifacts-'));
    writeFileSync(path.join(out, 'keep.txt'), 'user file');
    await vm.copyFromVM(`${GUEST}/test-runs`, out);
    expect(readFileSync(path.join(out, 'shots', '1.txt'), 'utf8')).toBe('pic\n');
    expect(readFileSync(path.join(out, 'keep.txt'), 'utf8')).toBe('user file');
    await vm.copyFromVM(`${GUEST}/no-such-dir`, out); // nothing there: not an error
    rmSync(out, { recursive: true, force: true });
  });

  it('a listed partial copy sends a same-size edit with an unchanged mtime and deletes listed paths gone on the host', async () => {
    const vm = machines['vmwatch-t-1']!;
    const app = mkdtempSync(path.join(tmpdir(), 'vmwatch-partial-'));
    mkdirSync(path.join(app, 'gone'), { recursive: true });
    writeFileSync(path.join(app, 'gone', 'x.txt'), 'x\n');
    writeFileSync(path.join(app, 'same.txt'), 'one\n');
    writeFileSync(path.join(app, 'old.txt'), 'old\n');
    await vm.copyToVM(app, GUEST, { delete: true });
    const mtime = statSync(path.join(app, 'same.txt')).mtime;
    writeFileSync(path.join(app, 'same.txt'), 'two\n');
    utimesSync(path.join(app, 'same.txt'), mtime, mtime); // as if edited within the same second
    rmSync(path.join(app, 'gone'), { recursive: true });
    rmSync(path.join(app, 'old.txt'));
    await vm.copyToVM(app, GUEST, { delete: true, files: ['same.txt', 'gone/x.txt', 'gone', 'old.txt'] });
    expect((await vm.exec('cat same.txt; ls')).output).toBe('two\nsame.txt\n');
    rmSync(app, { recursive: true, force: true });
  });

  it('revert drops everything the machine wrote', async () => {
    const name = 'vmwatch-t-2';
    await machines[name]!.exec('echo dirty > dirty.txt');
    endpoints[name] = await sb.provider.revertToSnapshot(name);
    machines[name] = new SandboxTransport(endpoints[name]!);
    const r = await machines[name]!.exec('ls');
    expect(r.output).toBe('from-snapshot.txt\n');
  });

  it('onOutput gets all of the output as it comes, also what a capped log leaves out', async () => {
    const logFile = path.join(hostDir, 'capped.log');
    const seen: Buffer[] = [];
    const r = await machines['vmwatch-t-1']!.exec(
      'head -c 200000 /dev/zero | tr "\\0" x; echo; echo "[vmwatch] started \\"a.ts\\"" >&2; echo end',
      {
        logFile,
        logMaxBytes: 1000,
        onOutput: (c) => seen.push(Buffer.from(c)),
      },
    );
    expect(r.exitCode).toBe(0);
    const all = Buffer.concat(seen).toString();
    expect(all).toBe(`${'x'.repeat(200_000)}\n[vmwatch] started "a.ts"\nend\n`);
    expect(readFileSync(logFile).length).toBeLessThan(2000);
  });

  it('a timeout kills the whole process tree', async () => {
    const r = await machines['vmwatch-t-1']!.exec(`${SLEEP_31} & ${SLEEP_31}; wait`, { timeoutMs: 300 });
    expect(r.outcome).toBe('timedout');
    expect(processesRunning(SLEEP_31)).toEqual([]);
  });

  it('cancelling kills the whole process tree within a second, and leaves no mount', async () => {
    const controller = new AbortController();
    const running = machines['vmwatch-t-1']!.exec(`(${SLEEP_32} &) ; ${SLEEP_32}`, { signal: controller.signal });
    await waitFor(() => processesRunning(SLEEP_32).length === 2, 5000, `both ${SLEEP_32} running`);
    const t0 = Date.now();
    controller.abort();
    const r = await running;
    expect(r.outcome).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(processesRunning(SLEEP_32)).toEqual([]);
    expect(mountsUnder(sb.home)).toEqual([]);
  });

  it('reports a machine whose layers are gone as an error, not a test failure', async () => {
    const ep = { ...endpoints['vmwatch-t-1']!, upperDir: path.join(sb.home, 'missing-upper') };
    const r = await new SandboxTransport(ep).exec('true');
    expect(r.outcome).toBe('error');
    expect(r.error).toMatch(/overlay could not be mounted/);
  });
});
