import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunSummary, TestStatus } from './types.ts';

/**
 * The last known status of each test: seeded from the newest `summary.json` under the artifacts
 * folder (so a one-shot `run` knows what was failing), then kept up to date run by run.
 */
export class ResultsStore {
  readonly #into: string;
  readonly #last = new Map<string, TestStatus>();

  constructor(into: string) {
    this.#into = into;
  }

  async load(): Promise<void> {
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

  record(summary: RunSummary): void {
    for (const test of summary.tests) {
      if (test.status !== 'cancelled') this.#last.set(test.id, test.status);
    }
  }

  failing(): string[] {
    return [...this.#last].filter(([, s]) => s === 'failed' || s === 'error' || s === 'timedout').map(([id]) => id);
  }
}
