import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bwrapArgs } from '../../src/transport/sandbox/bwrapArgs.ts';
import { sandboxRoot } from '../../src/transport/sandbox/sandboxRoot.ts';
import { toolchainDirs } from '../../src/transport/sandbox/toolchainDirs.ts';
import { syncExcludes, rsyncArgs } from '../../src/transport/rsyncArgs.ts';

describe('sandboxRoot', () => {
  it(
    'shows /usr and the needed parts of /etc read-only, with fresh /proc (read-only), /dev, /tmp; nothing of home, /root, ' +
      '/run or /sys',
    () => {
      const args = sandboxRoot('/mnt/vmwatch-no-such/app', '/usr/bin:/bin').join(' ');
      expect(args).toContain('--ro-bind /usr /usr');
      expect(args).toContain('--proc /proc --remount-ro /proc');
      expect(args).toContain('--tmpfs /tmp');
      expect(args).toContain('/etc/passwd');
      expect(args).not.toMatch(/ \/etc\/(shadow|ssl\/private)/);
      expect(args).not.toMatch(/ \/(root|home|run|sys|work|mnt)( |$)/);
      expect(args).not.toContain('/mnt/vmwatch-no-such');
    },
  );

  it('refuses a guest path inside a folder it takes from the host', () => {
    expect(() => sandboxRoot('/usr/src/app', '/usr/bin')).toThrow(/guestPath "\/usr\/src\/app" is inside the system folder \/usr;/);
  });
});

describe('bwrapArgs', () => {
  it('an unprivileged uid in its own user namespace, no capabilities, only the given environment, the root read-only', () => {
    const args = bwrapArgs(
      { guestPath: '/mnt/app', mergedDir: '/m', hostname: 'h', cwd: '/mnt/app', env: { A: '1' }, network: false, writableHostDirs: [] },
      ['--ro-bind', '/usr', '/usr'],
    ).join(' ');
    expect(args).toContain('--bind /m /mnt/app --remount-ro / --unshare-user --uid 1000 --gid 1000 --cap-drop ALL');
    expect(args).toContain('--unshare-net');
    expect(args).toMatch(/--clearenv --setenv A 1 --$/);
  });
});

describe('toolchainDirs', () => {
  it('binds a toolchain by its installation folder, never a home folder or anything broader, nor the app', () => {
    const base = mkdtempSync(path.join(tmpdir(), 'vmwatch-toolchains-'));
    try {
      for (const d of ['pyenv/shims', 'pyenv/bin', 'node/v20/bin', 'loose', 'app/node_modules/.bin'])
        mkdirSync(path.join(base, d), { recursive: true });
      writeFileSync(path.join(base, 'node/v20/bin/node'), '');
      const dirs = toolchainDirs(
        [
          'relative/bin',
          '/usr/local/bin',
          `${base}/pyenv/shims`,
          `${base}/pyenv/bin`,
          `${base}/loose`,
          `${base}/app/node_modules/.bin`,
          '/no/such/bin',
          '/',
        ].join(':'),
        `${base}/app`,
        `${base}/node/v20/bin/node`,
      );
      expect(dirs).toEqual([`${base}/loose`, `${base}/node/v20`, `${base}/pyenv`].sort());
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('rsync arguments', () => {
  it('exclude our outputs, git, and what the snapshot provides, anchored at the app root', () => {
    expect(syncExcludes('test-runs', ['node_modules', '.venv'])).toEqual([
      '.git',
      '.vmwatch',
      '/.vmwatch-results',
      '/test-runs',
      '/node_modules',
      '/.venv',
    ]);
    expect(rsyncArgs({ exclude: ['.git'], delete: true }, true)).toEqual([
      '-a',
      '--no-owner',
      '--no-group',
      '--delete',
      '--exclude=.git',
      '--files-from=-',
      '--from0',
    ]);
  });
});
