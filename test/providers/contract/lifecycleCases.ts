import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { Endpoint, Transport } from '../../../src/transport/types.ts';
import { contractNames, filesUnder, type ContractCapabilities, type ContractHarness, type HostFolders } from './harness.ts';

export interface ContractContext {
  harness(): ContractHarness;
  folders(): HostFolders;
  /** Transports the current case opened, closed after it. */
  opened: Transport[];
}

/** A transport to `endpoint`, ready, with the app synced in (what vmwatch does before running anything). */
async function reach(ctx: ContractContext, endpoint: Endpoint): Promise<Transport> {
  const transport = ctx.harness().connect(endpoint);
  ctx.opened.push(transport);
  await transport.ready?.();
  await transport.copyToVM(ctx.folders().app, endpoint.guestPath);
  return transport;
}

async function boot(ctx: ContractContext, name: string): Promise<{ endpoint: Endpoint; transport: Transport }> {
  const { provider } = ctx.harness();
  await provider.createVM(name);
  const endpoint = await provider.startVM(name);
  return { endpoint, transport: await reach(ctx, endpoint) };
}

const sorted = (names: string[]): string[] => [...names].sort();

/** The provider's own lifecycle: create, start, revert, stop, destroy, list. */
export function lifecycleCases(ctx: ContractContext, capabilities: ContractCapabilities): void {
  const names = () => contractNames(ctx.harness().pool);

  it("create + start: the endpoint's transport runs echo and copies a folder in and out", async () => {
    const { endpoint, transport } = await boot(ctx, names().machine(1));
    expect(await transport.exec('echo contract-ok')).toMatchObject({ outcome: 'exited', exitCode: 0, output: 'contract-ok\n' });
    const local = ctx.folders().fresh('in');
    mkdirSync(path.join(local, 'sub'));
    writeFileSync(path.join(local, 'a.txt'), 'alpha\n');
    writeFileSync(path.join(local, 'sub', 'b.txt'), 'beta\n');
    const guestDir = `${endpoint.guestPath}/contract-in`;
    await transport.copyToVM(local, guestDir);
    expect(await transport.exec('cat contract-in/sub/b.txt')).toMatchObject({ exitCode: 0, output: 'beta\n' });
    expect((await transport.exec('echo made-inside > contract-in/made.txt')).exitCode).toBe(0);
    const out = ctx.folders().fresh('out');
    expect(await transport.copyFromVM(guestDir, out)).toMatchObject({ droppedLinks: [] });
    expect(filesUnder(out)).toEqual({ 'a.txt': 'alpha\n', 'made.txt': 'made-inside\n', 'sub/b.txt': 'beta\n' });
  });

  it('a file written in the machine is gone after revertToSnapshot; the new endpoint works', async () => {
    const { provider } = ctx.harness();
    const name = names().machine(1);
    const { transport } = await boot(ctx, name);
    await transport.exec('echo dirty > dirty.txt');
    expect(await transport.exec('cat dirty.txt')).toMatchObject({ exitCode: 0, output: 'dirty\n' });
    await transport.close();
    const after = await reach(ctx, await provider.revertToSnapshot(name));
    expect(await after.exec('cat dirty.txt')).toMatchObject({ outcome: 'exited' });
    expect((await after.exec('cat dirty.txt')).exitCode).not.toBe(0);
    expect(await after.exec('cat app.txt')).toMatchObject({ exitCode: 0, output: 'the app\n' });
  });

  it(
    'destroyVM is idempotent: a running machine destroyed twice at once and again, and one that never existed, ' + 'are not errors',
    async () => {
      const { provider } = ctx.harness();
      const name = names().machine(1);
      const { transport } = await boot(ctx, name);
      await transport.close();
      // Twice at once (the pool's shrink and its destroy can meet), then once more when it is gone.
      await Promise.all([provider.destroyVM(name), provider.destroyVM(name)]);
      await provider.destroyVM(name);
      await provider.destroyVM(names().machine(9));
      expect(await provider.listVMs(names().prefix)).toEqual([]);
    },
  );

  it('createVM of an existing name replaces that machine (its files are gone)', async () => {
    const { provider } = ctx.harness();
    const name = names().machine(1);
    const { transport } = await boot(ctx, name);
    await transport.exec('echo old > old-machine.txt');
    await transport.close();
    await provider.createVM(name);
    const again = await reach(ctx, await provider.startVM(name));
    expect((await again.exec('cat old-machine.txt')).exitCode).not.toBe(0);
    expect(await provider.listVMs(names().prefix)).toEqual([name]);
  });

  it('listVMs(prefix) lists exactly the live machines with that prefix, and nothing after destroy', async () => {
    const { provider } = ctx.harness();
    const mine = [names().machine(1), names().machine(2)];
    const other = `${names().otherPrefix}1`;
    for (const n of [...mine, other]) await provider.createVM(n);
    expect(sorted(await provider.listVMs(names().prefix))).toEqual(mine);
    expect(await provider.listVMs(names().otherPrefix)).toEqual([other]);
    for (const n of [...mine, other]) await provider.destroyVM(n);
    expect(await provider.listVMs(names().prefix)).toEqual([]);
    expect(await provider.listVMs(names().otherPrefix)).toEqual([]);
  });

  const stopStart = capabilities.stopStart === true ? it : it.skip;
  stopStart(
    `stopVM then startVM gives a working machine${capabilities.stopStart === true ? '' : ` (exempt: ${capabilities.stopStart})`}`,
    async () => {
      const { provider } = ctx.harness();
      const name = names().machine(1);
      const { transport } = await boot(ctx, name);
      expect((await transport.exec('echo before-stop')).output).toBe('before-stop\n');
      await transport.close();
      await provider.stopVM(name);
      const again = await reach(ctx, await provider.startVM(name));
      expect(await again.exec('echo after-start')).toMatchObject({ exitCode: 0, output: 'after-start\n' });
    },
  );
}
