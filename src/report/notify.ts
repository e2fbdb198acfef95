import { type } from 'node:os';
import nodeNotifier from 'node-notifier';
import type { ResolvedConfig } from '../config/types.ts';
import { errorMessage } from '../errors.ts';
import { logger as moduleLogger, type Logger } from '../log.ts';
import type { RunSummary, TestStatus } from './types.ts';

/** What to tell the user about a run; `kind` matches the `notify.on` values. */
export interface Notification {
  kind: 'failure' | 'recovery' | 'flaky';
  title: string;
  body: string;
}

/** Where notifications go. The default is the desktop (node-notifier); a `notify.command` sink can follow. */
export interface NotificationSink {
  /** Resolves once delivered; rejects when it could not be. */
  send(notification: Notification): Promise<void>;
}

const FAILING: ReadonlySet<TestStatus> = new Set(['failed', 'error', 'timedout']);
const MAX_NAMES = 8;

/**
 * The notification a run deserves, or null. Pure: `previous` is the last known status per test id
 * before this run. A run with failures gives a `failure`; a run without failures in which some test
 * that was failing now passed gives a `recovery`.
 */
export function buildNotification(summary: RunSummary, previous: ReadonlyMap<string, TestStatus>): Notification | null {
  const wasFailing = (id: string): boolean => {
    const status = previous.get(id);
    return status !== undefined && FAILING.has(status);
  };
  const failing = summary.tests.filter((test) => FAILING.has(test.status)).map((test) => test.id);
  const flaky = summary.tests.filter((test) => test.status === 'flaky').map((test) => test.id);
  if (failing.length > 0) {
    const fresh = failing.filter((id) => !wasFailing(id));
    const still = failing.filter(wasFailing);
    const noun = failing.length === 1 ? 'test' : 'tests';
    return { kind: 'failure', title: `vmwatch: ${failing.length} ${noun} failed`, body: listGroups([['new', fresh], ['still failing', still], ['flaky', flaky]]) };
  }
  if (flaky.length > 0) {
    return { kind: 'flaky', title: `vmwatch: ${flaky.length} flaky ${flaky.length === 1 ? 'test' : 'tests'} (passed on retry)`, body: listGroups([['flaky', flaky]]) };
  }
  const fixed = summary.tests.filter((test) => test.status === 'passed' && wasFailing(test.id)).map((test) => test.id);
  if (fixed.length === 0) return null;
  return { kind: 'recovery', title: 'vmwatch: green again', body: listGroups([['fixed', fixed]]) };
}

/** `new: a, b · still failing: c`, at most MAX_NAMES names in all, then `and N more`. */
function listGroups(groups: Array<[label: string, ids: string[]]>): string {
  let room = MAX_NAMES;
  let hidden = 0;
  const parts: string[] = [];
  for (const [label, ids] of groups) {
    const shown = ids.slice(0, room);
    room -= shown.length;
    hidden += ids.length - shown.length;
    if (shown.length > 0) parts.push(`${label}: ${shown.join(', ')}`);
  }
  if (hidden > 0) parts.push(`and ${hidden} more`);
  return parts.join(' · ');
}

export type NotifyConfig = ResolvedConfig['notify'];

export interface NotifierOptions {
  config: NotifyConfig;
  sink?: NotificationSink;
  logger?: Logger;
}

/** Decides per run whether to notify, and never lets a broken notification break the run. */
export class Notifier {
  readonly #config: NotifyConfig;
  readonly #sink: NotificationSink;
  readonly #log: Logger;
  #warned = false;

  constructor(options: NotifierOptions) {
    this.#config = options.config;
    this.#sink = options.sink ?? new DesktopSink();
    this.#log = options.logger ?? moduleLogger('report/notify');
  }

  /** Sends the run's notification if `notify.on` wants it; returns what was decided (null: nothing). */
  async notifyRun(summary: RunSummary, previous: ReadonlyMap<string, TestStatus>): Promise<Notification | null> {
    if (this.#config === false) return null;
    const notification = buildNotification(summary, previous);
    if (notification === null || !this.#config.on.includes(notification.kind)) return null;
    try {
      await this.#sink.send(notification);
    } catch (err) {
      this.#reportFailure(err, summary.runId);
    }
    return notification;
  }

  #reportFailure(err: unknown, runId: string): void {
    if (this.#warned) {
      this.#log.debug({ err, runId }, 'desktop notification failed again');
      return;
    }
    this.#warned = true;
    this.#log.warn(
      { err, runId },
      `could not show a desktop notification (${errorMessage(err)}); is a notification daemon running? ` +
        'On Linux install libnotify-bin and a daemon (e.g. dunst), or set notify: false. Further failures are logged at debug level.',
    );
  }
}

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
  const options = { title: notification.title, message: notification.body, wait: false };
  if (!isNotifySend) return options;
  // notify-send unescapes its body (`\n`, `\\`), so double backslashes to keep them.
  return { ...options, message: notification.body.replaceAll('\\', '\\\\'), 'app-name': 'vmwatch' };
}
