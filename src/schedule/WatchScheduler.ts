import { mergePlans } from '../select/mergePlans.ts';
import type { Plan } from '../select/types.ts';
import { RunControl } from './RunControl.ts';

/** watchexec's `--on-busy-update`: what a change does while tests run. */
export type OnBusy = 'queue' | 'restart' | 'ignore';

export interface WatchSchedulerOptions {
  onBusy: OnBusy;
  /** Run one plan to the end; `control` tracks and cancels its tests one by one. */
  execute: (plan: Plan, control: RunControl) => Promise<void>;
  signal: AbortSignal;
}

/** What became of a submitted plan, for the terminal line. */
export type Submitted =
  | { kind: 'started' }
  | { kind: 'queued'; tests: number; skipped: number }
  | { kind: 'restarted'; cancelled: string[]; tests: number }
  | { kind: 'ignored' };

/**
 * One run at a time; what changes meanwhile follows `onBusy`:
 * - queue: the new tests run next, minus those still waiting in the current run (they will sync
 *   the new change when they start anyway);
 * - restart: a running test whose inputs changed is cancelled and requeued; waiting ones stay;
 * - ignore: changes during a run are dropped (keys like `a` still queue).
 */
export class WatchScheduler {
  readonly #o: WatchSchedulerOptions;
  #pending: Plan | null = null;
  #current: { plan: Plan; control: RunControl } | null = null;
  #draining: Promise<void> | null = null;

  constructor(options: WatchSchedulerOptions) {
    this.#o = options;
  }

  get current(): { plan: Plan; control: RunControl } | null {
    return this.#current;
  }

  get pending(): Plan | null {
    return this.#pending;
  }

  submit(plan: Plan, origin: 'change' | 'user' = 'change'): Submitted {
    const current = this.#current;
    if (current === null) {
      this.#queue(plan);
      return { kind: 'started' };
    }
    if (origin === 'change' && this.#o.onBusy === 'ignore') return { kind: 'ignored' };
    if (origin === 'change' && this.#o.onBusy === 'restart') {
      const cancelled = new Set(plan.tests.flatMap((t) => current.control.cancel(t.id, 'its inputs changed again')));
      const changed = new Set(plan.tests.map((t) => t.id));
      const tests = plan.tests
        .filter((t) => !current.control.isQueued(t.id))
        .map((t) => (cancelled.has(t.id) ? { ...t, reasons: [...t.reasons, 'restarted: its inputs changed during its run'] } : t));
      // Tests that shared a runner process with a restarted one were stopped with it: they run again too.
      for (const t of current.plan.tests) {
        if (cancelled.has(t.id) && !changed.has(t.id)) tests.push({ ...t, reasons: [...t.reasons, 'restarted: its batch was restarted'] });
      }
      if (tests.length > 0) this.#queue({ ...plan, tests });
      return { kind: 'restarted', cancelled: [...cancelled], tests: tests.length };
    }
    const tests = plan.tests.filter((t) => !current.control.isQueued(t.id));
    if (tests.length > 0) this.#queue({ ...plan, tests });
    return { kind: 'queued', tests: tests.length, skipped: plan.tests.length - tests.length };
  }

  /** Resolves when nothing runs and nothing waits (or the signal stopped the loop). */
  async idle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  #queue(plan: Plan): void {
    this.#pending = this.#pending ? mergePlans(this.#pending, plan) : plan;
    this.#draining ??= this.#drain().finally(() => (this.#draining = null));
  }

  async #drain(): Promise<void> {
    while (this.#pending && !this.#o.signal.aborted) {
      const plan = this.#pending;
      this.#pending = null;
      const control = new RunControl(plan.tests.map((t) => t.id));
      this.#current = { plan, control };
      try {
        await this.#o.execute(plan, control);
      } finally {
        this.#current = null;
      }
    }
  }
}
