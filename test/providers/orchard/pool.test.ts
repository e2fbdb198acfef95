import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { processesMentioning, processesRunning, waitFor } from '../../helpers/processes.ts';
import { orchardAvailable } from '../../helpers/orchardDouble.ts';
import { orchardTestBed, type OrchardTestBed } from './orchardTestBed.ts';

const skip = orchardAvailable();
/** A sleep with this run's own marker (its fraction), so a process scan finds only ours. */
const SLEEP = `sleep 30.${process.pid}${Date.now() % 100_000}`;

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Live processes below `root` (from /proc: parent links). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      parent.set(
        Number(e),
        Number(
          readFileSync(`/proc/${e}/stat`, 'utf8')
            .replace(/^.*\) /, '')
            .split(' ')[1],
        ),
      );
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

interface Vm {
  name: string;
  status: string;
  worker?: string;
}

describe.skipIf(skip !== null)(`orchard provider under VMPool${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let bed: OrchardTestBed | undefined;
  afterEach(async () => {
    await bed?.cleanup();
    bed = undefined;
  });
  const vms = async (b: OrchardTestBed) => (await b.double.request('GET', '/v1/vms')).json<Vm[]>();

  it(
    'a pool of 6 over 3 workers: 2 VMs per Mac, each reachable; a 7th stays pending, is reported with the free capacity, and ' +
      'the pool runs with 6',
    async () => {
      bed = await orchardTestBed({ workers: 3 });
      const pool = bed.pool(7, { provider: bed.provider({ pendingTimeoutMs: 1500 }), attempts: 2 });
      await pool.init();
      const status = pool.status();
      // Which slot's VM was created last, and so found no room, is a race.
      expect(status.filter((s) => s.state === 'ready').length).toBe(6);
      const seventh = status.find((s) => s.state === 'failed')!;
      expect(seventh.error).toMatch(
        new RegExp(
          'still pending after 2 s: no worker had room.*3 worker\\(s\\) online \\(worker-\\d 2\\/2, worker-\\d 2\\/2, ' +
            'worker-\\d 2\\/2 org\\.cirruslabs\\.tart-vms in use\\); 6 macOS VM slot\\(s\\), 0 free',
        ),
      );
      const onController = await vms(bed);
      expect(onController.map((v) => v.name)).not.toContain(seventh.name);
      expect(onController.length).toBe(6);
      const perWorker = new Map<string, number>();
      for (const v of onController) perWorker.set(v.worker!, (perWorker.get(v.worker!) ?? 0) + 1);
      expect([...perWorker.values()]).toEqual([2, 2, 2]);
      const leased = await Promise.all(Array.from({ length: 6 }, () => pool.acquire()));
      const names = await Promise.all(leased.map(async (vm) => (await vm.exec('cat app.txt >/dev/null && hostname')).output?.trim()));
      expect(names.sort()).toEqual(leased.map((vm) => vm.name).sort());
      for (const vm of leased) await pool.release(vm);
    },
  );

  it('a worker going offline mid-test: that command errors, its VM is replaced on another worker, the pool serves on', async () => {
    bed = await orchardTestBed({ workers: 3 });
    const pool = bed.pool(4, { healthCheckMs: 500 });
    await pool.init();
    const vm = await pool.acquire();
    const worker = (await vms(bed)).find((v) => v.name === vm.name)!.worker!;
    const running = vm.exec(SLEEP);
    await waitFor(() => processesRunning(SLEEP).length > 0, 10_000, `${SLEEP} running in the VM`);
    await bed.double.knob(`workers/${worker}`, { offline: true });
    const result = await running;
    expect(result.outcome).toBe('error');
    await pool.release(vm);
    await waitFor(() => pool.status().every((s) => s.state === 'ready'), 60_000, 'all 4 ready again');
    const after = await vms(bed);
    expect(after.length).toBe(4);
    expect(after.every((v) => v.status === 'running' && v.worker !== worker)).toBe(true);
    const again = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()]);
    for (const v of again) expect((await v.exec('true')).outcome).toBe('exited');
    for (const v of again) await pool.release(v);
  });

  it("a VM that fails to start is deleted and replaced (with backoff), with Orchard's status message logged in the slot", async () => {
    bed = await orchardTestBed({ workers: 1 });
    await bed.double.knob('fail-starts', { count: 1, message: 'failed to pull image: unauthorized' });
    const pool = bed.pool(1);
    await pool.init();
    expect(pool.status()[0]).toMatchObject({ state: 'ready', metrics: { failures: 1, boots: 1 } });
  });

  it('30 acquire/release cycles leave 0 VMs on the controller, 0 sshd sessions and 0 bridges', async () => {
    bed = await orchardTestBed({ workers: 2 });
    const pool = bed.pool(3);
    await pool.init();
    const started = Date.now();
    for (let i = 0; i < 30; i++) {
      const vm = await pool.acquire();
      expect((await vm.exec('echo ok')).output?.trim()).toBe('ok');
      await pool.release(vm);
    }
    console.log(`[orchard] 30 cycles over a pool of 3 took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await pool.destroy();
    expect(await vms(bed)).toEqual([]);
    await waitFor(async () => (await bed!.double.state()).machines === 0, 10_000, 'no machine');
    expect((await bed.double.state()).sshSessions).toBe(0);
    await waitFor(
      () => processesMentioning('orchard-bridge.mjs').filter((p) => p.cmdline.includes(bed!.home)).length === 0,
      5000,
      'no bridge left',
    );
    expect(descendants(bed.double.child.pid!).filter((pid) => commandOf(pid).includes('sshd'))).toEqual([]);
  }, 240_000);
});
