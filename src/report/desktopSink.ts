import { createRequire } from 'node:module';
import type nodeNotifier from 'node-notifier';
import { runOwned } from '../process/runOwned.ts';
import { macRoutes, type MacRoute } from './macNotifierRoutes.ts';
import { stripControl } from './terminalNotification.ts';
import type { Notification, NotificationSink } from './types.ts';

/** node-notifier's `notify`; with `customPath`, the terminal-notifier to run instead of its bundled one (macOS). */
export type NotifyFunction = (
  options: Record<string, unknown>,
  callback: (err: unknown, response: unknown) => void,
  customPath?: string,
) => unknown;

type Env = Readonly<Record<string, string | undefined>>;

export interface DesktopSinkOptions {
  timeoutMs?: number;
  notify?: NotifyFunction;
  /** The platform to act for (process.platform unless a test says otherwise). */
  platform?: NodeJS.Platform;
  /** Where tools are looked up on macOS (PATH): process.env unless a test says otherwise. */
  env?: Env;
  /** node-notifier's bundled terminal-notifier (a test puts a double here). */
  bundledPath?: string;
}

/**
 * The default sink: node-notifier (on Linux `notify-send`), with `wait: false` and a timeout of its
 * own because notify-send can take ~10 s to fail (e.g. D-Bus autolaunch with only DISPLAY set).
 * On macOS it tries the routes of macNotifierRoutes.ts in turn: node-notifier's bundled
 * terminal-notifier runs only on Intel or with Rosetta, so when it cannot run (or fails, e.g.
 * `Bad CPU type in executable`), a terminal-notifier on PATH, then osascript. The first route that
 * works is kept for the next notifications.
 */
export class DesktopSink implements NotificationSink {
  readonly #timeoutMs: number;
  readonly #notify: NotifyFunction;
  readonly #platform: NodeJS.Platform;
  readonly #env: Env;
  readonly #bundledPath: string | undefined;
  #macRoutes: MacRoute[] | undefined;

  constructor(options: DesktopSinkOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#platform = options.platform ?? process.platform;
    this.#notify = options.notify ?? defaultNotify(this.#platform);
    this.#env = options.env ?? process.env;
    this.#bundledPath = options.bundledPath;
  }

  /** On macOS, the routes in the order they will be tried (worked-before first). */
  macRoutes(): MacRoute[] {
    this.#macRoutes ??= macRoutes({ env: this.#env, ...(this.#bundledPath === undefined ? {} : { bundledPath: this.#bundledPath }) });
    return this.#macRoutes;
  }

  async send(notification: Notification): Promise<void> {
    if (this.#platform !== 'darwin') return this.#viaNodeNotifier(notification);
    const routes = this.macRoutes();
    if (routes.length === 0) throw new Error('no way to show a notification on this Mac: no runnable terminal-notifier and no osascript');
    const failures: string[] = [];
    for (const route of routes) {
      try {
        if (route.kind === 'osascript') await this.#viaOsascript(route.path, notification);
        else await this.#viaNodeNotifier(notification, route.kind === 'bundled' ? undefined : route.path);
        // Next time start with what worked.
        if (route !== routes[0]) this.#macRoutes = [route, ...routes.filter((r) => r !== route)];
        return;
      } catch (err) {
        failures.push(`${route.kind}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    throw new Error(failures.join('; '));
  }

  #viaNodeNotifier(notification: Notification, customPath?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from the notifier within ${this.#timeoutMs} ms`)), this.#timeoutMs);
      timer.unref();
      this.#notify(
        toNodeNotifierOptions(notification, this.#platform),
        (err) => {
          clearTimeout(timer);
          // On success node-notifier passes the tool's (usually empty) stderr as `err`.
          if (err instanceof Error) reject(err);
          else resolve();
        },
        customPath,
      );
    });
  }

  /** The script takes title and body as arguments (argv), so nothing in them is ever AppleScript. */
  async #viaOsascript(osascript: string, notification: Notification): Promise<void> {
    const script = ['on run argv', 'display notification (item 2 of argv) with title (item 1 of argv)', 'end run'];
    const args = [...script.flatMap((line) => ['-e', line]), stripControl(notification.title), stripControl(notification.body)];
    const result = await runOwned(osascript, args, { timeoutMs: this.#timeoutMs, env: { ...this.#env } });
    if (result.terminationReason === 'timeout') throw new Error(`osascript took longer than ${this.#timeoutMs} ms`);
    if (result.exitCode !== 0) throw new Error(`osascript exited with ${result.exitCode}: ${result.stderr.trim()}`);
  }
}

/** node-notifier, loaded when a notification is first sent (about 80 modules: off a one-shot run's start). */
let loaded: typeof nodeNotifier | undefined;
function notifierModule(): typeof nodeNotifier {
  loaded ??= createRequire(import.meta.url)('node-notifier') as typeof nodeNotifier;
  return loaded;
}

function defaultNotify(platform: NodeJS.Platform): NotifyFunction {
  return (options, callback, customPath) => {
    const notifier = notifierModule();
    const cb = callback as nodeNotifier.NotificationCallback;
    if (platform === 'darwin')
      return new notifier.NotificationCenter({ withFallback: false, ...(customPath === undefined ? {} : { customPath }) }).notify(
        options,
        cb,
      );
    return notifier.notify(options, cb);
  };
}

function toNodeNotifierOptions(notification: Notification, platform: NodeJS.Platform): Record<string, unknown> {
  // Where the platform supports it (macOS), clicking opens the run's folder.
  const options = {
    title: notification.title,
    message: notification.body,
    wait: false,
    ...(notification.open ? { open: notification.open } : {}),
  };
  if (platform !== 'linux' && !platform.endsWith('bsd')) return options;
  // notify-send unescapes its body (`\n`, `\\`), so double backslashes to keep them.
  return { ...options, message: notification.body.replaceAll('\\', '\\\\'), 'app-name': 'vmwatch' };
}
