import { type } from 'node:os';
import nodeNotifier from 'node-notifier';
import type { Notification, NotificationSink } from './types.ts';

type NotifyFunction = (options: Record<string, unknown>, callback: (err: unknown, response: unknown) => void) => unknown;

const isNotifySend = type() === 'Linux' || type().endsWith('BSD');

/**
 * The default sink: node-notifier, which on Linux runs `notify-send`. `wait: false`, and a timeout
 * of its own because notify-send can take ~10 s to fail (e.g. D-Bus autolaunch with only DISPLAY set).
 */
export class DesktopSink implements NotificationSink {
  readonly #timeoutMs: number;
  readonly #notify: NotifyFunction;

  constructor(options: { timeoutMs?: number; notify?: NotifyFunction } = {}) {
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#notify = options.notify ?? ((opts, callback) => nodeNotifier.notify(opts, callback as nodeNotifier.NotificationCallback));
  }

  send(notification: Notification): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from the notifier within ${this.#timeoutMs} ms`)), this.#timeoutMs);
      timer.unref();
      this.#notify(toNodeNotifierOptions(notification), (err) => {
        clearTimeout(timer);
        // On success node-notifier passes notify-send's (usually empty) stderr as `err`.
        if (err instanceof Error) reject(err);
        else resolve();
      });
    });
  }
}

function toNodeNotifierOptions(notification: Notification): Record<string, unknown> {
  // Where the platform supports it (macOS), clicking opens the run's folder.
  const options = { title: notification.title, message: notification.body, wait: false, ...(notification.open ? { open: notification.open } : {}) };
  if (!isNotifySend) return options;
  // notify-send unescapes its body (`\n`, `\\`), so double backslashes to keep them.
  return { ...options, message: notification.body.replaceAll('\\', '\\\\'), 'app-name': 'vmwatch' };
}
