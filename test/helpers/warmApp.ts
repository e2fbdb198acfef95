import { syncWhole } from '../../src/schedule/syncApp.ts';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DiscoverRule } from '../../src/config/types.ts';
import { VMPool } from '../../src/pool/VMPool.ts';
import type { RunSummary } from '../../src/report/types.ts';
import { warmRuleOf } from '../../src/schedule/planUnits.ts';
import { runPlan, type RunOutcome } from '../../src/schedule/runPlan.ts';
import { RESULTS_DIR } from '../../src/runners/types.ts';
import type { TestJob } from '../../src/schedule/types.ts';
import { WarmRunner } from '../../src/schedule/warm/WarmRunner.ts';
import { discoverTests } from '../../src/select/discover.ts';
import { connect } from '../../src/transport/connect.ts';
import { ChangeJournal } from '../../src/watch/ChangeJournal.ts';
import type { ParsedConfig } from '../../src/config/schema.ts';
import { waitFor } from './processes.ts';
import type { TempSandbox } from './tempSandbox.ts';

export const WARM_GUEST = '/mnt/vmwatch-test/app';
const EXCLUDES = ['/node_modules', `/${RESULTS_DIR}`, '/test-runs'];

/**
 * A host app folder synced into a one-machine sandbox pool the way the watcher's pool does it
 * (sync-ahead, then the first warmable rule's warm runner), with a change journal that `edit`
 * feeds as the watcher would, and runPlan over it.
 */
export class WarmApp {
  readonly app = mkdtempSync(path.join(tmpdir(), 'vmwatch-warm-app-'));
  readonly #into = mkdtempSync(path.join(tmpdir(), 'vmwatch-warm-runs-'));
  readonly journal = new ChangeJournal({ fullSyncOn: [], slackMs: 0 });
  readonly pool: VMPool;
  readonly #config: ParsedConfig;
  #runner: WarmRunner | null = null;

  constructor(sb: TempSandbox, config: ParsedConfig, files: Record<string, string>, start: { prewarm?: boolean } = {}) {
    this.#config = config;
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(this.app, file)), { recursive: true });
      writeFileSync(path.join(this.app, file), text);
    }
    const rule = warmRuleOf(config.discover as DiscoverRule[]);
    if (rule === undefined) throw new Error('no warmable rule in the test config');
    this.pool = new VMPool({
      provider: sb.provider,
      connect,
      pool: 'warm',
      size: 1,
      backoffMs: 10,
      prepare: async (vm, signal) => {
        await syncWhole(vm, { root: this.app, guestPath: WARM_GUEST, excludes: EXCLUDES, signal });
        this.#runner = await WarmRunner.start(vm, { rule, resultsDir: RESULTS_DIR, env: {}, ...start });
      },
    });
  }

  readiness(): string | undefined {
    return this.pool.status()[0]?.readiness;
  }

  waitWarm(): Promise<unknown> {
    return waitFor(() => this.pool.status()[0]?.state === 'ready' && this.readiness() === 'warm', 30_000, 'a ready, warm machine');
  }

  /** Until the latest warm runner says it has transformed the app ahead (Vitest). */
  waitPrewarmed(): Promise<unknown> {
    const prewarmed = (): boolean => {
      const log = this.#runner === null ? '' : readFileSync(this.#runner.logFile, { encoding: 'utf8', flag: 'r' });
      return /prewarmed \d+ modules/.test(log);
    };
    return waitFor(() => existsSync(this.#runner?.logFile ?? '/nonexistent') && prewarmed(), 30_000, 'the warm runner to prewarm');
  }

  /** Write (or with null, delete) a file of the app and record it as the watcher would. */
  edit(file: string, text: string | null): void {
    const full = path.join(this.app, file);
    if (text === null) rmSync(full, { recursive: true, force: true });
    else writeFileSync(full, text);
    this.journal.record(file);
  }

  async run(
    files: string[],
    options: { cases?: Record<string, string[]>; signal?: AbortSignal; env?: Record<string, string>; retry?: number } = {},
  ) {
    const jobs: TestJob[] = discoverTests(this.#config, files).map((test) => ({
      test,
      reasons: ['changed'],
      ...(options.cases?.[test.id] ? { cases: options.cases[test.id] } : {}),
    }));
    const outcome: RunOutcome = await runPlan({
      pool: this.pool,
      root: this.app,
      guestPath: WARM_GUEST,
      artifactsDir: 'test-runs',
      into: this.#into,
      excludes: EXCLUDES,
      env: options.env ?? {},
      defaultTimeoutMs: 60_000,
      jobs,
      changedFiles: [],
      concurrency: 1,
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      discover: this.#config.discover,
      changesSince: (at) => this.journal.changesSince(at),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const summary = JSON.parse(readFileSync(path.join(outcome.runDir, 'summary.json'), 'utf8')) as RunSummary;
    const byId = Object.fromEntries(summary.tests.map((t) => [t.id, t]));
    const cases = (id: string) => Object.fromEntries((byId[id]?.cases ?? []).map((c) => [c.name, c.status]));
    return { byId, cases, outcome };
  }

  /** A file the run's first result copied out of its machine's artifacts folder. */
  artifact(outcome: RunOutcome, name: string): string {
    return readFileSync(path.join(outcome.results[0]!.artifactsDir!, name), 'utf8');
  }

  /** The output.log files next to the run's first result (its batch's), concatenated. */
  batchLogs(outcome: RunOutcome): string {
    const dir = path.dirname(outcome.results[0]!.artifactsDir!);
    return readdirSync(dir)
      .map((d) => path.join(dir, d, 'output.log'))
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f, 'utf8'))
      .join('');
  }

  async stop(): Promise<void> {
    await this.pool.destroy();
    rmSync(this.app, { recursive: true, force: true });
    rmSync(this.#into, { recursive: true, force: true });
  }
}
