import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { VMPoolOptions } from '../../../src/pool/types.ts';
import { VMPool } from '../../../src/pool/VMPool.ts';
import { OrchardClient } from '../../../src/providers/orchard/OrchardClient.ts';
import { OrchardProvider, type OrchardProviderOptions } from '../../../src/providers/orchard/OrchardProvider.ts';
import { connect } from '../../../src/transport/connect.ts';
import { startOrchardDouble, type OrchardDouble, type OrchardDoubleOptions } from '../../helpers/orchardDouble.ts';

const IMAGE = 'ghcr.io/cirruslabs/macos-sequoia-base:latest';
export const GUEST_PATH = '/mnt/vmwatch-test/app';

export interface OrchardTestBed {
  double: OrchardDouble;
  home: string;
  provider(options?: Partial<OrchardProviderOptions> & { token?: string; name?: string }): OrchardProvider;
  pool(size: number, options?: Partial<VMPoolOptions>): VMPool;
  cleanup(): Promise<void>;
}

/** The Orchard double, a private VMWATCH_HOME (process.env, until cleanup), and providers/pools over them. */
export async function orchardTestBed(options: OrchardDoubleOptions = {}): Promise<OrchardTestBed> {
  const double = await startOrchardDouble(options);
  const home = mkdtempSync(path.join(tmpdir(), 'vmwatch-orchard-home-'));
  const previous = process.env.VMWATCH_HOME;
  process.env.VMWATCH_HOME = home;
  const app = path.join(home, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'app.txt'), 'the app\n');
  const pools: VMPool[] = [];
  const clients: OrchardClient[] = [];
  const bed: OrchardTestBed = {
    double,
    home,
    provider(opts = {}) {
      const client = new OrchardClient({
        url: double.url,
        serviceAccountName: opts.name ?? double.serviceAccountName,
        serviceAccountToken: opts.token ?? double.serviceAccountToken,
        ...(double.certificate ? { certificate: double.certificate } : {}),
        sources: {
          url: 'test',
          serviceAccountName: 'pool.orchard.serviceAccountName',
          serviceAccountToken: 'pool.orchard.serviceAccountToken',
          certificate: 'pool.orchard.certificate',
        },
      });
      clients.push(client);
      return new OrchardProvider({
        client,
        pool: 'orchard-test',
        image: IMAGE,
        user: 'admin',
        password: 'admin',
        guestPath: GUEST_PATH,
        pendingTimeoutMs: 20_000,
        ...opts,
      });
    },
    pool(size, opts = {}) {
      // Sync-ahead as openPool does it: the app rsynced into each machine after each boot and revert.
      const prepare: VMPoolOptions['prepare'] = (vm, signal) => vm.copyToVM(app, GUEST_PATH, { delete: true, signal });
      const pool = new VMPool({
        provider: opts.provider ?? bed.provider(),
        connect,
        pool: 'orchard-test',
        size,
        backoffMs: 100,
        prepare,
        ...opts,
      });
      pools.push(pool);
      return pool;
    },
    async cleanup() {
      await Promise.allSettled(pools.map((p) => p.destroy()));
      for (const c of clients) c.close();
      await double.stop();
      rmSync(home, { recursive: true, force: true });
      if (previous === undefined) delete process.env.VMWATCH_HOME;
      else process.env.VMWATCH_HOME = previous;
    },
  };
  return bed;
}
