import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOwned, type OwnedResult } from '../../src/process/runOwned.ts';

/** The event reporter, by absolute path: outside the checkout under test. */
const REPORTER = fileURLToPath(new URL('./vitestEventsReporter.mjs', import.meta.url));

export interface VitestEvent {
  event: 'rerun' | 'start' | 'end';
  at: number;
  files: string[];
  durationsMs?: number[];
  reason?: string;
  errors?: number;
}

/** The checkout's own vitest binary: the nearest node_modules/.bin/vitest at or above `app`. */
function vitestBin(app: string): string {
  for (let dir = app; ; dir = path.dirname(dir)) {
    const bin = path.join(dir, 'node_modules', '.bin', 'vitest');
    if (existsSync(bin)) return bin;
    if (path.dirname(dir) === dir) throw new Error(`no node_modules/.bin/vitest at or above ${app}: run bench/repos/remeda.sh first`);
  }
}

/** The events written so far; a line still being written (no newline yet) is left for the next read. */
function readEvents(file: string): VitestEvent[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.pop();
  return lines.filter(Boolean).map((l) => JSON.parse(l) as VitestEvent);
}

const relative = (app: string, files: string[]): string[] => files.map((f) => path.relative(app, f).split(path.sep).join('/')).sort();

/** A cold `vitest related FILE --run` (a new process): its wall time and the test files it ran. */
export async function coldRelated(
  app: string,
  file: string,
  options: { eventsFile: string; args: string[] },
): Promise<{ ms: number; files: string[]; exitCode: number | null }> {
  writeFileSync(options.eventsFile, '');
  const started = performance.now();
  const result: OwnedResult = await runOwned(
    vitestBin(app),
    ['related', path.join(app, file), '--run', ...options.args, `--reporter=${REPORTER}`],
    {
      cwd: app,
      env: { ...process.env, VMWATCH_BENCH_EVENTS: options.eventsFile, CI: '1', FORCE_COLOR: '0' },
      timeoutMs: 10 * 60_000,
    },
  );
  const ms = performance.now() - started;
  const end = readEvents(options.eventsFile).find((e) => e.event === 'end');
  if (end === undefined)
    throw new Error(`vitest related ${file} ended without a test run (exit ${result.exitCode}):\n${result.stderr.slice(-2000)}`);
  return { ms, files: relative(app, end.files), exitCode: result.exitCode };
}

/**
 * `vitest --watch` in the app, owned: started once, told about edits by the file system only, and
 * read through the event reporter. `stop()` kills its process group.
 */
export class VitestWatch {
  readonly #app: string;
  readonly #eventsFile: string;
  readonly #abort = new AbortController();
  readonly #exited: Promise<OwnedResult>;
  #ended: OwnedResult | undefined;

  constructor(app: string, options: { eventsFile: string; args: string[]; logFile: string }) {
    this.#app = app;
    this.#eventsFile = options.eventsFile;
    writeFileSync(options.eventsFile, '');
    this.#exited = runOwned(vitestBin(app), ['--watch', ...options.args, `--reporter=${REPORTER}`], {
      cwd: app,
      env: { ...process.env, VMWATCH_BENCH_EVENTS: options.eventsFile, FORCE_COLOR: '0' },
      output: { appendTo: options.logFile },
      signal: this.#abort.signal,
    });
    void this.#exited.then((r) => (this.#ended = r));
  }

  /** The first `end` event at or after event index `from`, with the `start` before it. */
  async nextRun(from: number, timeoutMs: number): Promise<{ start: VitestEvent | undefined; end: VitestEvent; index: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = readEvents(this.#eventsFile);
      for (let i = from; i < events.length; i++) {
        if (events[i]!.event !== 'end') continue;
        const start = events
          .slice(from, i)
          .reverse()
          .find((e) => e.event === 'start');
        return { start, end: events[i]!, index: i + 1 };
      }
      if (this.#ended !== undefined)
        throw new Error(`vitest --watch exited (${this.#ended.exitCode ?? this.#ended.signal}) before a run ended`);
      if (Date.now() > deadline) throw new Error(`vitest --watch: no run ended within ${timeoutMs / 1000}s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  eventCount(): number {
    return readEvents(this.#eventsFile).length;
  }

  /** Save → end of the rerun it causes: the time from the write and the files rerun. */
  async timeEdit(save: () => number, timeoutMs = 5 * 60_000): Promise<{ ms: number; files: string[] }> {
    const from = this.eventCount();
    const savedAt = save();
    const run = await this.nextRun(from, timeoutMs);
    return { ms: run.end.at - savedAt, files: relative(this.#app, run.end.files) };
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#exited;
  }
}
