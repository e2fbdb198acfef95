import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VMPool } from '../../src/pool/VMPool.ts';
import { SandboxProvider } from '../../src/providers/sandbox/SandboxProvider.ts';
import { sandboxDirs } from '../../src/providers/sandbox/sandboxDirs.ts';
import { connect } from '../../src/transport/connect.ts';
import { PoolError } from '../../src/errors.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';
import { tempSandbox, type TempSandbox } from '../helpers/tempSandbox.ts';
import { waitFor } from '../helpers/processes.ts';

const machinesOnDisk = (): string[] => (existsSync(sandboxDirs.machines()) ? readdirSync(sandboxDirs.machines()).sort() : []);

/** The real sandbox provider with a revert that fails on demand (fault injection, not a mock). */
class FlakyRevertProvider extends SandboxProvider {
  failReverts = 0;
  override async revertToSnapshot(name: string) {
    if (this.failReverts > 0) {
      this.failReverts--;
      throw new Error('injected revert failure');
    }
    return super.revertToSnapshot(name);
  }
}

describe.skipIf(sandboxUnavailable() !== null)('VMPool over sandbox machines', () => {
  let sb: TempSandbox;
  let pool: VMPool | undefined;

  beforeEach(() => {
    sb = tempSandbox();
  });
  afterEach(async () => {
    await pool?.destroy();
    pool = undefined;
    await sb.cleanup();
  });

  const newPool = (size: number, provider = sb.provider): VMPool =>
    (pool = new VMPool({ provider, connect, pool: 'unit', size, backoffMs: 10 }));

  it('init starts size machines named with the pool prefix; destroy removes them and is idempotent', async () => {
    const p = newPool(3);
    await p.init();
    expect(p.status().map((s) => [s.name, s.state])).toEqual([
      ['vmwatch-unit-1', 'ready'],
      ['vmwatch-unit-2', 'ready'],
      ['vmwatch-unit-3', 'ready'],
    ]);
    expect(machinesOnDisk()).toEqual(['vmwatch-unit-1', 'vmwatch-unit-2', 'vmwatch-unit-3']);
    await Promise.all([p.destroy(), p.destroy()]);
    await p.destroy();
    expect(machinesOnDisk()).toEqual([]);
    await expect(p.acquire()).rejects.toBeInstanceOf(PoolError);
  });

  it("awaits a machine's beforeRevert hooks before it reverts and before destroy, each once", async () => {
    const p = newPool(1);
    await p.init();
    const vm = await p.acquire();
    let finish!: () => void;
    const calls: string[] = [];
    vm.beforeRevert(() => {
      calls.push('lease');
      return new Promise<void>((r) => (finish = r));
    });
    await vm.exec('echo dirty > dirty.txt');
    await p.release(vm);
    await waitFor(() => calls.length === 1, 5_000, 'the hook to run');
    // The hook has not finished: the machine is not reverted yet (its file is still there, after
    // a whole exec in the machine), and it is still cleaning.
    expect((await vm.exec('cat dirty.txt')).output).toBe('dirty\n');
    expect(p.status()[0]!.state).toBe('cleaning');
    finish();
    await waitFor(() => p.status()[0]!.state === 'ready', 10_000, 'the machine to come back');
    expect((await vm.exec('test -e dirty.txt && echo still || echo gone')).output).toBe('gone\n');
    vm.beforeRevert(async () => {
      calls.push('idle');
    });
    await p.destroy();
    expect(calls).toEqual(['lease', 'idle']);
  });

  it('acquire hands out ready machines, then waits FIFO; release returns at once and the machine comes back clean', async () => {
    const p = newPool(1);
    await p.init();
    const vm = await p.acquire();
    expect(p.status().find((m) => m.name === vm.name)?.state).toBe('running');
    await vm.exec('echo dirty > dirty.txt');
    const order: string[] = [];
    const first = p.acquire().then((v) => (order.push('first'), v));
    const second = p.acquire().then((v) => (order.push('second'), v));
    // No machine is free: a whole exec in the leased one later, neither has been served.
    await vm.exec('true');
    expect(order).toEqual([]);
    await p.release(vm);
    const again = await first;
    expect(again.name).toBe('vmwatch-unit-1');
    expect((await again.exec('ls')).output).toBe('from-snapshot.txt\n');
    expect(order).toEqual(['first']);
    await p.release(again);
    await p.release(await second);
    expect(order).toEqual(['first', 'second']);
    expect(p.status()[0]!.metrics.reverts).toBeGreaterThanOrEqual(2);
  });

  it('acquire prefers a ready machine whose runner is loaded, then one loading, then the lowest slot', async () => {
    // Readiness is what a warm runner sets on its machine while the pool prepares it.
    const readiness = { 1: 'cold', 2: 'warming', 3: 'warm' } as const;
    pool = new VMPool({
      provider: sb.provider,
      connect,
      pool: 'unit',
      size: 3,
      backoffMs: 10,
      prepare: async (vm) => {
        vm.readiness = readiness[vm.index as 1 | 2 | 3];
      },
    });
    await pool.init();
    const order = [await pool.acquire(), await pool.acquire(), await pool.acquire()].map((vm) => vm.name);
    expect(order).toEqual(['vmwatch-unit-3', 'vmwatch-unit-2', 'vmwatch-unit-1']);
  });

  it('an aborted acquire leaves the queue', async () => {
    const p = newPool(1);
    await p.init();
    const vm = await p.acquire();
    const controller = new AbortController();
    const waiting = p.acquire(controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    await p.release(vm);
    const next = await p.acquire();
    expect(next.name).toBe('vmwatch-unit-1');
    await p.release(next);
  });

  it('reaps machines a crashed run left behind, but not another pool sharing the prefix', async () => {
    for (const name of ['vmwatch-unit-1', 'vmwatch-unit-7', 'vmwatch-unit-build', 'vmwatch-unitx-1']) {
      mkdirSync(path.join(sandboxDirs.machine(name), 'upper'), { recursive: true });
    }
    mkdirSync(path.join(sb.home, 'pools'), { recursive: true });
    writeFileSync(path.join(sb.home, 'pools', 'unit.pid'), '999999\n'); // a dead pid
    const p = newPool(1);
    await p.init();
    expect(machinesOnDisk()).toEqual(['vmwatch-unit-1', 'vmwatch-unitx-1']);
  });

  it('refuses a second pool of the same name while the first is alive', async () => {
    const p = newPool(1);
    await p.init();
    const other = new VMPool({ provider: sb.provider, connect, pool: 'unit', size: 1 });
    writeFileSync(path.join(sb.home, 'pools', 'unit.pid'), `${process.ppid}\n`);
    await expect(other.init()).rejects.toThrow(/in use by another vmwatch \(pid/);
  });

  it('resize grows at once and shrinks without killing a running lease', async () => {
    const p = newPool(2);
    await p.init();
    const busy = await p.acquire(); // vmwatch-unit-1
    await p.resize(3);
    expect(p.status().map((s) => s.state)).toEqual(['running', 'ready', 'ready']);
    await p.resize(1);
    // unit-2 and unit-3 were idle: gone now; unit-1 keeps running its test.
    expect(p.status().map((s) => [s.name, s.state])).toEqual([['vmwatch-unit-1', 'running']]);
    expect((await busy.exec('echo still here')).output).toBe('still here\n');
    await p.release(busy);
    const next = await p.acquire();
    expect(next.name).toBe('vmwatch-unit-1');
    await p.release(next);
  });

  it('a failing revert is retried; a slot that keeps failing is marked failed and the rest keeps serving', async () => {
    const provider = new FlakyRevertProvider({ snapshot: 'unit-ready', guestPath: '/mnt/vmwatch-test/app' });
    const p = newPool(2, provider);
    await p.init();
    provider.failReverts = 1;
    const a = await p.acquire();
    await p.release(a);
    const again = await p.acquire();
    await p.release(again);
    await waitFor(() => p.status().every((s) => s.state === 'ready'), 5000, 'both machines ready');
    expect(p.status().map((s) => s.metrics.failures)).toEqual([1, 0]);

    provider.failReverts = 3; // all three attempts of the next revert fail
    const doomed = await p.acquire();
    await p.release(doomed);
    await waitFor(() => p.status().some((s) => s.state === 'failed'), 5000, 'a failed slot');
    const failed = p.status().find((s) => s.state === 'failed');
    expect(failed?.error).toMatch(/revert failed: injected revert failure/);
    const other = await p.acquire();
    expect(other.name).not.toBe(failed?.name);
    await p.release(other);
  });

  it('health checks replace an idle machine that stopped answering; the others are left alone', async () => {
    const p = (pool = new VMPool({ provider: sb.provider, connect, pool: 'unit', size: 2, backoffMs: 10, healthCheckMs: 50 }));
    await p.init();
    // Break machine 2 for real: its writable layer and overlay work dir are gone, so nothing can start in it.
    const dir = sandboxDirs.machine('vmwatch-unit-2');
    rmSync(path.join(dir, 'upper'), { recursive: true, force: true });
    rmSync(path.join(dir, 'work'), { recursive: true, force: true });
    await waitFor(() => p.status()[1]!.metrics.boots === 2 && p.status()[1]!.state === 'ready', 10_000, 'machine 2 replaced');
    expect(p.status().map((s) => [s.name, s.metrics.boots, s.metrics.failures])).toEqual([
      ['vmwatch-unit-1', 1, 0],
      ['vmwatch-unit-2', 2, 1],
    ]);
    const vms = [await p.acquire(), await p.acquire()];
    for (const vm of vms) expect((await vm.exec('ls')).output).toBe('from-snapshot.txt\n');
    for (const vm of vms) await p.release(vm);
  });

  /** A pool whose prepare writes how many prepares there have been into `file` of the machine. */
  const countingPool = (size: number, file: string): { p: VMPool; prepared: () => number } => {
    let prepared = 0;
    const p = (pool = new VMPool({
      provider: sb.provider,
      connect,
      pool: 'unit',
      size,
      backoffMs: 10,
      prepare: async (vm) => {
        prepared++;
        await vm.exec(`echo ${prepared} > ${file}`);
      },
    }));
    return { p, prepared: () => prepared };
  };

  it('sync-ahead: prepare runs after every boot and revert, before the machine is handed out', async () => {
    const { p } = countingPool(1, 'synced-ahead.txt');
    await p.init();
    const first = await p.acquire();
    expect((await first.exec('cat synced-ahead.txt')).output).toBe('1\n');
    await first.exec('rm synced-ahead.txt && echo dirty > dirty.txt');
    await p.release(first);
    const second = await p.acquire();
    expect((await second.exec('ls')).output).toBe('from-snapshot.txt\nsynced-ahead.txt\n');
    expect((await second.exec('cat synced-ahead.txt')).output).toBe('2\n');
    await p.release(second);
  });

  it('recycleIdle reverts and prepares again the idle machines it picks; a leased one and the others are left alone', async () => {
    const { p, prepared } = countingPool(3, 'prepared.txt');
    await p.init();
    const leased = await p.acquire();
    await leased.exec('echo mine > lease.txt');
    const names = p.recycleIdle(() => true);
    expect(names).toEqual(['vmwatch-unit-2', 'vmwatch-unit-3']);
    expect(p.recycleIdle((vm) => vm.name === 'vmwatch-unit-1')).toEqual([]);
    await waitFor(() => p.status().every((s) => s.state !== 'cleaning' && s.state !== 'starting'), 30_000, 'the recycled machines ready');
    expect(p.status().map((s) => [s.state, s.metrics.reverts])).toEqual([
      ['running', 0],
      ['ready', 1],
      ['ready', 1],
    ]);
    expect(prepared()).toBe(5);
    expect((await leased.exec('cat lease.txt')).output).toBe('mine\n');
    await p.release(leased);
  });

  it('keepWarm: ready machines survive destroy and the next pool with the same key adopts them; another key rebuilds', async () => {
    const warm = (key: string): VMPool =>
      new VMPool({ provider: sb.provider, connect, pool: 'unit', size: 2, backoffMs: 10, keepWarm: true, warmKey: key });
    const first = warm('snap@1');
    await first.init();
    const vm = await first.acquire();
    await vm.exec('echo from-the-first-run > leftover.txt');
    await first.release(vm);
    await waitFor(() => first.status().every((s) => s.state === 'ready'), 5000, 'both ready');
    await first.destroy();
    expect(machinesOnDisk()).toEqual(['vmwatch-unit-1', 'vmwatch-unit-2']);

    const second = (pool = warm('snap@1'));
    await second.init();
    expect(second.status().map((s) => [s.state, s.metrics.boots])).toEqual([
      ['ready', 0],
      ['ready', 0],
    ]);
    const again = await second.acquire();
    expect((await again.exec('ls')).output).toBe('from-snapshot.txt\n');
    await second.release(again);
    await waitFor(() => second.status().every((s) => s.state === 'ready'), 5000, 'both ready');
    await second.destroy();

    const third = (pool = warm('snap@2'));
    await third.init();
    expect(third.status().map((s) => s.metrics.boots)).toEqual([1, 1]);
    await third.destroy();
    // A pool without keepWarm takes the machines away
    const last = (pool = newPool(2));
    await last.init();
    await last.destroy();
    expect(machinesOnDisk()).toEqual([]);
  });
});
