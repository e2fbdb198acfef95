import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TransportError } from '../../../src/errors.ts';
import { whichTool } from '../../../src/process/tools.ts';
import type { SshEndpoint } from '../../../src/transport/types.ts';
import { proxyCommandOption, rshCommand, rsyncHost, sshHost, sshOptions } from '../../../src/transport/ssh/sshOptions.ts';
import { requireOrSkip } from '../../helpers/requireOrSkip.ts';

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
    expect(rshCommand(['ssh', '-o', 'UserKnownHostsFile="/a b"', '-i', '/a b/key'])).toBe(
      `ssh -o 'UserKnownHostsFile="/a b"' -i '/a b/key'`,
    );
    expect(() => rshCommand(["it's"])).toThrow(/quote/);
    expect(rsyncHost({ ...endpoint, host: 'fe80::1' })).toBe('[fe80::1]');
    expect(rsyncHost(endpoint)).toBe('192.168.64.5');
  });
});

describe('proxyCommandOption', () => {
  it('leaves plain words as they are and double-quotes the rest for sh (blanks, ; & | * and the like)', () => {
    expect(proxyCommandOption(['/usr/bin/node', '/opt/vmwatch/bin/orchard-bridge.mjs', '--vm', 'vmwatch-demo-1', '--port', '22'])).toBe(
      'ProxyCommand=/usr/bin/node /opt/vmwatch/bin/orchard-bridge.mjs --vm vmwatch-demo-1 --port 22',
    );
    expect(proxyCommandOption(['/Applications/My Tools/node', 'a;b', 'x&y', 'p|q', '*', '(z)', ''])).toBe(
      'ProxyCommand="/Applications/My Tools/node" "a;b" "x&y" "p|q" "*" "(z)" ""',
    );
  });

  it('doubles % (ssh expands %-tokens in a ProxyCommand), quoted or not', () => {
    expect(proxyCommandOption(['node', '/h/100%/bridge.json', '/a b/50%'])).toBe('ProxyCommand=node /h/100%%/bridge.json "/a b/50%%"');
  });

  it('refuses what double quotes cannot carry: " $ ` \\ and \' (rsync -e cannot pass a quote), and an empty argv', () => {
    for (const bad of ['say "hi"', '$HOME/x', '`id`', 'C:\\x', "it's"]) {
      expect(() => proxyCommandOption(['node', bad]), bad).toThrow(TransportError);
      expect(() => proxyCommandOption(['node', bad]), bad).toThrow(/a ProxyCommand argument cannot contain quotes, \$, ` or \\/);
    }
    expect(() => proxyCommandOption([])).toThrow(/an empty ProxyCommand/);
  });

  it('goes into sshOptions after the other options, with a connect timeout of at least 5 s for the proxy to start', () => {
    const argv = sshOptions({ ...endpoint, proxyCommand: ['node', '/b/bridge.mjs'] }, { connectTimeoutSec: 1 });
    const at = argv.indexOf('ProxyCommand=node /b/bridge.mjs');
    expect(argv[at - 1]).toBe('-o');
    expect(settings(argv).ConnectTimeout).toBe('5');
    expect(settings(sshOptions(endpoint, { connectTimeoutSec: 1 })).ConnectTimeout).toBe('1');
    expect(settings(sshOptions({ ...endpoint, proxyCommand: ['node'] }, { connectTimeoutSec: 30 })).ConnectTimeout).toBe('30');
    expect(() => sshHost({ ...endpoint, host: '-oProxyCommand=x' })).toThrow(/not a valid host name/);
  });

  it.skipIf(requireOrSkip('ssh client test', whichTool('ssh') === null ? 'no ssh client (apt-get install openssh-client)' : null) !== null)(
    'reaches the real ssh intact: each argument, blanks and % included, arrives as one word',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch proxy 100%-'));
      try {
        const bin = path.join(dir, 'my bin');
        mkdirSync(bin);
        const script = path.join(bin, 'proxy.sh');
        const out = path.join(dir, 'args.txt');
        writeFileSync(script, `#!/bin/sh\nfor a in "$@"; do printf '[%s]\\n' "$a"; done > "${out}"\n`);
        chmodSync(script, 0o755);
        const args = ['--vm', 'vm 1', '50%', '%h', 'a;b'];
        const argv = sshOptions({
          ...endpoint,
          host: 'vmwatch-demo-1',
          knownHostsFile: path.join(dir, 'known_hosts'),
          proxyCommand: ['/bin/sh', script, ...args],
        });
        // The proxy prints no banner and exits: ssh fails, after running it.
        const r = spawnSync('ssh', [...argv, 'vmwatch-demo-1', 'true'], { encoding: 'utf8', timeout: 20_000 });
        expect(r.status).not.toBe(0);
        expect(readFileSync(out, 'utf8')).toBe(args.map((a) => `[${a}]\n`).join(''));
        // …and through rsync -e, which splits its command line once more.
        expect(rshCommand(['ssh', ...argv])).toContain(`'ProxyCommand=/bin/sh "${script.replace(/%/g, '%%')}" --vm "vm 1" 50%% %%h "a;b"'`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
