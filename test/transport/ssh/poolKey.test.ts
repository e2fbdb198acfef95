import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensurePoolKey, machineKnownHosts } from '../../../src/transport/ssh/poolKey.ts';
import { sshdUnavailable } from '../../helpers/sshd.ts';

describe.skipIf(sshdUnavailable() !== null)('pool keys', () => {
  let home: string;
  let previous: string | undefined;

  beforeEach(() => {
    home = mkdtempSync(path.join(tmpdir(), 'vmwatch-keyhome-'));
    previous = process.env.VMWATCH_HOME;
    process.env.VMWATCH_HOME = home;
  });

  afterEach(() => {
    if (previous === undefined) delete process.env.VMWATCH_HOME;
    else process.env.VMWATCH_HOME = previous;
    rmSync(home, { recursive: true, force: true });
  });

  it('makes an ed25519 key once, private, under <home>/ssh/<pool>', async () => {
    const key = await ensurePoolKey('demo');
    expect(key.identityFile).toBe(path.join(home, 'ssh', 'demo', 'id_ed25519'));
    expect(key.knownHostsFile).toBe(path.join(home, 'ssh', 'demo', 'known_hosts'));
    expect(key.publicKey).toMatch(/^ssh-ed25519 \S+ vmwatch-demo$/);
    expect(statSync(key.identityFile).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(key.identityFile)).mode & 0o777).toBe(0o700);
    const again = await ensurePoolKey('demo');
    expect(again).toEqual(key);
  });

  it('gives every concurrent caller the same key', async () => {
    const keys = await Promise.all([ensurePoolKey('race'), ensurePoolKey('race'), ensurePoolKey('race')]);
    expect(new Set(keys.map((k) => k.publicKey)).size).toBe(1);
    expect(readFileSync(`${keys[0]!.identityFile}.pub`, 'utf8').trim()).toBe(keys[0]!.publicKey);
  });

  it('refuses a pool name that is not a plain folder name', async () => {
    await expect(ensurePoolKey('../evil')).rejects.toThrow(/cannot name/);
  });

  it('keeps a known_hosts per machine, emptied on reset', async () => {
    const file = await machineKnownHosts('demo', 'vmwatch-demo-1', { reset: true });
    expect(file).toBe(path.join(home, 'ssh', 'demo', 'known_hosts.d', 'vmwatch-demo-1'));
    writeFileSync(file, '[127.0.0.1]:22 ssh-ed25519 AAAA\n');
    expect(await machineKnownHosts('demo', 'vmwatch-demo-1')).toBe(file);
    expect(readFileSync(file, 'utf8')).not.toBe('');
    await machineKnownHosts('demo', 'vmwatch-demo-1', { reset: true });
    expect(readFileSync(file, 'utf8')).toBe('');
  });
});
