import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProgressReader } from '../../src/runners/progress.ts';
import { batchFileFor } from '../../src/runners/results.ts';
import type { BatchOptions, FileResult, RunnerAdapter, RunnerRule } from '../../src/runners/types.ts';
import { connect } from '../../src/transport/connect.ts';
import type { Transport } from '../../src/transport/types.ts';
import { tempSandbox, type TempSandbox } from './tempSandbox.ts';

const RUNNER_GUEST = '/mnt/vmwatch-test/app';

export interface BatchRun {
  command: string;
  /** How the command is shown in output.log. */
  display: string | undefined;
  exitCode: number | null;
  output: string;
  results: Map<string, FileResult>;
  /** The runner's progress lines, in order, as `started FILE` / `finished FILE` (batch files; others as printed). */
  progress: string[];
}

/** Progress lines in `output`, their files mapped to `files` as the host's batch clock maps them. */
function progressIn(output: string, files: readonly string[]): string[] {
  const events: string[] = [];
  const reader = new ProgressReader((e) => events.push(`${e.kind} ${batchFileFor(e.file, files) ?? e.file}`));
  reader.push(output);
  reader.end();
  return events;
}

/**
 * One sandbox machine whose snapshot holds `files` (a test app), for running real test runners:
 * `run` builds the adapter's command, runs it in the machine, pulls the results folder back and
 * reads it, as the scheduler does.
 */
export class RunnerMachine {
  readonly sb: TempSandbox;
  #vm: Transport | undefined;
  #runs = 0;
  readonly #pulled: string[] = [];

  /** `prepare` may add more to the snapshot tree (e.g. node_modules) before the machine starts. */
  constructor(files: Record<string, string>, prepare?: (snapshotTree: string) => void) {
    this.sb = tempSandbox({ guestPath: RUNNER_GUEST, files });
    prepare?.(this.sb.snapshotTree);
  }

  async start(): Promise<void> {
    await this.sb.provider.createVM('vmwatch-runner-1');
    this.#vm = connect(await this.sb.provider.startVM('vmwatch-runner-1'));
  }

  async exec(command: string): Promise<{ exitCode: number | null; output: string }> {
    const r = await this.#vm!.exec(command, { timeoutMs: 60_000 });
    return { exitCode: r.exitCode, output: r.output ?? '' };
  }

  async run(adapter: RunnerAdapter, rule: RunnerRule, files: string[], options: Omit<BatchOptions, 'resultsDir'> = {}): Promise<BatchRun> {
    const resultsDir = `test-runs/batch-${++this.#runs}`;
    const { command, env, display } = adapter.batchCommand(rule, files, { ...options, resultsDir });
    const r = await this.#vm!.exec(command, { timeoutMs: 60_000, ...(env ? { env } : {}) });
    const local = mkdtempSync(path.join(tmpdir(), 'vmwatch-results-'));
    this.#pulled.push(local);
    await this.#vm!.copyFromVM(`${RUNNER_GUEST}/${resultsDir}`, local);
    const output = r.output ?? '';
    return {
      command,
      display,
      exitCode: r.exitCode,
      output,
      results: await adapter.readResults(rule, files, local),
      progress: progressIn(output, files),
    };
  }

  async stop(): Promise<void> {
    if (this.#vm) await this.sb.provider.destroyVM('vmwatch-runner-1');
    await this.sb.cleanup();
    for (const dir of this.#pulled) rmSync(dir, { recursive: true, force: true });
  }
}

/** Case name → status, for compact assertions. */
export function statuses(result: FileResult | undefined): Record<string, string> {
  return Object.fromEntries((result?.cases ?? []).map((c) => [c.name, c.status]));
}
