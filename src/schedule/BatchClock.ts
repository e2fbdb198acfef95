import { batchFileFor } from '../runners/results.ts';
import { type ProgressEvent, ProgressReader } from '../runners/progress.ts';

const MAX_DELAY_MS = 2 ** 31 - 1;

export interface ClockedFile {
  file: string;
  timeoutMs: number;
}

/** The file that ran out of its time, and how long it had. */
export interface Expired {
  file: string;
  timeoutMs: number;
}

/**
 * `timeoutMs` per file in a batch: each file's running time is counted from the runner's progress
 * lines (runners/progress.ts), from when it starts until it finishes, across every span it runs
 * in (pytest collects a file, then runs it), and files run side by side (Vitest's workers) are
 * counted each on its own. The first file to use up its time expires: `onExpired` is called once,
 * and the caller stops the batch. Time before any file starts is not any file's; the batch as a
 * whole keeps the sum of the timeouts as its bound.
 */
export class BatchClock {
  readonly #files: readonly ClockedFile[];
  readonly #onExpired: (expired: Expired) => void;
  readonly #usedMs = new Map<string, number>();
  readonly #running = new Map<string, { since: number; timer: NodeJS.Timeout }>();
  readonly #reader: ProgressReader;
  #expired: Expired | undefined;

  constructor(files: readonly ClockedFile[], onExpired: (expired: Expired) => void) {
    this.#files = files;
    this.#onExpired = onExpired;
    this.#reader = new ProgressReader((event) => this.#on(event));
  }

  /** Output of the batch's runner, as it streams. */
  feed(chunk: Buffer | string): void {
    this.#reader.push(chunk);
  }

  /** Set once a file has used up its time. */
  get expired(): Expired | undefined {
    return this.#expired;
  }

  /** The batch ended: no timer may fire after this. */
  stop(): void {
    this.#reader.end();
    for (const { timer } of this.#running.values()) clearTimeout(timer);
    this.#running.clear();
  }

  #on(event: ProgressEvent): void {
    if (this.#expired !== undefined) return;
    const file = batchFileFor(
      event.file,
      this.#files.map((f) => f.file),
    );
    if (file === undefined) return;
    const running = this.#running.get(file);
    if (event.kind === 'started') {
      if (running !== undefined) return;
      const limit = this.#files.find((f) => f.file === file)!.timeoutMs;
      // setTimeout takes at most 2^31 - 1 ms (a larger delay fires at once).
      const left = Math.min(MAX_DELAY_MS, Math.max(0, limit - (this.#usedMs.get(file) ?? 0)));
      const timer = setTimeout(() => this.#expire(file, limit), left);
      this.#running.set(file, { since: performance.now(), timer });
    } else if (running !== undefined) {
      clearTimeout(running.timer);
      this.#running.delete(file);
      this.#usedMs.set(file, (this.#usedMs.get(file) ?? 0) + performance.now() - running.since);
    }
  }

  #expire(file: string, timeoutMs: number): void {
    if (this.#expired !== undefined) return;
    this.#expired = { file, timeoutMs };
    this.stop();
    this.#onExpired(this.#expired);
  }
}
