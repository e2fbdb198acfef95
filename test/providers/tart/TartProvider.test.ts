import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.ts';
import type { ResolvedConfig } from '../../../src/config/types.ts';
import { VMPool } from '../../../src/pool/VMPool.ts';
import { TartProvider } from '../../../src/providers/tart/TartProvider.ts';
import { createProvider } from '../../../src/providers/createProvider.ts';
import { buildSnapshot } from '../../../src/snapshot/buildSnapshot.ts';
import { connect } from '../../../src/transport/connect.ts';
import { ensurePoolKey } from '../../../src/transport/ssh/poolKey.ts';
import { openFiles, processesMentioning, waitFor } from '../../helpers/processes.ts';
import { BASE_IMAGE, startTartDouble, tartAvailable, type TartDouble } from '../../helpers/tartDouble.ts';

const unavailable = tartAvailable();

describe.skipIf(unavailable !== null)('TartProvider on the Tart double (real tart CLI semantics, real sshd VMs)', () => {
  let tart: TartDouble;
  let dir: string;
  let config: ResolvedConfig;
  const saved = { PATH: process.env.PATH, TART_HOME: process.env.TART_HOME, VMWATCH_HOME: process.env.VMWATCH_HOME };
  const poolVMs = async (): Promise<string[]> =>
    (JSON.parse((await tart.tart(['list', '--format', 'json'])).stdout) as Array<{ Name: string }>)
      .map((v) => v.Name)
      .filter((n) => n.startsWith('vmwatch-tartunit-'))
      .sort();

  beforeAll(async () => {
    tart = startTartDouble({ bootDelayMs: 100 });
    tart.seedImage(BASE_IMAGE);
    dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-tart-unit-'));
    process.env.PATH = tart.env.PATH;
    process.env.TART_HOME = tart.home;
    process.env.VMWATCH_HOME = path.join(dir, 'home');
    mkdirSync(path.join(dir, 'app/src'), { recursive: true });
    writeFileSync(path.join(dir, 'app/src/a.txt'), 'from the host\n');
    writeFileSync(
      path.join(dir, 'watch.config.json'),
      JSON.stringify({
        root: './app',
        guestPath: '/mnt/chatstats/app',
        setup: ['echo built > setup-marker.txt'],
        pool: {
          provider: 'tart',
          name: 'tartunit',
          snapshot: 'tartunit-ready',
          size: 2,
          base: BASE_IMAGE,
          ports: [3030],
          cpu: 2,
          memory: '4GB',
        },
      }),
    );
    config = await loadConfig({ file: path.join(dir, 'watch.config.json') });
  });

  afterAll(async () => {
    await tart?.cleanup();
    Object.assign(process.env, saved);
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'snapshot build: clones the base image, installs the pool key with admin/admin once, runs setup, ' + 'keeps the VM as the snapshot',
    async () => {
      const provider = createProvider(config);
      expect(provider).toBeInstanceOf(TartProvider);
      const steps: string[] = [];
      const meta = await buildSnapshot({ config, provider, connect, onProgress: (s) => steps.push(s) });
      expect(meta.name).toBe('tartunit-ready');
      expect(steps.join('\n')).toMatch(/installing the pool key with the image's login \(admin\)/);
      const list = JSON.parse((await tart.tart(['list', '--format', 'json'])).stdout) as Array<{ Name: string; Running: boolean }>;
      expect(list.find((v) => v.Name === 'tartunit-ready')).toMatchObject({ Running: false });
      expect(list.some((v) => v.Name === 'vmwatch-tartunit-build')).toBe(false);
      const cfg = JSON.parse((await tart.tart(['get', 'tartunit-ready', '--format', 'json'])).stdout) as { CPU: number; Memory: number };
      expect([cfg.CPU, cfg.Memory]).toEqual([2, 4096]);
    },
  );

  it(
    'a pool of 2: isolated VMs with the snapshot, port 3030 of each forwarded to 13030/23030, revert gives a clean VM, ' +
      'destroy leaves nothing',
    async () => {
      const provider = createProvider(config);
      await provider.check();
      const pool = new VMPool({ provider, connect, pool: 'tartunit', size: 2, ports: [3030], backoffMs: 50 });
      try {
        await pool.init();
        expect(pool.status().map((s) => [s.name, s.state])).toEqual([
          ['vmwatch-tartunit-1', 'ready'],
          ['vmwatch-tartunit-2', 'ready'],
        ]);
        const [a, b] = [await pool.acquire(), await pool.acquire()];
        expect((await a.exec('cat setup-marker.txt')).output).toBe('built\n');
        await a.copyToVM(config.root, config.guestPath, { delete: true, exclude: ['setup-marker.txt'] });
        expect((await a.exec('cat src/a.txt; touch dirty')).output).toBe('from the host\n');
        // both VMs serve on their own port 3030 at once; the host reaches each through its forward
        const servers = [a, b].map((vm) => {
          const stop = new AbortController();
          const done = vm.exec(`echo vm ${vm.name} > index.html; exec python3 -m http.server 3030 --bind 127.0.0.1`, {
            signal: stop.signal,
            timeoutMs: 60_000,
          });
          return { stop, done };
        });
        const bodies = await waitFor(
          async () => {
            try {
              return await Promise.all(
                [13030, 23030].map(async (port) =>
                  (await fetch(`http://127.0.0.1:${port}/index.html`, { signal: AbortSignal.timeout(2000) })).text(),
                ),
              );
            } catch {
              return null;
            }
          },
          20_000,
          'both servers through their forwards',
        );
        expect(bodies).toEqual(['vm vmwatch-tartunit-1\n', 'vm vmwatch-tartunit-2\n']);
        for (const s of servers) s.stop.abort();
        expect((await Promise.all(servers.map((s) => s.done))).map((r) => r.outcome)).toEqual(['cancelled', 'cancelled']);
        await pool.release(a);
        await pool.release(b);
        await waitFor(() => pool.status().every((s) => s.state === 'ready') || null, 60_000, 'reverted');
        const again = await pool.acquire();
        expect((await again.exec('ls; test ! -e dirty && echo clean')).output).toBe('setup-marker.txt\nsrc\nclean\n');
        await pool.release(again);
        expect(pool.status().reduce((n, s) => n + s.metrics.reverts, 0)).toBeGreaterThanOrEqual(2);
      } finally {
        await pool.destroy();
      }
      expect(await poolVMs()).toEqual([]);
      expect(processesMentioning(tart.home).filter((p) => /sshd|tart run/.test(p.cmdline))).toEqual([]);
    },
  );

  const directOptions = async (): Promise<ConstructorParameters<typeof TartProvider>[0]> => {
    const keys = await ensurePoolKey('tartunit');
    return {
      configFile: config.configFile,
      pool: 'tartunit',
      snapshot: 'tartunit-ready',
      guestPath: config.guestPath,
      user: 'admin',
      identityFile: keys.identityFile,
      knownHostsFile: keys.knownHostsFile,
      suspend: false,
    };
  };
  const directProvider = async (): Promise<TartProvider> => new TartProvider(await directOptions());

  it("reaps a crashed run's orphans at init and retries a VM that fails to start", async () => {
    await tart.tart(['clone', 'tartunit-ready', 'vmwatch-tartunit-7']);
    tart.setFault('run-fail', { vm: 'vmwatch-tartunit-1', message: 'Error: Virtualization framework: internal error' });
    const pool = new VMPool({ provider: await directProvider(), connect, pool: 'tartunit', size: 2, backoffMs: 50 });
    try {
      await pool.init();
      expect(pool.status().map((s) => [s.state, s.metrics.boots, s.metrics.failures])).toEqual([
        ['ready', 1, 1],
        ['ready', 1, 0],
      ]);
      expect(await poolVMs()).toEqual(['vmwatch-tartunit-1', 'vmwatch-tartunit-2']);
    } finally {
      tart.clearFault('run-fail', 'vmwatch-tartunit-1');
      await pool.destroy();
    }
    expect(await poolVMs()).toEqual([]);
  });

  it("a tart list that fails once (a delete racing it) is tried again; one that keeps failing names Tart's error", async () => {
    const provider = await directProvider();
    await tart.tart(['clone', 'tartunit-ready', 'vmwatch-tartunit-8']);
    const fault = path.join(tart.home, 'double', 'faults', 'list-fail');
    try {
      tart.setFault('list-fail');
      expect(await provider.listVMs('vmwatch-tartunit-')).toEqual(['vmwatch-tartunit-8']);
      expect(existsSync(fault)).toBe(false);
      process.env.TART_DOUBLE_FAULT_LIST_FAIL = '1';
      await expect(provider.listVMs('vmwatch-tartunit-')).rejects.toThrow(
        /'tart list --format json --source local' failed: Error: Error Domain=NSCocoaErrorDomain Code=260 .*config\.json/,
      );
    } finally {
      delete process.env.TART_DOUBLE_FAULT_LIST_FAIL;
      tart.clearFault('list-fail');
      await tart.tart(['delete', 'vmwatch-tartunit-8']);
    }
  });

  it('a third VM on one host hits the 2-VM limit: that slot is failed with the reason and the way out, the other two serve', async () => {
    const pool = new VMPool({ provider: await directProvider(), connect, pool: 'tartunit', size: 3, backoffMs: 50, attempts: 2 });
    try {
      await pool.init();
      const failed = pool.status().filter((s) => s.state === 'failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.error).toMatch(/exceeds the system limit.*at most 2 VMs per host.*orchard/);
      expect(pool.status().filter((s) => s.state === 'ready')).toHaveLength(2);
      const vm = await pool.acquire();
      expect((await vm.exec('echo ok')).output).toBe('ok\n');
      await pool.release(vm);
    } finally {
      await pool.destroy();
    }
    expect(await poolVMs()).toEqual([]);
  });

  it('health checks replace a VM whose ssh stopped answering', async () => {
    const provider = createProvider(config);
    const pool = new VMPool({ provider, connect, pool: 'tartunit', size: 1, backoffMs: 50, healthCheckMs: 300 });
    try {
      await pool.init();
      tart.setFault('freeze', { vm: 'vmwatch-tartunit-1' });
      await waitFor(() => pool.status()[0]!.metrics.failures === 1 || null, 30_000, 'the frozen VM noticed');
      // The double keys faults by VM name: the replacement (same name, a new clone) must not be frozen too.
      tart.clearFault('freeze', 'vmwatch-tartunit-1');
      await waitFor(
        () => (pool.status()[0]!.metrics.boots === 2 && pool.status()[0]!.state === 'ready') || null,
        60_000,
        'the frozen VM replaced',
      );
      const vm = await pool.acquire();
      expect((await vm.exec('echo alive')).output).toBe('alive\n');
      await pool.release(vm);
    } finally {
      tart.clearFault('freeze', 'vmwatch-tartunit-1');
      await pool.destroy();
    }
  });

  it('pool.suspend: one suspended golden per slot, VMs resume from it; a golden left alone is reaped; destroy removes both', async () => {
    const suspendConfig = { ...config, pool: { ...config.pool, suspend: true } };
    const provider = createProvider(suspendConfig);
    const pool = new VMPool({ provider, connect, pool: 'tartunit', size: 1, backoffMs: 50 });
    try {
      await pool.init();
      const list = JSON.parse((await tart.tart(['list', '--format', 'json'])).stdout) as Array<{ Name: string; State: string }>;
      expect(list.find((v) => v.Name === 'vmwatch-tartunit-1-golden')?.State).toBe('suspended');
      const vm = await pool.acquire();
      await vm.exec('touch dirty');
      await pool.release(vm);
      await waitFor(() => pool.status()[0]!.state === 'ready' || null, 30_000, 'reverted');
      const again = await pool.acquire();
      expect((await again.exec('test ! -e dirty && echo clean')).output).toBe('clean\n');
      await pool.release(again);
    } finally {
      await pool.destroy();
    }
    expect(await poolVMs()).toEqual([]);
    // a crash can leave a golden without its VM: the next pool reaps it
    await tart.tart(['clone', 'tartunit-ready', 'vmwatch-tartunit-1-golden']);
    const next = new VMPool({ provider: createProvider(config), connect, pool: 'tartunit', size: 1, backoffMs: 50 });
    await next.init();
    expect(await poolVMs()).toEqual(['vmwatch-tartunit-1']);
    await next.destroy();
    expect(await poolVMs()).toEqual([]);
  });

  it('a VM that never gets an IP is retried and then marked failed with the DHCP hint; the other serves', async () => {
    tart.setFault('no-ip', { vm: 'vmwatch-tartunit-2' });
    const provider = new TartProvider({ ...(await directOptions()), ipWaitS: 3 });
    const pool = new VMPool({ provider, connect, pool: 'tartunit', size: 2, backoffMs: 50, attempts: 2 });
    try {
      await pool.init();
      const [one, two] = pool.status();
      expect(one!.state).toBe('ready');
      expect(two!.state).toBe('failed');
      expect(two!.error).toMatch(/no IP address found.*DHCP leases may be exhausted.*vmwatch doctor/);
    } finally {
      tart.clearFault('no-ip', 'vmwatch-tartunit-2');
      await pool.destroy();
    }
    expect(await poolVMs()).toEqual([]);
  });

  it(
    'the VM dying mid-test (its tart run killed): the test is an error, not a failure; the VM is rebuilt and serves; a ' +
      'failing revert is retried',
    async () => {
      const pool = new VMPool({ provider: createProvider(config), connect, pool: 'tartunit', size: 1, backoffMs: 50 });
      try {
        await pool.init();
        const vm = await pool.acquire();
        // A sleep with a marker of this test run, never another run's.
        const marked = `sleep 30.0${process.pid}${Math.floor(Math.random() * 1e6)}`;
        const running = vm.exec(`echo started; ${marked}`, { timeoutMs: 60_000 });
        await waitFor(() => processesMentioning(marked).some((p) => p.cmdline === marked) || null, 10_000, 'the test running');
        const record = JSON.parse(readFileSync(path.join(tart.home, 'vms', 'vmwatch-tartunit-1', '.double-run.json'), 'utf8')) as {
          pid: number;
        };
        process.kill(record.pid, 'SIGKILL');
        const result = await running;
        expect(result.outcome).toBe('error');
        expect(result.error).toBeTruthy();
        tart.setFault('run-fail', { vm: 'vmwatch-tartunit-1' });
        await pool.release(vm);
        await waitFor(() => pool.status()[0]!.state === 'ready' || null, 60_000, 'rebuilt');
        expect(pool.status()[0]!.metrics).toMatchObject({ reverts: 1, failures: 1 });
        const again = await pool.acquire();
        expect((await again.exec('echo back')).output).toBe('back\n');
        await pool.release(again);
      } finally {
        tart.clearFault('run-fail', 'vmwatch-tartunit-1');
        await pool.destroy();
      }
    },
  );

  it('resize up and down while busy; 20 acquire/release cycles with 2 VMs leave no VM, no VM process and no sshd', async () => {
    const pool = new VMPool({ provider: createProvider(config), connect, pool: 'tartunit', size: 1, backoffMs: 50 });
    try {
      await pool.init();
      const busy = await pool.acquire();
      await pool.resize(2);
      expect(pool.status().map((s) => s.state)).toEqual(['running', 'ready']);
      await pool.resize(1);
      // shrinking never kills a running test: the busy VM 1 stays, VM 2 (idle) goes
      expect((await busy.exec('echo still here')).output).toBe('still here\n');
      expect(pool.status().map((s) => s.name)).toEqual(['vmwatch-tartunit-1']);
      await pool.release(busy);
      await pool.resize(2);
      for (let i = 0; i < 20; i++) {
        const vm = await Promise.race([
          pool.acquire(),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error(`cycle ${i}: no machine within 60 s: ${JSON.stringify(pool.status())}`)), 60_000),
          ),
        ]);
        expect((await vm.exec(`echo ${i}`)).output).toBe(`${i}\n`);
        await pool.release(vm);
      }
    } finally {
      await pool.destroy();
    }
    expect(await poolVMs()).toEqual([]);
    expect(processesMentioning(tart.home)).toEqual([]);
    // This test's guest sshds: their stderr is a machine log under this test's Tart home.
    expect(processesMentioning('sshd').filter((p) => openFiles(p.pid).some((file) => file.startsWith(`${tart.home}/`)))).toEqual([]);
  }, 240_000);
});
