import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { logger } from '../log.ts';
import type { OrderHistory } from '../select/orderTests.ts';
import { TestHistory, type FlippedCase } from '../select/testHistory.ts';
import type { RunSummary, TestStatus } from './types.ts';

const log = logger('results');

/**
 * The last known status of each test, and (given the app's root) recent durations: loaded from
 * `<root>/.vmwatch/history.json`, else seeded from the newest `summary.json` under the artifacts
 * folder (so a one-shot `run` knows what was failing), then kept up to date run by run.
 */
export class ResultsStore implements OrderHistory {
  readonly #into: string;
  readonly #last = new Map<string, TestStatus>();
  /** Per test, the cases that failed in its last run (runners that report cases). */
  readonly #failedCases = new Map<string, string[]>();
  readonly #history: TestHistory | undefined;

  constructor(into: string, options: { root?: string } = {}) {
    this.#into = into;
    this.#history = options.root === undefined ? undefined : new TestHistory(options.root);
  }

  async load(): Promise<void> {
    const warning = await this.#history?.load();
    if (warning !== undefined) log.warn(warning);
    if (this.#history !== undefined && this.#history.size > 0) {
      for (const [id, status] of this.#history.statuses()) this.#last.set(id, status as TestStatus);
      return;
    }
    let runs: string[];
    try {
      runs = (await readdir(this.#into)).sort().reverse();
    } catch {
      return;
    }
    for (const run of runs) {
      try {
        const summary = JSON.parse(await readFile(path.join(this.#into, run, 'summary.json'), 'utf8')) as RunSummary;
        this.record(summary);
        return;
      } catch {
        // not a run folder, or an unfinished run: try the one before
      }
    }
  }

  /** Statuses before `summary` is recorded. */
  snapshot(): Map<string, TestStatus> {
    return new Map(this.#last);
  }

  /** Adds a run; returns the cases that flipped although no file had changed (flaky). */
  record(summary: RunSummary): FlippedCase[] {
    for (const test of summary.tests) {
      if (test.status === 'cancelled') continue;
      this.#last.set(test.id, test.status);
      // A run filtered to some cases says nothing of the others: those it ran replace theirs.
      const failed = (test.cases ?? []).filter((c) => c.status === 'failed').map((c) => c.name);
      const ran = new Set((test.cases ?? []).map((c) => c.name));
      const before = (this.#failedCases.get(test.id) ?? []).filter((name) => !ran.has(name));
      this.#failedCases.set(test.id, test.status === 'passed' ? [] : [...before, ...failed]);
    }
    if (this.#history !== undefined) {
      const at = Date.parse(summary.finishedAt);
      const flipped = this.#history.record(summary.tests, {
        unchanged: summary.changedFiles.length === 0,
        ...(Number.isFinite(at) ? { at } : {}),
      });
      this.#history.save().catch((err: unknown) => log.warn({ err }, 'could not save the test history'));
      return flipped;
    }
    return [];
  }

  isFailing(id: string): boolean {
    const status = this.#last.get(id);
    return status === 'failed' || status === 'error' || status === 'timedout';
  }

  expectedMs(id: string): number | undefined {
    return this.#history?.expectedMs(id);
  }

  /** The cases of `id` that failed last time (empty when none is known: rerun the whole file). */
  failedCases(id: string): string[] {
    return this.#failedCases.get(id) ?? [];
  }

  /** The history per test (status, recent durations, cases) and the cases seen flipping; empty without a root. */
  historyView(): { tests: ReturnType<TestHistory['view']>; flaky: ReturnType<TestHistory['flakyCases']> } {
    return { tests: this.#history?.view() ?? {}, flaky: this.#history?.flakyCases() ?? [] };
  }

  /** What is flaky: cases that flipped with no change, tests that passed only when rerun. */
  flaky(): { cases: ReturnType<TestHistory['flakyCases']>; tests: ReturnType<TestHistory['flakyTests']> } {
    return { cases: this.#history?.flakyCases() ?? [], tests: this.#history?.flakyTests() ?? [] };
  }

  /** One test's history (status, durations, cases, trend), or null for a test never run. */
  historyOf(id: string): ReturnType<TestHistory['viewOf']> | null {
    return this.#history?.viewOf(id) ?? null;
  }

  failing(): string[] {
    return [...this.#last].filter(([, s]) => s === 'failed' || s === 'error' || s === 'timedout').map(([id]) => id);
  }
}
