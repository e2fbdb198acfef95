import { errorMessage } from '../../errors.ts';
import type { SshEndpoint } from '../types.ts';
import type { ExecOptions, ExecResult } from '../types.ts';
import type { ControlMaster } from './ControlMaster.ts';
import { supervisedCommand } from './remoteCommand.ts';
import { runSupervised, type SupervisedRun } from './runSupervised.ts';
import { sshHost } from './sshOptions.ts';

export type ExecReply = ExecResult & { output?: string };

/**
 * Run `command` in the machine through the master, under the supervisor (remoteCommand.ts):
 * output streamed to `logFile` (or collected), the command's own exit code kept, and on cancel
 * or timeout its whole process group in the machine ended. `error` means ssh or the machine
 * failed, not the command: no connection, the command could not start, or the connection dropped.
 */
export async function execOverSsh(
  master: ControlMaster,
  endpoint: SshEndpoint,
  command: string,
  options: ExecOptions = {},
): Promise<ExecReply> {
  const called = Date.now();
  const collected = options.logFile === undefined ? { output: '' } : {};
  try {
    await master.ensure(options.signal);
  } catch (err) {
    const durationMs = Date.now() - called;
    if (options.signal?.aborted) return { outcome: 'cancelled', exitCode: null, durationMs, ...collected };
    return { outcome: 'error', exitCode: null, durationMs, error: errorMessage(err), ...collected };
  }
  const env = { ...(endpoint.name === undefined ? {} : { VMWATCH_MACHINE: endpoint.name }), ...options.env };
  const remote = supervisedCommand(command, options.cwd ?? endpoint.guestPath, env, options.stdin !== undefined);
  const run = await runSupervised([...master.clientOptions(), sshHost(endpoint), remote], {
    ...(options.logFile === undefined ? {} : { logFile: options.logFile }),
    ...(options.logMaxBytes === undefined ? {} : { logMaxBytes: options.logMaxBytes }),
    ...(options.onOutput === undefined ? {} : { onOutput: options.onOutput }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const base = {
    exitCode: run.remoteExitCode ?? null,
    durationMs: Date.now() - called,
    ...(run.startedAt === undefined ? {} : { startLatencyMs: run.startedAt - called }),
    ...(run.output === undefined ? {} : { output: run.output }),
    ...(run.logError === undefined ? {} : { logError: run.logError }),
  };
  if (run.terminationReason === 'timeout') return { ...base, outcome: 'timedout' };
  if (run.terminationReason === 'cancel') return { ...base, outcome: 'cancelled' };
  const failure = failureOf(run, endpoint);
  return failure === undefined ? { ...base, outcome: 'exited' } : { ...base, outcome: 'error', error: failure };
}

/** Why the run says nothing about the command itself, or undefined when it does. */
function failureOf(run: SupervisedRun, endpoint: SshEndpoint): string | undefined {
  const who = `${endpoint.user}@${endpoint.host}:${endpoint.port}`;
  const said = run.sshStderr.trim().split('\n').slice(-5).join(' / ');
  if (run.remoteError !== undefined) return `in ${who}: ${run.remoteError}`;
  if (run.startedAt === undefined) {
    const perl = /perl.*(not found|no such file)/i.test(said) ? ' (vmwatch runs commands under perl, which the machine lacks)' : '';
    return `could not start the command on ${who}${perl}: ${said || `ssh exit ${run.sshExitCode}`}`;
  }
  if (run.remoteExitCode === undefined)
    return `lost the ssh connection to ${who} while the command ran: ${said || `ssh exit ${run.sshExitCode}`}`;
  return undefined;
}
