import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrchardAuthError } from '../../../src/providers/orchard/orchardErrors.ts';
import { connect } from '../../../src/transport/connect.ts';
import type { SshEndpoint } from '../../../src/transport/types.ts';
import { orchardAvailable } from '../../helpers/orchardDouble.ts';
import { orchardTestBed, GUEST_PATH, type OrchardTestBed } from './orchardTestBed.ts';

const skip = orchardAvailable();
if (skip) console.warn(`[vmwatch tests] skipping Orchard provider tests: ${skip}`);

describe.skipIf(skip !== null)(`orchard provider: one VM through the port-forward bridge${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let bed: OrchardTestBed;

  beforeAll(async () => {
    bed = await orchardTestBed({ workers: 1 });
  });
  afterAll(async () => bed?.cleanup());

  it('creates the VM as asked, reaches it over ssh + rsync through the bridge, in its own disk folder; destroy deletes it', async () => {
    const provider = bed.provider({ cpu: 4, memoryMb: 8192 });
    await provider.check();
    await provider.createVM('vmwatch-orchard-test-1');
    const created = (await bed.double.request('GET', '/v1/vms/vmwatch-orchard-test-1')).json<Record<string, unknown>>();
    expect(created).toMatchObject({
      image: 'ghcr.io/cirruslabs/macos-sequoia-base:latest',
      cpu: 4,
      memory: 8192,
      headless: true,
      username: 'admin',
      password: 'admin',
    });
    const endpoint = (await provider.startVM('vmwatch-orchard-test-1')) as SshEndpoint;
    expect(endpoint).toMatchObject({ kind: 'ssh', host: 'vmwatch-orchard-test-1', port: 22, hostKeyAlias: 'vmwatch-orchard-test-1' });
    expect(endpoint.proxyCommand?.join(' ')).toMatch(/orchard-bridge\.mjs --config \S+ --vm vmwatch-orchard-test-1 --port 22/);
    const transport = connect(endpoint);
    try {
      await transport.ready?.();
      const r = await transport.exec('echo "$(hostname) $(id -un) $PWD"', { cwd: '/mnt' });
      expect(r.outcome).toBe('exited');
      expect(r.output?.trim()).toBe('vmwatch-orchard-test-1 admin /mnt');
      const local = path.join(bed.home, 'app');
      const { mkdirSync, writeFileSync } = await import('node:fs');
      mkdirSync(local, { recursive: true });
      writeFileSync(path.join(local, 'hello.txt'), 'from the host\n');
      await transport.copyToVM(local, GUEST_PATH, { delete: true });
      const vm = (await bed.double.state()).vms.find((v) => v.name === 'vmwatch-orchard-test-1')!;
      expect(readFileSync(path.join(vm.diskDir!, 'mnt/vmwatch-test/app/hello.txt'), 'utf8')).toBe('from the host\n');
    } finally {
      await transport.close();
    }
    expect(await provider.listVMs('vmwatch-orchard-test-')).toEqual(['vmwatch-orchard-test-1']);
    await provider.destroyVM('vmwatch-orchard-test-1');
    await provider.destroyVM('vmwatch-orchard-test-1');
    expect((await bed.double.request('GET', '/v1/vms')).json()).toEqual([]);
  });

  it('a wrong token and a missing role are OrchardAuthErrors (exit 2) naming the credential or the role', async () => {
    const wrong = bed.provider({ token: 'not-the-token' });
    const err = await wrong.check().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrchardAuthError);
    expect((err as OrchardAuthError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(/refused service account "vmwatch" \(401\).*token is wrong.*pool\.orchard\.serviceAccountToken/);
    await bed.double.knob('accounts', { name: 'viewer', token: 'viewer-token', roles: ['compute:read'] });
    const viewer = bed.provider({ name: 'viewer', token: 'viewer-token' });
    await expect(viewer.check()).rejects.toThrow(/"viewer".*lacks a role.*all of the following roles must be present: compute:write/);
    expect((await bed.double.request('GET', '/v1/vms')).json()).toEqual([]);
  });
});
