import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DesktopSink, type NotifyFunction } from '../../src/report/desktopSink.ts';
import { describeNotificationPaths } from '../../src/report/notificationSinks.ts';
import type { Notification } from '../../src/report/types.ts';

// macOS's notification routes, chosen on Linux with doubles of `uname -m`, `arch -x86_64`
// (the Rosetta check), terminal-notifier and osascript: small shell scripts first on PATH, each
// recording its arguments (NUL-separated, one call a line) in its own file.

const BAD_CPU = 'echo "$0: Bad CPU type in executable" >&2; exit 126';

interface Mac {
  env: Record<string, string>;
  bundled: string;
  /** The arguments each double was called with, one array per call. */
  calls(name: string): string[][];
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fakeMac(options: {
  machine: 'arm64' | 'x86_64';
  rosetta: boolean;
  bundled?: string;
  onPath?: string;
  osascript?: string | null;
}): Mac {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-mac-'));
  dirs.push(dir);
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  const write = (file: string, name: string, body: string): void => {
    writeFileSync(file, `#!/bin/sh\nprintf '%s\\0' "$@" >> "${dir}/${name}.calls"; printf '\\n' >> "${dir}/${name}.calls"\n${body}\n`);
    chmodSync(file, 0o755);
  };
  write(path.join(bin, 'uname'), 'uname', `echo ${options.machine}`);
  write(
    path.join(bin, 'arch'),
    'arch',
    options.rosetta ? 'exit 0' : 'echo "arch: posix_spawnp: /usr/bin/true: Bad CPU type in executable" >&2; exit 1',
  );
  if (options.onPath !== undefined) write(path.join(bin, 'terminal-notifier'), 'terminal-notifier', options.onPath);
  if (options.osascript !== null) write(path.join(bin, 'osascript'), 'osascript', options.osascript ?? 'exit 0');
  const bundled = path.join(dir, 'bundled-terminal-notifier');
  write(bundled, 'bundled', options.bundled ?? BAD_CPU);
  return {
    env: { PATH: `${bin}:/usr/bin:/bin` },
    bundled,
    calls: (name) => {
      const file = path.join(dir, `${name}.calls`);
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\0').slice(0, -1));
    },
  };
}

/**
 * What node-notifier's NotificationCenter does on macOS (it refuses to run elsewhere): execFile the
 * terminal-notifier (`customPath` or its bundled one) and pass a failure to exec as the error.
 */
function terminalNotifierLike(mac: Mac): NotifyFunction {
  return (options, callback, customPath) => {
    execFile(
      customPath ?? mac.bundled,
      ['-title', String(options.title), '-message', String(options.message), '-json'],
      { env: mac.env },
      (error, stdout, stderr) => {
        if (error) callback(error, stdout);
        else callback(stderr, stdout);
      },
    );
  };
}

function sinkOn(mac: Mac): DesktopSink {
  return new DesktopSink({
    platform: 'darwin',
    env: mac.env,
    bundledPath: mac.bundled,
    notify: terminalNotifierLike(mac),
    timeoutMs: 10_000,
  });
}

const note: Notification = { kind: 'failure', title: 'vmwatch: 1 test failed', body: 'new: a' };

describe('DesktopSink on macOS', () => {
  it(
    'on Apple Silicon without Rosetta never runs the bundled x86_64 terminal-notifier; with none on PATH it uses osascript, ' +
      'the text as arguments',
    async () => {
      const mac = fakeMac({ machine: 'arm64', rosetta: false });
      const hostile = {
        kind: 'failure' as const,
        title: 'vmwatch: "1" test\\failed',
        body: 'new: src/$(id) `x` "q"\'s\u0007 \u001b]0;pwned\u0007 end\nnext',
      };
      await sinkOn(mac).send(hostile);
      expect(mac.calls('bundled')).toEqual([]);
      expect(mac.calls('arch')).toEqual([['-x86_64', '/usr/bin/true']]);
      expect(mac.calls('osascript')).toEqual([
        [
          '-e',
          'on run argv',
          '-e',
          'display notification (item 2 of argv) with title (item 1 of argv)',
          '-e',
          'end run',
          'vmwatch: "1" test\\failed',
          'new: src/$(id) `x` "q"\'s   ]0;pwned  end next',
        ],
      ]);
    },
  );

  it(
    'with Rosetta tries the bundled one; when it fails with Bad CPU type, uses terminal-notifier on PATH, ' + 'and starts there next time',
    async () => {
      const mac = fakeMac({ machine: 'arm64', rosetta: true, onPath: 'exit 0' });
      const sink = sinkOn(mac);
      await sink.send(note);
      await sink.send({ ...note, body: 'new: b' });
      expect(mac.calls('bundled')).toHaveLength(1);
      expect(mac.calls('terminal-notifier')).toEqual([
        ['-title', 'vmwatch: 1 test failed', '-message', 'new: a', '-json'],
        ['-title', 'vmwatch: 1 test failed', '-message', 'new: b', '-json'],
      ]);
      expect(mac.calls('osascript')).toEqual([]);
    },
  );

  it('falls back to osascript when the terminal-notifier on PATH cannot run either', async () => {
    const mac = fakeMac({ machine: 'arm64', rosetta: false, onPath: BAD_CPU });
    await sinkOn(mac).send(note);
    expect(mac.calls('terminal-notifier')).toHaveLength(1);
    expect(mac.calls('osascript').map((args) => args.slice(-2))).toEqual([['vmwatch: 1 test failed', 'new: a']]);
  });

  it('uses the bundled terminal-notifier on an Intel Mac without asking about Rosetta', async () => {
    const mac = fakeMac({ machine: 'x86_64', rosetta: false, bundled: 'exit 0', onPath: 'exit 0' });
    await sinkOn(mac).send(note);
    expect(mac.calls('bundled')).toEqual([['-title', 'vmwatch: 1 test failed', '-message', 'new: a', '-json']]);
    expect(mac.calls('arch')).toEqual([]);
    expect(mac.calls('terminal-notifier')).toEqual([]);
  });

  it('fails naming every route it tried when none works', async () => {
    const mac = fakeMac({ machine: 'arm64', rosetta: true, onPath: BAD_CPU, osascript: 'echo "execution error: not allowed" >&2; exit 1' });
    await expect(sinkOn(mac).send(note)).rejects.toThrow(
      new RegExp(
        'bundled: .*Bad CPU type in executable.*; terminal-notifier: .*Bad CPU type in executable.*; osascrip' +
          't: osascript exited with 1: execution error: not allowed',
        's',
      ),
    );
    const none = fakeMac({ machine: 'arm64', rosetta: false, osascript: null });
    await expect(sinkOn(none).send(note)).rejects.toThrow('no way to show a notification on this Mac');
  });

  it('doctor names the route that will be used', () => {
    const config = { on: ['failure' as const], minIntervalMs: 0, terminal: false as const };
    const output = { isTTY: false, write: () => true };
    const noRosetta = fakeMac({ machine: 'arm64', rosetta: false, onPath: 'exit 0' });
    expect(describeNotificationPaths(config, { platform: 'darwin', env: noRosetta.env, output })).toEqual([
      `desktop: terminal-notifier on PATH (${noRosetta.env.PATH!.split(':')[0]}/terminal-notifier) through node-notifier, ` +
        `then osascript 'display notification' (${noRosetta.env.PATH!.split(':')[0]}/osascript)`,
    ]);
    const rosetta = fakeMac({ machine: 'arm64', rosetta: true, osascript: null });
    expect(describeNotificationPaths(config, { platform: 'darwin', env: rosetta.env, output })[0]).toBe(
      "desktop: node-notifier's bundled terminal-notifier (Apple Silicon with Rosetta)",
    );
  });
});
