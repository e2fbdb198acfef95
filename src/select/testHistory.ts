import { readState, writeState } from './stateFile.ts';

/** What one finished test adds to the history. */
export interface HistoryEntry {
  id: string;
  status: string;
  durationMs: number;
  /** Its cases, when its runner reported them. */
  cases?: ReadonlyArray<{ name: string; status: string; durationMs: number }>;
}

interface CaseRecord {
  status: string;
  durations: number[];
  /** Times it went from passed to failed or back in a run where no file had changed. */
  flips?: number;
}

interface TestRecord {
  /** The last status that was not `cancelled`. */
  status: string;
  /** The latest durations, newest last (at most KEEP). */
  durations: number[];
  cases?: Record<string, CaseRecord>;
  /** `[finished at (epoch ms), duration ms, status]` per run, newest last (at most TREND): the dashboard's plot. */
  trend?: Array<[number, number, string]>;
}

/** A case that changed between passed and failed although nothing had changed: flaky. */
export interface FlippedCase {
  id: string;
  name: string;
  from: string;
  to: string;
}

interface HistoryFile {
  format: typeof FORMAT;
  tests: Record<string, TestRecord>;
}

const FILE = 'history.json';
const FORMAT = 'history-v1';
const KEEP = 5;
const TREND = 50;
const FAILING = new Set(['failed', 'error', 'timedout']);

function isHistoryFile(json: unknown): json is HistoryFile {
  const candidate = json as Partial<HistoryFile> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.format === FORMAT &&
    typeof candidate.tests === 'object' &&
    candidate.tests !== null
  );
}

/**
 * Per-test last status and recent durations, kept in `<root>/.vmwatch/history.json` (written
 * atomically; a corrupt file is a fresh start with a warning). Cancelled results say nothing
 * about the test and are not recorded.
 */
export class TestHistory {
  readonly #root: string;
  #tests = new Map<string, TestRecord>();
  #saving: Promise<void> = Promise.resolve();

  constructor(root: string) {
    this.#root = root;
  }

  /** Loads the file; returns a warning when it was unusable. */
  async load(): Promise<string | undefined> {
    const read = await readState(this.#root, FILE, isHistoryFile);
    this.#tests = new Map(Object.entries(read.value?.tests ?? {}).filter(([, record]) => isRecord(record)));
    return read.warning;
  }

  get size(): number {
    return this.#tests.size;
  }

  statuses(): Map<string, string> {
    return new Map([...this.#tests].map(([id, record]) => [id, record.status]));
  }

  isFailing(id: string): boolean {
    return FAILING.has(this.#tests.get(id)?.status ?? '');
  }

  /** The expected duration: the median of the recent ones; undefined for a test never run. */
  expectedMs(id: string): number | undefined {
    const durations = [...(this.#tests.get(id)?.durations ?? [])].sort((a, b) => a - b);
    if (durations.length === 0) return undefined;
    const mid = durations.length >> 1;
    return durations.length % 2 === 1 ? durations[mid] : ((durations[mid - 1] as number) + (durations[mid] as number)) / 2;
  }

  /**
   * Adds a run's results. `unchanged`: no file changed before this run (a rerun asked for by the
   * user), so a case that flips between passed and failed is flaky; those cases are returned.
   */
  record(entries: readonly HistoryEntry[], options: { unchanged?: boolean; at?: number } = {}): FlippedCase[] {
    const flipped: FlippedCase[] = [];
    const at = options.at ?? Date.now();
    for (const entry of entries) {
      if (entry.status === 'cancelled') continue;
      const before = this.#tests.get(entry.id);
      const durations = [...(before?.durations ?? []), Math.max(0, Math.round(entry.durationMs))].slice(-KEEP);
      const cases: Record<string, CaseRecord> = { ...before?.cases };
      for (const c of entry.cases ?? []) {
        const old = cases[c.name];
        const flip =
          options.unchanged === true && old !== undefined && isVerdict(old.status) && isVerdict(c.status) && old.status !== c.status;
        if (flip) flipped.push({ id: entry.id, name: c.name, from: old.status, to: c.status });
        const flips = (old?.flips ?? 0) + (flip ? 1 : 0);
        cases[c.name] = {
          status: c.status,
          durations: [...(old?.durations ?? []), Math.max(0, Math.round(c.durationMs))].slice(-KEEP),
          ...(flips > 0 ? { flips } : {}),
        };
      }
      const point: [number, number, string] = [at, Math.max(0, Math.round(entry.durationMs)), entry.status];
      const trend = [...(Array.isArray(before?.trend) ? before.trend : []), point].slice(-TREND);
      this.#tests.set(entry.id, { status: entry.status, durations, ...(Object.keys(cases).length > 0 ? { cases } : {}), trend });
    }
    return flipped;
  }

  /** Per test: its last status, recent durations (newest last), cases and trend, as kept. */
  view(): Record<string, TestRecord> {
    return Object.fromEntries([...this.#tests].map(([id, record]) => [id, structuredClone(record)]));
  }

  /** One test's record, or undefined for a test never run. */
  viewOf(id: string): TestRecord | undefined {
    const record = this.#tests.get(id);
    return record === undefined ? undefined : structuredClone(record);
  }

  /** Cases seen flipping without a change, with how often. */
  flakyCases(): Array<{ id: string; name: string; flips: number }> {
    return [...this.#tests].flatMap(([id, record]) =>
      Object.entries(record.cases ?? {}).flatMap(([name, c]) => (c.flips ? [{ id, name, flips: c.flips }] : [])),
    );
  }

  /** Tests that passed only when rerun (status `flaky`) in their trend, with how often, most first. */
  flakyTests(): Array<{ id: string; times: number }> {
    return [...this.#tests]
      .map(([id, record]) => ({ id, times: (record.trend ?? []).filter((p) => p[2] === 'flaky').length }))
      .filter((t) => t.times > 0)
      .sort((a, b) => b.times - a.times);
  }

  /** Writes the file (one save at a time, each atomic). */
  save(): Promise<void> {
    const snapshot: HistoryFile = { format: FORMAT, tests: Object.fromEntries(this.#tests) };
    this.#saving = this.#saving.catch(() => {}).then(() => writeState(this.#root, FILE, snapshot));
    return this.#saving;
  }
}

function isVerdict(status: string): boolean {
  return status === 'passed' || status === 'failed';
}

function isRecord(value: unknown): value is TestRecord {
  const record = value as Partial<TestRecord> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.status === 'string' &&
    Array.isArray(record.durations) &&
    record.durations.every((d) => typeof d === 'number')
  );
}
