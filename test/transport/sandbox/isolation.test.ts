import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../../../src/config/testEnv.ts';
import { SandboxTransport } from '../../../src/transport/sandbox/SandboxTransport.ts';
import { toolchainDirs } from '../../../src/transport/sandbox/toolchainDirs.ts';
import { sandboxUnavailable } from '../../helpers/sandboxAvailable.ts';
import { tempSandbox, type TempSandbox } from '../../helpers/tempSandbox.ts';

const GUEST = '/mnt/vmwatch-isolation/app';
const SECRET = 'vmwatch-isolation-s3cret';

/**
 * A hostile test: each command tries to reach or change the host the way a test running as root
 * with the host's file system and environment could, and must fail.
 */
describe.skipIf(sandboxUnavailable() !== null)('sandbox isolation against a hostile test', () => {
  let sb: TempSandbox;
  let vm: SandboxTransport;
  /** A stand-in for the user's own files: in the real home folder, with a key and an agent socket. */
  let fakeHome: string;
  let socketServer: Server;
  let cache: string;
  let hostSibling: string;

  beforeAll(async () => {
    sb = tempSandbox({ guestPath: GUEST });
    await sb.provider.createVM('vmwatch-iso-1');
    vm = new SandboxTransport(await sb.provider.startVM('vmwatch-iso-1'));
    fakeHome = mkdtempSync(path.join(homedir(), '.vmwatch-isolation-'));
    writeFileSync(path.join(fakeHome, 'id_key'), 'PRIVATE-KEY\n');
    chmodSync(path.join(fakeHome, 'id_key'), 0o600);
    writeFileSync(path.join(fakeHome, 'notes.txt'), 'original\n');
    socketServer = createServer((c) => c.end('HOST-SOCKET\n'));
    await new Promise<void>((resolve) => socketServer.listen(path.join(fakeHome, 'agent.sock'), resolve));
    const hostDir = mkdtempSync(path.join(tmpdir(), 'vmwatch-iso-host-'));
    cache = path.join(hostDir, 'cache');
    hostSibling = path.join(hostDir, 'other');
    for (const d of [cache, hostSibling]) mkdirSync(d);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => socketServer.close(() => resolve()));
    await sb.provider.destroyVM('vmwatch-iso-1');
    await sb.cleanup();
    rmSync(fakeHome, { recursive: true, force: true });
    rmSync(path.dirname(cache), { recursive: true, force: true });
  });

  it('runs as an unprivileged uid with no capabilities and no_new_privs', async () => {
    const r = await vm.exec('id -u; id -g; grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs):" /proc/self/status');
    expect(r.output).toBe('1000\n1000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nNoNewPrivs:\t1\n');
  });

  it('cannot remount a host folder writable and write the host through it, nor make a user namespace to try again', async () => {
    const target = path.join(fakeHome, 'notes.txt');
    const r = await vm.exec(
      `mount -o remount,rw,bind ${fakeHome} 2>/dev/null; { echo X > ${target}; } 2>/dev/null && echo wrote-home; ` +
        'mount -o remount,rw,bind /usr 2>/dev/null && echo remounted-usr; mount -t tmpfs none /mnt 2>/dev/null && echo mounted; ' +
        'unshare -Urm true 2>/dev/null && echo new-userns; echo done',
    );
    expect(r.output).toBe('done\n');
    expect(readFileSync(target, 'utf8')).toBe('original\n');
  });

  it('cannot write kernel settings under /proc/sys, nor see /sys', async () => {
    const r = await vm.exec(
      '{ echo 1 > /proc/sys/vm/drop_caches; } 2>/dev/null && echo wrote-sysctl; test -e /sys/kernel && echo sys-visible; echo done',
    );
    expect(r.output).toBe('done\n');
  });

  it('sees nothing of the home folder, /root, /work, /run or host secrets in /etc', async () => {
    const r = await vm.exec(
      `cat ${fakeHome}/id_key 2>/dev/null; test -e ${fakeHome} && echo home-visible; test -e ${homedir()}/.bashrc && echo ` +
        `bashrc-visible; ` +
        'test -e /work && echo work-visible; test -e /run && echo run-visible; cat /etc/shadow 2>/dev/null | head -c 20; ' +
        'test -e /etc/ssl/private && echo ssl-private-visible; echo done',
    );
    expect(r.output).toBe('done\n');
    // /root holds only the toolchains found on PATH (e.g. ~/.pyenv), nothing else of it
    const listed = await vm.exec('ls -A /root 2>/dev/null');
    const expected = toolchainDirs(process.env.PATH, GUEST)
      .filter((d) => d.startsWith('/root/'))
      .map((d) => d.split('/')[2]!);
    expect(listed.output!.split('\n').filter(Boolean).sort()).toEqual([...new Set(expected)].sort());
  });

  it('cannot connect to a host unix socket (node and python)', async () => {
    const sock = path.join(fakeHome, 'agent.sock');
    const node =
      `node -e "require('net').connect(process.argv[1]).on('data',(d)=>process.stdout.write('node ` +
      `'+d)).on('error',(e)=>console.log('node refused'))" ${sock}`;
    const py = `python3 -c "import socket,sys
s=socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1]); print('python', s.recv(64).decode().strip())
except OSError:
    print('python refused')" ${sock}`;
    const r = await vm.exec(`${node}; ${py}`);
    expect(r.output).toBe('node refused\npython refused\n');
  });

  it('gets only PATH, HOME, LANG, TERM, pool.env, pool.passEnv and VMWATCH_* from the host', async () => {
    process.env.VMWATCH_ISO_AWS_SECRET_ACCESS_KEY = SECRET;
    process.env.VMWATCH_ISO_PASSED = 'passed-value';
    try {
      const env = { ...testEnv({ env: { FROM_POOL: 'pool-value' }, passEnv: ['VMWATCH_ISO_PASSED'] }), VMWATCH_TEST_ID: 't' };
      const r = await vm.exec('env', { env });
      const names = r
        .output!.split('\n')
        .filter(Boolean)
        .map((l) => l.split('=')[0]!)
        .sort();
      expect(r.output).not.toContain(SECRET);
      expect(r.output).toContain('VMWATCH_ISO_PASSED=passed-value\n');
      expect(r.output).toContain('FROM_POOL=pool-value\n');
      const allowed = [
        'PATH',
        'HOME',
        'LANG',
        'TERM',
        'TMPDIR',
        'FROM_POOL',
        'VMWATCH_ISO_PASSED',
        'VMWATCH_MACHINE',
        'VMWATCH_TEST_ID',
        'PWD',
        'SHLVL',
        '_',
      ];
      expect(names.filter((n) => !allowed.includes(n))).toEqual([]);
    } finally {
      delete process.env.VMWATCH_ISO_AWS_SECRET_ACCESS_KEY;
      delete process.env.VMWATCH_ISO_PASSED;
    }
  });

  it('as that uid, writes the app folder, its artifacts, /tmp and a granted cache folder, and nothing else of the host', async () => {
    const r = await vm.exec(
      `echo snap >> from-snapshot.txt && mkdir -p test-runs/a && echo art > test-runs/a/f && echo t > /tmp/t && echo c ` +
        `> ${cache}/c && echo "$(id -u) wrote"; ` +
        `touch ${hostSibling}/escape 2>/dev/null; touch /usr/vmwatch-iso 2>/dev/null && echo wrote-usr; touch /vmwatch-iso ` +
        `2>/dev/null && echo wrote-root; echo done`,
      { writableHostDirs: [cache] },
    );
    expect(r.output).toBe('1000 wrote\ndone\n');
    expect(readFileSync(path.join(cache, 'c'), 'utf8')).toBe('c\n');
    // the granted folder's neighbour is not the host's: what the test wrote there went nowhere
    expect(existsSync(path.join(hostSibling, 'escape'))).toBe(false);
    const out = mkdtempSync(path.join(tmpdir(), 'vmwatch-iso-out-'));
    await vm.copyFromVM(`${GUEST}/test-runs`, out);
    expect(readFileSync(path.join(out, 'a', 'f'), 'utf8')).toBe('art\n');
    rmSync(out, { recursive: true, force: true });
  });

  it('has no network but loopback unless asked, and is the same unprivileged uid with it', async () => {
    const probe = 'echo "$(id -u)"; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | grep -c -v "^lo$"';
    const off = await vm.exec(probe);
    const on = await vm.exec(probe, { network: true });
    expect(off.output).toBe('1000\n0\n');
    expect(on.output).toMatch(/^1000\n[1-9]\d*\n$/);
  });
});
