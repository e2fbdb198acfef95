#!/usr/bin/env node
// Runs before `npm run watch` and `npm test` (npm's pre-scripts): makes a fresh machine ready.
// Installs the npm dependencies when they are missing, and the Debian packages vmwatch needs
// (as root with apt-get; otherwise it prints the command to run). Node built-ins only: it runs
// before node_modules exists.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

const purpose = process.argv[2] === 'test' ? 'test' : 'watch';
const root = path.resolve(import.meta.dirname, '..');

/** tool on PATH (or absolute path) -> Debian package */
const NEEDS = {
  watch: { bwrap: 'bubblewrap', unshare: 'util-linux', rsync: 'rsync', git: 'git' },
  test: {
    bwrap: 'bubblewrap',
    unshare: 'util-linux',
    rsync: 'rsync',
    git: 'git',
    Xvfb: 'xvfb',
    dunst: 'dunst',
    dunstctl: 'dunst',
    'notify-send': 'libnotify-bin',
    'dbus-daemon': 'dbus-daemon',
    busctl: 'systemd',
    ssh: 'openssh-client',
    '/usr/sbin/sshd': 'openssh-server',
    tmux: 'tmux',
    perl: 'perl',
    // the dashboard's browser tests drive Debian's chromium (no browser download)
    '/usr/bin/chromium': 'chromium',
    // not a file: the pytest runner's tests import pytest in the system interpreter
    'python3 -c import pytest': 'python3-pytest',
  },
};

function found(tool) {
  if (tool === 'python3 -c import pytest') return spawnSync('/usr/bin/python3', ['-c', 'import pytest'], { stdio: 'ignore' }).status === 0;
  const candidates = tool.startsWith('/')
    ? [tool]
    : (process.env.PATH ?? '')
        .split(path.delimiter)
        .filter(Boolean)
        .map((d) => path.join(d, tool));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    console.error(`vmwatch setup: '${cmd} ${args.join(' ')}' failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

if (!existsSync(path.join(root, 'node_modules', 'jiti'))) {
  console.error('vmwatch setup: installing npm dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

if (process.platform === 'linux') {
  const missing = [
    ...new Set(
      Object.entries(NEEDS[purpose])
        .filter(([tool]) => !found(tool))
        .map(([, pkg]) => pkg),
    ),
  ].sort();
  if (missing.length > 0) {
    const isRoot = process.getuid?.() === 0;
    if (isRoot && found('apt-get')) {
      console.error(`vmwatch setup: installing Debian packages: ${missing.join(' ')}`);
      run('apt-get', ['update', '-qq']);
      spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } else {
      console.error(
        `vmwatch setup: missing packages: ${missing.join(' ')}\n  install them with: sudo apt-get install ${missing.join(' ')}`,
      );
      if (purpose === 'watch') process.exit(2);
      console.error('  (tests that need them will be skipped, each saying why)');
    }
  }
}
