export interface ChangeBatcherOptions {
  /** Quiet time after the last event before a batch is emitted. */
  debounceMs: number;
  /** A batch is emitted at the latest this long after its first event, even if events keep coming. */
  maxWaitMs?: number;
  onBatch: (files: string[], timing: BatchTiming) => void;
  /** Injected for tests. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  now?: () => number;
}

/** When the batch's first and last events arrived (epoch ms), for the logs and the benchmark. */
export interface BatchTiming {
  firstEventAt: number;
  lastEventAt: number;
}

/**
 * Collects changed paths and emits them as one batch after `debounceMs` of quiet (trailing
 * debounce, like watchexec), capped by `maxWaitMs` so a steady stream still gets tested.
 */
export class ChangeBatcher {
  readonly #opts: Required<Omit<ChangeBatcherOptions, 'maxWaitMs'>> & { maxWaitMs: number };
  #pending = new Set<string>();
  #timer: unknown;
  #firstAt = 0;
  #lastAt = 0;
  #closed = false;

  constructor(options: ChangeBatcherOptions) {
    this.#opts = {
      maxWaitMs: options.maxWaitMs ?? Math.max(2000, options.debounceMs * 10),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
      now: () => Date.now(),
      ...options,
    };
  }

  add(file: string): void {
    if (this.#closed) return;
    if (this.#pending.size === 0) this.#firstAt = this.#opts.now();
    this.#pending.add(file);
    this.#lastAt = this.#opts.now();
    if (this.#timer !== undefined) this.#opts.clearTimer(this.#timer);
    const waited = this.#opts.now() - this.#firstAt;
    const delay = Math.max(0, Math.min(this.#opts.debounceMs, this.#opts.maxWaitMs - waited));
    this.#timer = this.#opts.setTimer(() => this.flush(), delay);
  }

  /** Emit what is pending now (no-op when nothing is). */
  flush(): void {
    if (this.#timer !== undefined) this.#opts.clearTimer(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size === 0) return;
    const files = [...this.#pending].sort();
    this.#pending = new Set();
    this.#opts.onBatch(files, { firstEventAt: this.#firstAt, lastEventAt: this.#lastAt });
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) this.#opts.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
  }
}
