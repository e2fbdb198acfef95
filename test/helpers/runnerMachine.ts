import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BatchOptions, FileResult, RunnerAdapter, RunnerRule } from '../../src/runners/types.ts';
import { connect } from '../../src/transport/connect.ts';
import type { Transport } from '../../src/transport/types.ts';
import { tempSandbox, type TempSandbox } from './tempSandbox.ts';

const RUNNER_GUEST = '/mnt/vmwatch-test/app';

export interface BatchRun {
  command: string;
  exitCode: number | null;
  output: string;
  results: Map<string, FileResult>;
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
    const { command, env } = adapter.batchCommand(rule, files, { ...options, resultsDir });
    const r = await this.#vm!.exec(command, { timeoutMs: 60_000, ...(env ? { env } : {}) });
    const local = mkdtempSync(path.join(tmpdir(), 'vmwatch-results-'));
    this.#pulled.push(local);
    await this.#vm!.copyFromVM(`${RUNNER_GUEST}/${resultsDir}`, local);
    return { command, exitCode: r.exitCode, output: r.output ?? '', results: await adapter.readResults(rule, files, local) };
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
