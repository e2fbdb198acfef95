/** A test of the current run that has started: where, since when, and how to cancel it alone. */
export interface RunningTest {
  id: string;
  startedAt: number;
  vm: string | null;
  controller: AbortController;
}

/**
 * What a run in progress is doing, test by test: which tests are still queued (not started), which
 * run where, and a per-test abort so one test can be cancelled (onBusy: 'restart') without the run.
 * Tests that share one runner process (a batch) share one abort: cancelling one cancels them all,
 * and `cancel` names every test it stopped.
 */
export class RunControl {
  readonly #queued: Set<string>;
  readonly #running = new Map<string, RunningTest>();

  #stopped: string | undefined;

  constructor(ids: Iterable<string>) {
    this.#queued = new Set(ids);
  }

  /** Cancel the whole run: every running test now, and every queued one as it would start. Returns how many. */
  cancelAll(reason: string): number {
    this.#stopped = reason;
    const count = this.#queued.size + this.#running.size;
    for (const test of this.#running.values()) test.controller.abort(new Error(reason));
    return count;
  }

  /** The tests start together (one test, or one batch): their signal, aborted by the run's signal or by `cancel`. */
  begin(ids: string | readonly string[], runSignal?: AbortSignal): AbortSignal {
    const controller = new AbortController();
    if (this.#stopped !== undefined) controller.abort(new Error(this.#stopped));
    const startedAt = Date.now();
    for (const id of typeof ids === 'string' ? [ids] : ids) {
      this.#queued.delete(id);
      this.#running.set(id, { id, startedAt, vm: null, controller });
    }
    return runSignal ? AbortSignal.any([runSignal, controller.signal]) : controller.signal;
  }

  acquired(id: string, vm: string): void {
    const test = this.#running.get(id);
    if (test) test.vm = vm;
  }

  end(ids: string | readonly string[]): void {
    for (const id of typeof ids === 'string' ? [ids] : ids) this.#running.delete(id);
  }

  isQueued(id: string): boolean {
    return this.#queued.has(id);
  }

  isRunning(id: string): boolean {
    return this.#running.has(id);
  }

  /**
   * Cancel a running test (its whole process tree in its machine), and so every test of its batch;
   * returns the ids stopped (none when it is not running).
   */
  cancel(id: string, reason: string): string[] {
    const test = this.#running.get(id);
    if (!test) return [];
    const stopped = [...this.#running.values()].filter((other) => other.controller === test.controller).map((other) => other.id);
    test.controller.abort(new Error(reason));
    return stopped;
  }

  queued(): string[] {
    return [...this.#queued];
  }

  running(): RunningTest[] {
    return [...this.#running.values()];
  }
}
