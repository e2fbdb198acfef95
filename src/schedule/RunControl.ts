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
 */
export class RunControl {
  readonly #queued: Set<string>;
  readonly #running = new Map<string, RunningTest>();

  constructor(ids: Iterable<string>) {
    this.#queued = new Set(ids);
  }

  /** The test starts: its own signal, aborted by the run's signal or by `cancel`. */
  begin(id: string, runSignal?: AbortSignal): AbortSignal {
    this.#queued.delete(id);
    const controller = new AbortController();
    this.#running.set(id, { id, startedAt: Date.now(), vm: null, controller });
    return runSignal ? AbortSignal.any([runSignal, controller.signal]) : controller.signal;
  }

  acquired(id: string, vm: string): void {
    const test = this.#running.get(id);
    if (test) test.vm = vm;
  }

  end(id: string): void {
    this.#running.delete(id);
  }

  isQueued(id: string): boolean {
    return this.#queued.has(id);
  }

  isRunning(id: string): boolean {
    return this.#running.has(id);
  }

  /** Cancel one running test (its whole process tree in its machine); false when it is not running. */
  cancel(id: string, reason: string): boolean {
    const test = this.#running.get(id);
    if (!test) return false;
    test.controller.abort(new Error(reason));
    return true;
  }

  queued(): string[] {
    return [...this.#queued];
  }

  running(): RunningTest[] {
    return [...this.#running.values()];
  }
}
