import { runOwned, type OwnedResult } from '../../process/runOwned.ts';
import type { SshEndpoint } from '../types.ts';
import type { ControlMaster } from './ControlMaster.ts';

import { sshHost } from './sshOptions.ts';
import { shellQuote } from '../../process/shellQuote.ts';

export interface RemoteShellOptions {
  /** Fed to the script's stdin (e.g. a NUL-separated list for `xargs -0`). */
  input?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * A short housekeeping script in the machine (`mkdir -p`, `test -d`, `rm`), through the master:
 * `/bin/sh -c SCRIPT sh ARGS…`, every argument quoted. Not for tests' commands (see exec).
 */
export function remoteShell(
  master: ControlMaster,
  endpoint: SshEndpoint,
  script: string,
  args: string[],
  options: RemoteShellOptions = {},
): Promise<OwnedResult> {
  const remote = ['/bin/sh', '-c', shellQuote(script), 'sh', ...args.map(shellQuote)].join(' ');
  return runOwned('ssh', [...master.clientOptions(), sshHost(endpoint), remote], {
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.input === undefined ? {} : { input: options.input }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
