import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginRefusedError, MachineError } from '../../../src/errors.ts';
import { SshTransport } from '../../../src/transport/ssh/SshTransport.ts';
import { waitForSsh } from '../../../src/transport/ssh/waitForSsh.ts';
import { freePort, sshdUnavailable } from '../../helpers/sshd.ts';
import { sshTestBed, type SshTestBed } from './sshTestBed.ts';

describe.skipIf(sshdUnavailable() !== null)('waitForSsh', () => {
  let bed: SshTestBed;

  beforeAll(async () => {
    bed = await sshTestBed();
  });

  afterAll(async () => {
    await bed?.cleanup();
  });

  it('returns as soon as ssh answers', async () => {
    await waitForSsh(bed.endpoint, { timeoutMs: 20_000 });
  });

  it('gives up after the timeout with an error saying what was tried and what to check', async () => {
    const closed = { ...bed.endpoint, port: await freePort() };
    const started = Date.now();
    const err = await waitForSsh(closed, { timeoutMs: 2500 }).catch((e: unknown) => e);
    const took = Date.now() - started;
    expect(err).toBeInstanceOf(MachineError);
    const message = (err as Error).message;
    expect(message).toContain(`${closed.user}@127.0.0.1 port ${closed.port}`);
    expect(message).toContain(closed.identityFile);
    expect(message).toMatch(/Last error: .*Connection refused/);
    expect(message).toMatch(/attempt\(s\)/);
    expect(message).toContain('authorized_keys');
    expect(took).toBeGreaterThanOrEqual(1500);
    expect(took).toBeLessThan(10_000);
  });

  it('names a refused key in the error', async () => {
    const wrongKey = { ...bed.endpoint, identityFile: `${bed.sshd.dir}/host_key` };
    const err = await waitForSsh(wrongKey, { timeoutMs: 1500 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/Permission denied/);
  });

  it('a refused key is final: one attempt, a LoginRefusedError, long before the timeout', async () => {
    const wrongKey = { ...bed.endpoint, identityFile: `${bed.sshd.dir}/host_key` };
    const err = await waitForSsh(wrongKey, { timeoutMs: 240_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoginRefusedError);
    expect((err as LoginRefusedError).attempts).toBe(1);
    expect((err as Error).message).toMatch(/was refused with key .*host_key: .*Permission denied/);
    expect((err as Error).message).toContain('authorized_keys');
  });

  it('stops when aborted', async () => {
    const closed = { ...bed.endpoint, port: await freePort() };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    await expect(waitForSsh(closed, { timeoutMs: 30_000, signal: controller.signal })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('Transport.ready waits for ssh and opens the master', async () => {
    const vm = new SshTransport(bed.endpoint, { readyTimeoutMs: 20_000 });
    await vm.ready();
    expect((await vm.master()).pid).toBeDefined();
    await vm.close();
  });
});
