import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../../src/process/childRegistry.ts';
import { SshTransport } from '../../../src/transport/ssh/SshTransport.ts';
import { processesMentioning, processesRunning, waitFor } from '../../helpers/processes.ts';
import { sshdUnavailable } from '../../helpers/sshd.ts';
import { sshTestBed, type SshTestBed } from './sshTestBed.ts';

/** `sleep N.<random>`: a command line no other run of these tests (or anything else) has. */
const RUN_TAG = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
const sleeping = (seconds: number): string => `sleep ${seconds}.${RUN_TAG}`;

describe.skipIf(sshdUnavailable() !== null)('SshTransport exec', () => {
  let bed: SshTestBed;
  let vm: SshTransport;

  beforeAll(async () => {
    bed = await sshTestBed();
    vm = bed.transport();
  });

  afterAll(async () => {
    await bed?.cleanup();
  });

  it('keeps the exit code and collects stdout and stderr in order, in the guest path', async () => {
    const r = await vm.exec('pwd; echo out; echo err >&2; echo "$VMWATCH_MACHINE"; exit 7');
    expect(r.outcome).toBe('exited');
    expect(r.exitCode).toBe(7);
    expect(r.output).toBe(`${bed.guestPath}\nout\nerr\nvmwatch-sshtest-1\n`);
    expect(r.startLatencyMs).toBeGreaterThanOrEqual(0);
    expect(r.startLatencyMs).toBeLessThanOrEqual(r.durationMs);
  });

  it('passes env (quotes and all) and cwd; stdin is empty', async () => {
    mkdirSync(path.join(bed.guestPath, 'sub dir'), { recursive: true });
    const r = await vm.exec('pwd; printf "%s|" "$A" "$B"; cat; echo', {
      cwd: path.join(bed.guestPath, 'sub dir'),
      env: { A: 'it\'s "quoted" $HOME', B: 'two\nlines' },
    });
    expect(r.exitCode).toBe(0);
    expect(r.output).toBe(`${bed.guestPath}/sub dir\nit's "quoted" $HOME|two\nlines|\n`);
  });

  it('streams stdin to a command that waits for it (framed through the supervisor); its end is the EOF; cancel still works', async () => {
    const stdin = new PassThrough();
    const running = vm.exec('read first; echo "got $first"; cat | wc -c', { stdin });
    stdin.write('one\n');
    const big = 'x'.repeat(200_000);
    stdin.write(`${big}\n`);
    stdin.end();
    const r = await running;
    expect(r).toMatchObject({ outcome: 'exited', exitCode: 0 });
    expect(r.output).toBe(`got one\n${big.length + 1}\n`);

    const open = new PassThrough();
    const controller = new AbortController();
    // Data reaches the command before the stream ends; it then sleeps with its stdin still open.
    const waiting = vm.exec(`head -c 7 >/dev/null; ${sleeping(31)}`, { stdin: open, signal: controller.signal });
    open.write('partial');
    await waitFor(() => processesRunning(sleeping(31)).length > 0, 10_000, 'the command to read its stdin and sleep');
    controller.abort();
    expect((await waiting).outcome).toBe('cancelled');
    expect(processesRunning(sleeping(31))).toEqual([]);
  });

  it('streams output into a log file (appending) and to onOutput while the command runs', async () => {
    const logFile = path.join(bed.home, 'output.log');
    writeFileSync(logFile, '$ header\n');
    const seen: string[] = [];
    const running = vm.exec('echo first; sleep 1.5; echo second >&2', { logFile, onOutput: (c) => seen.push(String(c)) });
    await waitFor(() => readFileSync(logFile, 'utf8').includes('first'), 5000, 'the first line in the log');
    await waitFor(() => seen.join('').includes('first'), 5000, 'the first line at onOutput');
    expect(readFileSync(logFile, 'utf8')).not.toContain('second');
    expect(seen.join('')).not.toContain('second');
    const r = await running;
    expect(r.exitCode).toBe(0);
    expect(r.output).toBeUndefined();
    expect(readFileSync(logFile, 'utf8')).toBe('$ header\nfirst\nsecond\n');
    expect(seen.join('')).toBe('first\nsecond\n');
  });

  it('reports a missing working folder as an error of the machine, naming it', async () => {
    const r = await vm.exec('true', { cwd: '/no/such/folder' });
    expect(r.outcome).toBe('error');
    expect(r.error).toContain('/no/such/folder');
  });

  it('a timeout ends the whole remote process tree (grandchildren and background jobs)', async () => {
    const r = await vm.exec(`sh -c "${sleeping(913)}; echo never" & ${sleeping(914)}; echo never`, { timeoutMs: 1000 });
    expect(r.outcome).toBe('timedout');
    expect(r.output).not.toContain('never');
    expect(processesRunning(sleeping(913))).toEqual([]);
    expect(processesRunning(sleeping(914))).toEqual([]);
  });

  it('an abort kills the remote sleep grandchild within about a second', async () => {
    const controller = new AbortController();
    const running = vm.exec(`sh -c "${sleeping(915)}"`, { signal: controller.signal });
    await waitFor(() => processesRunning(sleeping(915)).length > 0, 10_000, 'the remote sleep');
    const abortedAt = Date.now();
    controller.abort();
    const r = await running;
    expect(r.outcome).toBe('cancelled');
    await waitFor(() => processesRunning(sleeping(915)).length === 0 || undefined, 2000, 'the remote sleep to be gone');
    expect(Date.now() - abortedAt).toBeLessThan(3000);
  });

  it('a remote command that ignores SIGTERM is killed after the grace', async () => {
    const controller = new AbortController();
    const running = vm.exec(`trap '' TERM; sh -c "trap '' TERM; ${sleeping(916)}"`, { signal: controller.signal });
    await waitFor(() => processesRunning(sleeping(916)).length > 0, 10_000, 'the remote sleep');
    controller.abort();
    expect((await running).outcome).toBe('cancelled');
    await waitFor(() => processesRunning(sleeping(916)).length === 0 || undefined, 5000, 'the remote sleep to be gone');
  });

  it('kills what the command left running in the background when it exits', async () => {
    const r = await vm.exec(`${sleeping(917)} > /dev/null 2>&1 & echo started`);
    expect(r.exitCode).toBe(0);
    await waitFor(() => processesRunning(sleeping(917)).length === 0 || undefined, 3000, 'the background sleep to be gone');
  });

  it('runs every exec and copy over one connection (the master)', async () => {
    const before = bed.sshd.acceptedLogins();
    const fresh = bed.transport();
    const results = await Promise.all([fresh.exec('true'), fresh.exec('echo a'), fresh.exec('exit 3')]);
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 3]);
    for (let i = 0; i < 5; i++) await fresh.exec('true');
    await fresh.copyFromVM(bed.guestPath, path.join(bed.home, 'pulled'));
    expect(bed.sshd.acceptedLogins() - before).toBe(1);
  });

  it('says what failed when ssh cannot connect', async () => {
    const broken = new SshTransport({ ...bed.endpoint, port: 1 });
    const r = await broken.exec('true');
    await broken.close();
    expect(r.outcome).toBe('error');
    expect(r.error).toMatch(/could not open an ssh connection to .*127\.0\.0\.1:1: .*refused/i);
  });

  it('close() ends the master and leaves no ssh process behind; a second close is fine', async () => {
    const t = new SshTransport(bed.endpoint);
    await t.exec('true');
    const master = await t.master();
    const pid = master.pid;
    expect(pid).toBeDefined();
    expect(processesMentioning(master.socketPath).length).toBeGreaterThan(0);
    await t.close();
    await t.close();
    expect(isAlive(pid!)).toBe(false);
    expect(processesMentioning(master.socketPath)).toEqual([]);
    const after = await t.exec('true');
    expect(after.outcome).toBe('error');
  });

  it('reopens the master when it dropped', async () => {
    const t = bed.transport();
    await t.exec('true');
    const master = await t.master();
    process.kill(master.pid!, 'SIGKILL');
    await waitFor(() => master.pid === undefined || undefined, 3000, 'the master to be gone');
    const r = await t.exec('echo again');
    expect(r.output).toBe('again\n');
  });

  it('a connection lost mid-command is an error of the machine, and the remote command goes with it', async () => {
    const t = bed.transport();
    await t.exec('true');
    const master = await t.master();
    const running = t.exec(sleeping(918));
    await waitFor(() => processesRunning(sleeping(918)).length > 0, 10_000, 'the remote sleep');
    process.kill(master.pid!, 'SIGKILL');
    const r = await running;
    expect(r.outcome).toBe('error');
    expect(r.error).toMatch(/lost the ssh connection/);
    await waitFor(() => processesRunning(sleeping(918)).length === 0 || undefined, 3000, 'the remote sleep to be gone');
  });

  it('ping answers true when the machine does, false when it does not', async () => {
    expect(await vm.ping(5000)).toBe(true);
    const broken = new SshTransport({ ...bed.endpoint, port: 1 });
    expect(await broken.ping(2000)).toBe(false);
    await broken.close();
  });

  it('once every transport is closed, no ssh process of this test is left', async () => {
    await bed.closeAll();
    await waitFor(() => processesMentioning(path.join(bed.home, 'cm')).length === 0 || undefined, 3000, 'no ssh process left');
  });
});
