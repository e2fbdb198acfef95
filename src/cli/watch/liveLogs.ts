import { followFile } from '../../api/followFile.ts';
import type { DaemonEvents } from './DaemonEvents.ts';

interface Entry {
  file: string;
  live: boolean;
}

/**
 * The logs of the run in progress, for the dashboard: which file each test's output goes to while
 * it runs (and once it ended), and, while anyone listens to the event stream, each new part of a
 * live log as an `output` event. Cleared when the run ends (its summary says the rest).
 */
export class LiveLogs {
  readonly #events: DaemonEvents;
  readonly #byTest = new Map<string, Entry>();
  readonly #followed = new Set<string>();
  readonly #stop = new AbortController();
  #runId: string | null = null;

  constructor(events: DaemonEvents) {
    this.#events = events;
  }

  start(runId: string): void {
    this.#runId = runId;
    this.#byTest.clear();
  }

  end(): void {
    this.#runId = null;
    this.#byTest.clear();
  }

  /** Stop following (the daemon stops). */
  close(): void {
    this.#stop.abort();
  }

  get(runId: string, testId: string): Entry | null {
    return runId === this.#runId ? (this.#byTest.get(testId) ?? null) : null;
  }

  set(testIds: string[], file: string, live: boolean): void {
    const runId = this.#runId;
    if (runId === null) return;
    for (const id of testIds) this.#byTest.set(id, { file, live });
    if (live && this.#events.listening && !this.#followed.has(file)) this.#follow(runId, testIds, file);
  }

  #follow(runId: string, tests: string[], file: string): void {
    this.#followed.add(file);
    const live = (): boolean => tests.some((id) => this.get(runId, id)?.file === file && this.get(runId, id)?.live === true);
    void followFile(file, {
      live,
      signal: this.#stop.signal,
      onText: (text, offset) => this.#events.emit('output', { runId, tests, offset, text }),
    })
      .catch(() => {})
      .finally(() => this.#followed.delete(file));
  }
}
