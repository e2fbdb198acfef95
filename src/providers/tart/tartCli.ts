import { VmwatchError } from '../../errors.ts';
import { runOwned } from '../../process/runOwned.ts';
import { requireTool } from '../../process/tools.ts';

/** A `tart` subcommand failed; the message carries Tart's own words. */
export class TartCommandError extends VmwatchError {
  readonly stderr: string;
  readonly tartExitCode: number | null;

  constructor(args: string[], exitCode: number | null, stderr: string, hint?: string) {
    const said = stderr.trim().split('\n').slice(-3).join(' | ') || `exit ${exitCode}`;
    super('TART', `'tart ${args.join(' ')}' failed: ${said}${hint ? `. ${hint}` : ''}`);
    this.stderr = stderr;
    this.tartExitCode = exitCode;
  }
}

/** Environment for every tart call: `TART_NO_AUTO_PRUNE`, so a clone never prunes the image cache. */
export function tartEnv(): Record<string, string | undefined> {
  return { ...process.env, TART_NO_AUTO_PRUNE: '1' };
}

/** What to tell the user about a few of Tart's errors. */
export function hintFor(stderr: string): string | undefined {
  if (/exceeds the system limit/i.test(stderr)) {
    return 'macOS runs at most 2 VMs per host: use pool.size 2, or the orchard provider for more';
  }
  if (/no IP address found/i.test(stderr)) {
    return "the VM got no address: the DHCP leases may be exhausted (run 'vmwatch doctor')";
  }
  return undefined;
}

/** Run `tart ARGS…` to completion (owned, cancellable); stdout on success, TartCommandError otherwise. */
export async function tart(args: string[], options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<string> {
  const file = requireTool('tart');
  const result = await runOwned(file, args, {
    env: tartEnv(),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  if (result.terminationReason === 'cancel') options.signal?.throwIfAborted();
  if (result.terminationReason === 'timeout') {
    throw new TartCommandError(args, null, `timed out after ${options.timeoutMs} ms`);
  }
  if (result.exitCode !== 0)
    throw new TartCommandError(args, result.exitCode, result.stderr || result.stdout, hintFor(result.stderr + result.stdout));
  return result.stdout;
}
