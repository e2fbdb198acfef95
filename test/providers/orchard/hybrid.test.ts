import { afterEach, describe, expect, it } from 'vitest';
import { CompositeProvider } from '../../../src/providers/CompositeProvider.ts';
import { orchardAvailable } from '../../helpers/orchardDouble.ts';
import { sandboxUnavailable } from '../../helpers/sandboxAvailable.ts';
import { tempSandbox, type TempSandbox } from '../../helpers/tempSandbox.ts';
import { orchardTestBed, GUEST_PATH, type OrchardTestBed } from './orchardTestBed.ts';

const skip = orchardAvailable() ?? sandboxUnavailable();

describe.skipIf(skip !== null)(
  `hybrid pool: local sandbox machines first, Orchard for the rest${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let bed: OrchardTestBed | undefined;
    let sb: TempSandbox | undefined;
    afterEach(async () => {
      await bed?.cleanup(); // destroys the pool first
      await sb?.cleanup();
      bed = sb = undefined;
    });

    it('slots 1–2 are sandbox machines, 3–4 Orchard VMs; acquire prefers the local ones; destroy removes both kinds', async () => {
      bed = await orchardTestBed({ workers: 1 });
      sb = tempSandbox({ guestPath: GUEST_PATH });
      const provider = new CompositeProvider([
        { provider: sb.provider, size: 2 },
        { provider: bed.provider(), size: 2 },
      ]);
      const pool = bed.pool(4, { provider });
      await pool.init();
      expect(pool.status().map((s) => s.state)).toEqual(['ready', 'ready', 'ready', 'ready']);
      const onController = (await bed.double.request('GET', '/v1/vms')).json<Array<{ name: string }>>().map((v) => v.name);
      expect(onController).toEqual(['vmwatch-orchard-test-3', 'vmwatch-orchard-test-4']);
      const first = await pool.acquire();
      const second = await pool.acquire();
      expect([first.endpoint.kind, second.endpoint.kind]).toEqual(['sandbox', 'sandbox']);
      const third = await pool.acquire();
      expect(third.endpoint.kind).toBe('ssh');
      for (const vm of [first, second, third]) expect((await vm.exec('cat app.txt')).output).toBe('the app\n');
      for (const vm of [first, second, third]) await pool.release(vm);
      await pool.destroy();
      expect(await provider.listVMs('vmwatch-orchard-test-')).toEqual([]);
    });
  },
);
