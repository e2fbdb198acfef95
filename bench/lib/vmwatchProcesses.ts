import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runOwned } from '../../src/process/runOwned.ts';
import type { RunSummary } from '../../src/report/types.ts';
import type { TestTimings } from '../../src/schedule/types.ts';
import { CLI } from '../../test/helpers/demoProject.ts';
import { isRunStart, startLoggedCli, type LoggedCli, type LogLine } from './cliLog.ts';

export interface VmwatchSetup {
  /** The app folder (the config's root). */
  app: string;
  /** Where the config file is written (outside the checkout). */
  dir: string;
  /** VMWATCH_HOME: snapshot and pool state, kept between benchmark runs. */
  home: string;
  /** The discover rule for the app's tests. */
  rule: Record<string, unknown>;
  setup: string[];
}

/** A sandbox pool of `size` over the app, its tests found by `rule`. */
export function writeVmwatchConfig(s: VmwatchSetup, size: number): string {
  const file = path.join(s.dir, `vmwatch-${size}.config.json`);
  const config = {
    root: s.app,
    setup: s.setup,
    discover: [s.rule],
    watch: { ignore: ['node_modules/**', 'dist/**'] },
    pool: { provider: 'sandbox', size, name: 'bench-runners', snapshot: 'bench-runners-ready' },
    notify: false,
  };
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

const env = (s: VmwatchSetup): Record<string, string> => ({
  ...(process.env as Record<string, string>),
  VMWATCH_HOME: s.home,
  VMWATCH_LOG: 'warn',
});

/** `vmwatch snapshot update`: builds the snapshot (setup: the app's install) unless it is fresh. */
export async function updateSnapshot(s: VmwatchSetup, configFile: string): Promise<number> {
  const started = performance.now();
  const result = await runOwned(process.execPath, [CLI, 'snapshot', 'update', '--config', configFile], {
    env: env(s),
    timeoutMs: 20 * 60_000,
  });
  if (result.exitCode !== 0)
    throw new Error(`vmwatch snapshot update failed (exit ${result.exitCode}):\n${(result.stdout + result.stderr).slice(-3000)}`);
  return performance.now() - started;
}

/** A one-shot `vmwatch run --json` over the working tree's changes: wall time and its summary. */
export async function timeRun(s: VmwatchSetup, configFile: string): Promise<{ ms: number; summary: RunSummary; exitCode: number | null }> {
  const started = performance.now();
  const result = await runOwned(process.execPath, [CLI, 'run', '--config', configFile, '--json'], {
    cwd: s.app,
    env: env(s),
    timeoutMs: 10 * 60_000,
  });
  const ms = performance.now() - started;
  try {
    return { ms, summary: JSON.parse(result.stdout) as RunSummary, exitCode: result.exitCode };
  } catch {
    throw new Error(`vmwatch run printed no summary (exit ${result.exitCode}):\n${result.stderr.slice(-3000)}`);
  }
}

export interface WatchedRun {
  /** Save → the run's summary (its finishedAt). */
  ms: number;
  /** Index of the run's start line in the CLI's log lines. */
  startIndex: number;
  summary: RunSummary;
  /** The debug log's `test finished` lines of the run, with the host-side timings. */
  finished: Array<LogLine & { testId: string; timings: TestTimings }>;
}

/** `vmwatch watch` with its debug log parsed; `timeEdit` saves and waits for that run's summary.json. */
export class VmwatchWatch {
  /** Where runs write summary.json: artifacts' `into` is relative to the config file. */
  readonly #runs: string;
  readonly #cli: LoggedCli;

  constructor(s: VmwatchSetup, configFile: string) {
    this.#runs = path.join(path.dirname(configFile), 'test-runs');
    this.#cli = startLoggedCli(['watch', '--config', configFile], { VMWATCH_HOME: s.home });
  }

  /** The debug log lines so far. */
  get lines(): readonly LogLine[] {
    return this.#cli.lines;
  }

  async ready(timeoutMs = 300_000): Promise<void> {
    await this.#cli.waitLine(0, (l) => l.msg === 'ready', timeoutMs);
  }

  /** After `ready`: until `machines` warm runners have transformed the app ahead; ms waited, or null after `timeoutMs`. */
  async prewarmed(machines: number, timeoutMs = 120_000): Promise<number | null> {
    const started = Date.now();
    const deadline = started + timeoutMs;
    while (this.#cli.lines.filter((l) => l.msg === 'warm runner prewarmed').length < machines) {
      if (Date.now() > deadline) return null;
      await new Promise((r) => setTimeout(r, 50));
    }
    return Date.now() - started;
  }

  async timeEdit(save: () => number, timeoutMs = 5 * 60_000): Promise<WatchedRun> {
    const from = this.#cli.lines.length;
    const savedAt = save();
    const start = await this.#cli.waitLine(from, isRunStart, timeoutMs);
    const runId = String(start.line.runId);
    const file = path.join(this.#runs, runId, 'summary.json');
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(file)) {
      if (this.#cli.cli.child.exitCode !== null) throw new Error(`vmwatch watch exited:\n${this.#cli.cli.stderr().slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`vmwatch watch: run ${runId} wrote no summary within ${timeoutMs / 1000}s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    let summary: RunSummary | undefined;
    while (summary === undefined) {
      try {
        summary = JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
      } catch {
        await new Promise((r) => setTimeout(r, 20)); // written but not complete yet
      }
    }
    const finished = this.#cli.lines.slice(start.index).filter((l) => l.msg === 'test finished') as WatchedRun['finished'];
    return { ms: Date.parse(summary.finishedAt) - savedAt, startIndex: start.index, summary, finished };
  }

  /**
   * After `run`: until each machine it used has a new warm runner that has transformed the app
   * ahead ('warm runner prewarmed' in the debug log: one per batch of the run), as a developer's
   * pause between saves would allow. Returns the ms waited from the run's summary, or null when
   * that did not happen within `timeoutMs`.
   */
  async waitRewarmed(run: WatchedRun, timeoutMs = 60_000): Promise<number | null> {
    const batches = new Set(run.summary.tests.map((t) => t.artifactsDir)).size;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const prewarmed = this.#cli.lines.slice(run.startIndex).filter((l) => l.msg === 'warm runner prewarmed');
      if (prewarmed.length >= batches)
        return Math.max(0, (prewarmed[batches - 1]!.time ?? Date.now()) - Date.parse(run.summary.finishedAt));
      if (Date.now() > deadline) return null;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.#cli.stop();
  }
}
