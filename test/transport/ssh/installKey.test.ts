import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../../src/config/types.ts';
import { LoginRefusedError, MachineError } from '../../../src/errors.ts';
import { installKeyWhenUp } from '../../../src/snapshot/installKeyWhenUp.ts';
import { installKey } from '../../../src/transport/ssh/installKey.ts';
import { ensurePoolKey } from '../../../src/transport/ssh/poolKey.ts';
import { SshTransport } from '../../../src/transport/ssh/SshTransport.ts';
import { passwordSshdUnavailable, startSshd, type TestSshd } from '../../helpers/sshd.ts';

describe.skipIf(passwordSshdUnavailable() !== null)('installKey (password login, like a fresh Cirrus image)', () => {
  let sshd: TestSshd;
  let previous: string | undefined;

  beforeAll(async () => {
    sshd = await startSshd({ passwordUser: { name: 'admin', password: 'admin' } });
    previous = process.env.VMWATCH_HOME;
    process.env.VMWATCH_HOME = path.join(sshd.dir, 'vmwatch-home');
  });

  afterAll(async () => {
    if (previous === undefined) delete process.env.VMWATCH_HOME;
    else process.env.VMWATCH_HOME = previous;
    await sshd?.stop();
  });

  it('logs in with the password once, adds the pool key idempotently, and the key then works', async () => {
    const key = await ensurePoolKey('cirrus');
    const target = { host: sshd.host, port: sshd.port, user: 'admin', knownHostsFile: key.knownHostsFile, publicKey: key.publicKey };
    const endpoint = { kind: 'ssh' as const, ...target, identityFile: key.identityFile, guestPath: sshd.home! };

    const before = new SshTransport(endpoint);
    expect((await before.exec('true')).outcome).toBe('error'); // no key yet
    await before.close();

    // An existing file without a final newline keeps its line intact.
    const authorized = path.join(sshd.home!, '.ssh', 'authorized_keys');
    await installKey(target, 'admin');
    writeFileSync(authorized, `ssh-ed25519 AAAAothers someone`);
    await installKey(target, 'admin');
    await installKey(target, 'admin');
    expect(readFileSync(authorized, 'utf8')).toBe(`ssh-ed25519 AAAAothers someone\n${key.publicKey}\n`);

    const after = new SshTransport(endpoint);
    const r = await after.exec('echo "$HOME"');
    await after.close();
    expect(r.output).toBe(`${sshd.home}\n`);
  });

  it('says the login failed, and what to check, for a wrong password', async () => {
    const key = await ensurePoolKey('cirrus');
    const err = await installKey(
      { host: sshd.host, port: sshd.port, user: 'admin', knownHostsFile: key.knownHostsFile, publicKey: key.publicKey },
      'wrong',
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MachineError);
    expect((err as Error).message).toMatch(/could not log in to admin@127\.0\.0\.1 .*Permission denied.*admin\/admin/);
  });

  it('the snapshot build stops at a refused password: one login, no retry loop until pool.bootTimeoutMs', async () => {
    const key = await ensurePoolKey('cirrus');
    const endpoint = {
      kind: 'ssh' as const,
      host: sshd.host,
      port: sshd.port,
      user: 'admin',
      knownHostsFile: key.knownHostsFile,
      identityFile: key.identityFile,
      guestPath: sshd.home!,
    };
    const config = { pool: { name: 'cirrus', password: 'wrong', bootTimeoutMs: 240_000 } } as unknown as ResolvedConfig;
    const err = await installKeyWhenUp(endpoint, config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoginRefusedError);
    expect((err as LoginRefusedError).attempts).toBe(1);
    expect((err as Error).message).toMatch(
      /snapshot builder: could not log in to admin@127\.0\.0\.1 .*login was refused.*Permission denied.*pool\.password/,
    );
  });
});
