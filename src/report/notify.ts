import { errorMessage } from '../errors.ts';
import { logger as moduleLogger, type Logger } from '../log.ts';
import { failureLabels } from './failedCases.ts';
import { sinkFor, type NotifyConfig } from './notificationSinks.ts';
import type { Notification, NotificationSink, RunNotification, RunSummary, TestStatus } from './types.ts';

const FAILING: ReadonlySet<TestStatus> = new Set(['failed', 'error', 'timedout']);
const MAX_NAMES = 8;

/**
 * The notification a run deserves, or null. Pure: `previous` is the last known status per test id
 * before this run. A run with failures gives a `failure`; a run without failures in which some test
 * that was failing now passed gives a `recovery`.
 */
export function buildNotification(summary: RunSummary, previous: ReadonlyMap<string, TestStatus>): RunNotification | null {
  const wasFailing = (id: string): boolean => {
    const status = previous.get(id);
    return status !== undefined && FAILING.has(status);
  };
  const failingTests = summary.tests.filter((test) => FAILING.has(test.status));
  const failing = failingTests.map((test) => test.id);
  const flaky = summary.tests.filter((test) => test.status === 'flaky').map((test) => test.id);
  if (failing.length > 0) {
    // Named by their failing cases where the runner reported them: `a.test.ts › parses url — expected 1 to be 2`.
    const fresh = failingTests.filter((test) => !wasFailing(test.id)).flatMap(failureLabels);
    const still = failingTests.filter((test) => wasFailing(test.id)).flatMap(failureLabels);
    const noun = failing.length === 1 ? 'test' : 'tests';
    return {
      kind: 'failure',
      title: `vmwatch: ${failing.length} ${noun} failed`,
      body: listGroups([
        ['new', fresh],
        ['still failing', still],
        ['flaky', flaky],
      ]),
    };
  }
  if (flaky.length > 0) {
    return {
      kind: 'flaky',
      title: `vmwatch: ${flaky.length} flaky ${flaky.length === 1 ? 'test' : 'tests'} (passed on retry)`,
      body: listGroups([['flaky', flaky]]),
    };
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

export type { NotifyConfig };

export interface NotifierOptions {
  config: NotifyConfig;
  sink?: NotificationSink;
  logger?: Logger;
}

/**
 * Decides per run whether to notify, at most one notification per run, and when runs come faster
 * than `notify.minIntervalMs`, holds them and then sends one summary of what happened meanwhile.
 * Never lets a broken notification break the run.
 */
export class Notifier {
  readonly #config: NotifyConfig;
  readonly #sink: NotificationSink;
  readonly #log: Logger;
  #warned = false;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #held: { latest: Notification; runs: number } | null = null;
  #timer: NodeJS.Timeout | undefined;
  #delivering: Promise<void> = Promise.resolve();

  constructor(options: NotifierOptions) {
    this.#config = options.config;
    this.#sink = options.sink ?? sinkFor(options.config);
    this.#log = options.logger ?? moduleLogger('report/notify');
  }

  /** Sends (or holds, when runs come fast) the run's notification if `notify.on` wants it; returns what was decided. */
  async notifyRun(summary: RunSummary, previous: ReadonlyMap<string, TestStatus>, runDir?: string): Promise<Notification | null> {
    if (this.#config === false) return null;
    const decided = buildNotification(summary, previous);
    if (decided === null || !this.#config.on.includes(decided.kind)) return null;
    const notification = runDir === undefined ? decided : { ...decided, open: runDir };
    const wait = this.#lastSentAt + this.#config.minIntervalMs - Date.now();
    if (wait <= 0 && this.#held === null) {
      await this.#deliver(notification, summary.runId);
      return notification;
    }
    this.#held = { latest: notification, runs: (this.#held?.runs ?? 0) + 1 };
    this.#timer ??= setTimeout(() => void this.flush(), Math.max(wait, 0));
    return notification;
  }

  /** vmwatch itself cannot work (e.g. no machine of the pool starts): said at once, whatever `notify.on` says. */
  async notifyProblem(message: string): Promise<void> {
    if (this.#config === false) return;
    await this.#deliver({ kind: 'problem', title: 'vmwatch cannot run tests', body: message }, 'problem');
  }

  /** Send what is held now (one summary notification); on shutdown, so nothing is lost. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const held = this.#held;
    this.#held = null;
    if (held === null) return;
    const { latest, runs } = held;
    const summary = runs === 1 ? latest : { ...latest, body: `${latest.body} · (latest of ${runs} runs since the last notification)` };
    await this.#deliver(summary, 'held');
  }

  async #deliver(notification: Notification, runId: string): Promise<void> {
    this.#lastSentAt = Date.now();
    const attempt = this.#delivering.then(() => this.#sink.send(notification));
    this.#delivering = attempt.catch(() => {});
    try {
      await attempt;
    } catch (err) {
      this.#reportFailure(err, runId);
    }
  }

  #reportFailure(err: unknown, runId: string): void {
    if (this.#warned) {
      this.#log.debug({ err, runId }, 'notification failed again');
      return;
    }
    this.#warned = true;
    const how =
      this.#config !== false && this.#config.command !== undefined
        ? `notify.command failed: ${errorMessage(err)}`
        : `could not show a desktop notification (${errorMessage(err)}); is a notification daemon running? ` +
          'On Linux install libnotify-bin and a daemon (e.g. dunst), or set notify: false.';
    this.#log.warn({ err, runId }, `${how} Further failures are logged at debug level.`);
  }
}
