import { appendFile, writeFile } from 'node:fs/promises';
import { logger } from '../log.ts';
import type { VM } from '../pool/VM.ts';
import { adapterFor } from '../runners/index.ts';
import { WARM_REFUSED_EXIT, type BatchOptions } from '../runners/types.ts';
import type { ExecResult } from '../transport/types.ts';
import type { WorkUnit } from './planUnits.ts';
import { syncApp } from './syncApp.ts';
import type { RunContext, TestTimings } from './types.ts';
import { resultsRequest } from './warm/resultsFrame.ts';
import { warmChanges } from './warm/warmChanges.ts';
import { warmRunnerFor, warmRunnerOf, type WarmMessage, type WarmRunner } from './warm/WarmRunner.ts';

const log = logger('schedule');

export interface UnitInvocation {
  command: string;
  env?: Record<string, string>;
  /** How the command is shown in output.log when it embeds a script. */
  display?: string;
  /** The batch's options, when the unit goes through an adapter. */
  batch?: { files: string[]; options: BatchOptions };
}

/**
 * How the unit's command ended; `results`: its results folder's files, when a warm runner sent them
 * in its output; `noArtifacts`: the warm runner found no artifacts folder (nothing to copy out).
 */
export type UnitExec = ExecResult & { calledAt: number; results?: Map<string, Buffer>; noArtifacts?: boolean };

export interface ExecUnitOptions {
  invocation: UnitInvocation;
  env: Record<string, string>;
  header: string;
  logFile: string;
  timeoutMs: number;
  /** Gets the command's output as it comes (a batch's progress lines). */
  onOutput?: (chunk: Buffer | string) => void;
}

/**
 * Bring the machine up to date and run the unit's command: on the machine's warm runner when it
 * waits for this rule and has loaded nothing that changed since (the changes travel in its batch
 * message, no rsync), else the cold way (sync, then the command). A warm runner that is not used
 * is stopped first: nothing else may touch the machine's tree while it runs.
 */
export async function execUnit(vm: VM, unit: WorkUnit, ctx: RunContext, options: ExecUnitOptions, timings: TestTimings): Promise<UnitExec> {
  const ids = unit.jobs.map((j) => j.test.id);
  try {
    return await execOn(vm, unit, ctx, options, timings);
  } finally {
    ctx.onLog?.(ids, options.logFile, false);
  }
}

async function execOn(vm: VM, unit: WorkUnit, ctx: RunContext, options: ExecUnitOptions, timings: TestTimings): Promise<UnitExec> {
  const warm = await takeWarm(vm, unit, ctx, options);
  const started = Date.now();
  if (warm !== null) {
    timings.warm = true;
    timings.syncedFiles = warm.message.write.length + warm.message.remove.length;
    timings.syncedAt = started;
    timings.commandStartedAt = started;
    await writeFile(
      options.logFile,
      `$ ${options.invocation.display ?? options.invocation.command}\n# machine ${vm.name}, warm runner\n${options.header}\n`,
      { flag: 'wx' },
    );
    ctx.onLog?.(
      unit.jobs.map((j) => j.test.id),
      warm.runner.logFile,
      true,
    );
    const exec = await warm.runner.run(warm.message, {
      timeoutMs: options.timeoutMs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(options.onOutput ? { onOutput: options.onOutput } : {}),
    });
    await warm.runner.appendLogTo(options.logFile, ctx.outputMaxBytes);
    await warm.runner.stop();
    if (exec.outcome !== 'exited' || exec.exitCode !== WARM_REFUSED_EXIT) return { ...exec, calledAt: started };
    // It refused the changes and ran nothing (e.g. a deleted folder): the cold way, same machine.
    timings.warm = false;
    await appendFile(options.logFile, '# the warm runner refused the changes; running cold\n');
    return cold(vm, unit, ctx, options, timings, true);
  }
  return cold(vm, unit, ctx, options, timings, false);
}

async function cold(
  vm: VM,
  unit: WorkUnit,
  ctx: RunContext,
  options: ExecUnitOptions,
  timings: TestTimings,
  logStarted: boolean,
): Promise<ExecResult & { calledAt: number }> {
  const t0 = Date.now();
  timings.syncedFiles = await syncApp(vm, ctx);
  timings.syncedAt = Date.now();
  timings.syncMs = timings.syncedAt - t0;
  const head = `$ ${options.invocation.display ?? options.invocation.command}\n# machine ${vm.name}\n${options.header}\n`;
  if (logStarted) await appendFile(options.logFile, head);
  else await writeFile(options.logFile, head, { flag: 'wx' });
  ctx.onLog?.(
    unit.jobs.map((j) => j.test.id),
    options.logFile,
    true,
  );
  const execCalled = Date.now();
  const exec = await vm.exec(options.invocation.command, {
    logFile: options.logFile,
    ...(ctx.outputMaxBytes === undefined ? {} : { logMaxBytes: ctx.outputMaxBytes }),
    env: options.env,
    timeoutMs: options.timeoutMs,
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (exec.startLatencyMs !== undefined) {
    timings.execStartMs = exec.startLatencyMs;
    timings.commandStartedAt = execCalled + exec.startLatencyMs;
  }
  return { ...exec, calledAt: execCalled };
}

/** The machine's warm runner with its batch message, when it can take this unit; any other is stopped. */
async function takeWarm(
  vm: VM,
  unit: WorkUnit,
  ctx: RunContext,
  options: ExecUnitOptions,
): Promise<{ runner: WarmRunner; message: WarmMessage } | null> {
  const support = unit.rule === undefined ? undefined : adapterFor(unit.rule.runner).warm;
  const batch = options.invocation.batch;
  const runner = unit.rule === undefined ? undefined : warmRunnerFor(vm, unit.rule);
  if (runner === undefined || support === undefined || batch === undefined || unit.rule === undefined) {
    await warmRunnerOf(vm)?.stop();
    return null;
  }
  const changed = ctx.changesSince?.(runner.loadedAt) ?? null;
  const changes = await warmChanges(ctx.root, changed, support.inputs(unit.rule), ctx.excludes, runner.loadedFiles);
  if ('cold' in changes) {
    log.debug({ vm: vm.name, why: changes.cold }, 'not using the warm runner');
    await runner.stop();
    return null;
  }
  return {
    runner,
    message: {
      ...changes,
      env: options.env,
      run: support.batchRun(unit.rule, batch.files, batch.options),
      results: resultsRequest(batch.options.resultsDir, ctx.outputMaxBytes, ctx.artifactsDir),
    },
  };
}
