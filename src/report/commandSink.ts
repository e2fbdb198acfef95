import { runOwned } from '../process/runOwned.ts';
import type { Notification, NotificationSink } from './types.ts';

/**
 * `notify.command`: a user's own notifier (a chat webhook, a sound, a status bar). Run with
 * `sh -c`, the notification in VMWATCH_NOTIFY_KIND/TITLE/BODY/OPEN and as JSON on stdin.
 */
export class CommandSink implements NotificationSink {
  readonly #command: string;
  readonly #timeoutMs: number;

  constructor(command: string, options: { timeoutMs?: number } = {}) {
    this.#command = command;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  async send(notification: Notification): Promise<void> {
    const result = await runOwned('/bin/sh', ['-c', this.#command], {
      env: {
        ...process.env,
        VMWATCH_NOTIFY_KIND: notification.kind,
        VMWATCH_NOTIFY_TITLE: notification.title,
        VMWATCH_NOTIFY_BODY: notification.body,
        VMWATCH_NOTIFY_OPEN: notification.open ?? '',
      },
      input: `${JSON.stringify(notification)}\n`,
      timeoutMs: this.#timeoutMs,
    });
    if (result.terminationReason === 'timeout') throw new Error(`'${this.#command}' took longer than ${this.#timeoutMs} ms`);
    if (result.exitCode !== 0)
      throw new Error(`'${this.#command}' exited with ${result.exitCode}: ${result.stderr.trim().split('\n').pop() ?? ''}`);
  }
}
