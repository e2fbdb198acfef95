import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { requireOrSkip } from './requireOrSkip.ts';

/**
 * A real, private notification daemon for tests: Xvfb on a free display, a session bus of our
 * own (no service activation, so nothing else gets started), and dunst with a minimal config.
 * Nothing of the user's desktop (display, bus, dunstrc) is touched.
 */
export interface NotificationDaemon {
  /** Put these in the environment of whatever should send to this daemon. */
  env: { DISPLAY: string; DBUS_SESSION_BUS_ADDRESS: string };
  /** Process ids of Xvfb, dbus-daemon and dunst (each leads its own process group). */
  pids: number[];
  /** Every notification received so far, oldest first (closes the displayed ones into history). */
  history(): Promise<HistoryEntry[]>;
  /** Kills everything started; throws if a process or one of its children survives. Safe to call twice. */
  stop(): Promise<void>;
}

interface HistoryEntry {
  summary: string;
  body: string;
  appname: string;
}

const TOOLS = [
  { bin: 'Xvfb', pkg: 'xvfb' },
  { bin: 'dbus-daemon', pkg: 'dbus' },
  { bin: 'dbus-send', pkg: 'dbus' },
  { bin: 'dunst', pkg: 'dunst' },
  { bin: 'dunstctl', pkg: 'dunst' },
  { bin: 'busctl', pkg: 'systemd' },
  { bin: 'notify-send', pkg: 'libnotify-bin' },
];

/** Null when the daemon can be started, otherwise why not (print it: never skip silently). */
export function notificationDaemonAvailable(): string | null {
  return requireOrSkip('notification daemon tests', notificationDaemonProbe());
}

function notificationDaemonProbe(): string | null {
  if (process.platform !== 'linux') return `notification daemon tests need Linux (this is ${process.platform})`;
  const missing = TOOLS.filter((tool) => !isOnPath(tool.bin));
  if (missing.length === 0) return null;
  const pkgs = [...new Set(missing.map((tool) => tool.pkg))].join(' ');
  return `notification daemon tests skipped: ${missing.map((tool) => tool.bin).join(', ')} not on PATH (apt-get install ${pkgs})`;
}

function isOnPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const BUS_CONFIG = (socket: string): string => `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

// Notifications never expire on their own and history keeps everything; history() closes them.
const DUNSTRC = `[global]
    history_length = 1000
    sticky_history = yes
    idle_threshold = 0
    show_indicators = no
[urgency_low]
    timeout = 0
[urgency_normal]
    timeout = 0
[urgency_critical]
    timeout = 0
`;

export async function startNotificationDaemon(options: { timeoutMs?: number } = {}): Promise<NotificationDaemon> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const dir = await mkdtemp(join(tmpdir(), 'vmwatch-notify-'));
  const started: Daemon[] = [];
  const killOnExit = (): void => {
    for (const daemon of started) signalGroup(daemon.child, 'SIGKILL');
  };
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= stopAll(started, dir).finally(() => process.off('exit', killOnExit));
    return stopping;
  };
  try {
    const xvfb = startDaemon('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '640x480x24'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    started.push(xvfb);
    const display = `:${await readFirstLine(xvfb, xvfb.child.stdio[3] as Readable, timeoutMs)}`;

    await writeFile(join(dir, 'bus.conf'), BUS_CONFIG(join(dir, 'bus')));
    const bus = startDaemon(
      'dbus-daemon',
      [`--config-file=${join(dir, 'bus.conf')}`, '--nofork', '--nopidfile', '--nosyslog', '--print-address=1'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    started.push(bus);
    const address = await readFirstLine(bus, bus.child.stdout as Readable, timeoutMs);
    const env = { DISPLAY: display, DBUS_SESSION_BUS_ADDRESS: address };

    await mkdir(join(dir, 'config'));
    await writeFile(join(dir, 'dunstrc'), DUNSTRC);
    const dunst = startDaemon('dunst', ['-config', join(dir, 'dunstrc')], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env, XDG_CONFIG_HOME: join(dir, 'config') },
    });
    started.push(dunst);
    await waitForDunst(dunst, env, timeoutMs);

    return { env, pids: started.map((daemon) => daemon.child.pid as number), history: () => readHistory(env), stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

interface Daemon {
  name: string;
  child: ChildProcess;
  /** Resolves with a description of how it ended. */
  exited: Promise<string>;
  /** The last few KB of its stderr, for error messages. */
  stderr: () => string;
}

function startDaemon(name: string, args: string[], options: Parameters<typeof spawn>[2]): Daemon {
  // detached: its own process group, so stop() reaches anything it spawns (Xvfb runs xkbcomp).
  const child = spawn(name, args, { ...options, detached: true });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(`failed to start: ${err.message}`));
    child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exited with code ${code}`));
  });
  return { name, child, exited, stderr: () => stderr.trim() };
}

/** The first line the daemon writes to `stream`: its readiness signal. */
async function readFirstLine(daemon: Daemon, stream: Readable, timeoutMs: number): Promise<string> {
  let buffered = '';
  const line = new Promise<string>((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const end = buffered.indexOf('\n');
      if (end >= 0) resolve(buffered.slice(0, end).trim());
    });
  });
  return raceReady(daemon, line, timeoutMs);
}

async function raceReady<T>(daemon: Daemon, ready: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const failed = Promise.race([
    daemon.exited.then((how) => `${daemon.name} ${how} before it was ready`),
    new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`${daemon.name} not ready within ${timeoutMs} ms`), timeoutMs);
    }),
  ]).then((why) => {
    throw new Error(`${why}${daemon.stderr() ? `; stderr: ${daemon.stderr()}` : ''}`);
  });
  try {
    return await Promise.race([ready, failed]);
  } finally {
    clearTimeout(timer);
  }
}

/** dunst is ready once it answers on the bus; poll `dunstctl is-paused` until it does. */
async function waitForDunst(dunst: Daemon, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  let done = false;
  const poll = async (): Promise<void> => {
    while (!done) {
      const result = await execa('dunstctl', ['is-paused'], { env, reject: false, timeout: 2_000 });
      if (result.exitCode === 0 && /^(true|false)$/.test(result.stdout.trim())) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  try {
    await raceReady(dunst, poll(), timeoutMs);
  } finally {
    done = true;
  }
}

interface DbusValue {
  type: string;
  data: unknown;
}

async function readHistory(env: NodeJS.ProcessEnv): Promise<HistoryEntry[]> {
  // dunstctl history lists closed notifications only; close the displayed (and waiting) ones first.
  await execa('dunstctl', ['close-all'], { env, timeout: 5_000 });
  const { stdout } = await execa('dunstctl', ['history'], { env, timeout: 5_000 });
  const parsed = JSON.parse(stdout) as { data: Array<Array<Record<string, DbusValue>>> };
  const entries = parsed.data[0] ?? [];
  const text = (entry: Record<string, DbusValue>, key: string): string => String(entry[key]?.data ?? '');
  return entries
    .map((entry) => ({
      id: Number(entry.id?.data),
      summary: text(entry, 'summary'),
      body: text(entry, 'body'),
      appname: text(entry, 'appname'),
    }))
    .sort((a, b) => a.id - b.id)
    .map(({ summary, body, appname }) => ({ summary, body, appname }));
}

/** Stops dunst, then the bus, then Xvfb: SIGTERM to the group, SIGKILL after a grace period. */
async function stopAll(started: Daemon[], dir: string): Promise<void> {
  for (const daemon of [...started].reverse()) await terminate(daemon, 3_000);
  await rm(dir, { recursive: true, force: true });
  const survivors: Daemon[] = [];
  for (const daemon of started) if (!(await waitGroupGone(daemon.child, 2_000))) survivors.push(daemon);
  if (survivors.length > 0) {
    throw new Error(`still running after stop(): ${survivors.map((d) => `${d.name} (pgid ${d.child.pid})`).join(', ')}`);
  }
}

async function terminate(daemon: Daemon, graceMs: number): Promise<void> {
  signalGroup(daemon.child, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const outcome = await Promise.race([daemon.exited, graceOver]);
  clearTimeout(timer);
  if (outcome === 'timeout') signalGroup(daemon.child, 'SIGKILL');
  await daemon.exited;
  // The leader is gone; anything left in its group (e.g. xkbcomp) goes too.
  if (groupAlive(daemon.child)) signalGroup(daemon.child, 'SIGKILL');
}

/** Killed group members are reaped by init a moment later; poll until none is left. */
async function waitGroupGone(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(child)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the whole group is already gone.
  }
}

function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}
