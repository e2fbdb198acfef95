import { describe, expect, it } from 'vitest';
import type { SshEndpoint } from '../../../src/providers/types.ts';
import { rshCommand, rsyncHost, sshOptions } from '../../../src/transport/ssh/sshOptions.ts';

const endpoint: SshEndpoint = {
  kind: 'ssh',
  host: '192.168.64.5',
  port: 22,
  user: 'admin',
  identityFile: '/h/.vmwatch/ssh/demo/id_ed25519',
  knownHostsFile: '/h/.vmwatch/ssh/demo/known hosts',
  guestPath: '/mnt/app',
};

/** `-o Key=Value` pairs as a map. */
function settings(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  argv.forEach((a, i) => {
    if (a === '-o') {
      const [k, ...v] = argv[i + 1]!.split('=');
      out[k!] = v.join('=');
    }
  });
  return out;
}

describe('sshOptions', () => {
  it('reads no user or system config and uses only the pool key and known_hosts', () => {
    const argv = sshOptions(endpoint);
    expect(argv.slice(0, 4)).toEqual(['-F', '/dev/null', '-i', endpoint.identityFile]);
    expect(settings(argv)).toMatchObject({
      IdentitiesOnly: 'yes',
      IdentityAgent: 'none',
      UserKnownHostsFile: '"/h/.vmwatch/ssh/demo/known hosts"',
      GlobalKnownHostsFile: '/dev/null',
      StrictHostKeyChecking: 'accept-new',
      BatchMode: 'yes',
      ConnectTimeout: '10',
      ServerAliveInterval: '5',
    });
    expect(argv.slice(-4)).toEqual(['-p', '22', '-l', 'admin']);
    expect(settings(argv).ControlMaster).toBeUndefined();
  });

  it('multiplexes clients through the master socket, the master runs in the foreground', () => {
    const client = sshOptions(endpoint, { controlPath: '/h/.vmwatch/cm/abc', connectTimeoutSec: 1 });
    expect(settings(client)).toMatchObject({ ControlMaster: 'no', ConnectTimeout: '1' });
    expect(client).toContain('-S');
    const master = sshOptions(endpoint, { controlPath: '/h/.vmwatch/cm/abc', master: true });
    expect(settings(master)).toMatchObject({ ControlMaster: 'yes', ControlPersist: 'no' });
  });

  it('escapes % (ssh expands tokens in paths) and pins the host key under an alias when given', () => {
    const argv = sshOptions({ ...endpoint, identityFile: '/h/100%/key', hostKeyAlias: 'vmwatch-demo-1' });
    expect(argv[3]).toBe('/h/100%%/key');
    expect(settings(argv).HostKeyAlias).toBe('vmwatch-demo-1');
  });

  it('quotes arguments with blanks for rsync -e, and brackets IPv6 hosts', () => {
    expect(rshCommand(['ssh', '-o', 'UserKnownHostsFile="/a b"', '-i', '/a b/key'])).toBe(`ssh -o 'UserKnownHostsFile="/a b"' -i '/a b/key'`);
    expect(() => rshCommand(["it's"])).toThrow(/quote/);
    expect(rsyncHost({ ...endpoint, host: 'fe80::1' })).toBe('[fe80::1]');
    expect(rsyncHost(endpoint)).toBe('192.168.64.5');
  });
});
