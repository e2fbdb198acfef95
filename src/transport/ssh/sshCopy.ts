import { mkdir } from 'node:fs/promises';
import { errorMessage, TransportError } from '../../errors.ts';
import type { OwnedResult } from '../../process/runOwned.ts';
import { runOwned } from '../../process/runOwned.ts';
import type { SshEndpoint } from '../types.ts';
import { PULL_ARGS, rsyncArgs, unsafeLinksIn } from '../rsyncArgs.ts';
import type { CopyOptions, PullReport } from '../types.ts';
import type { ControlMaster } from './ControlMaster.ts';
import { excludeMatcher } from './excludeMatch.ts';
import { normalizeRelative, planFileList } from '../planFileList.ts';
import { remoteShell } from './remoteShell.ts';
import { rshCommand, rsyncHost } from './sshOptions.ts';

export interface CopyContext {
  master: ControlMaster;
  endpoint: SshEndpoint;
}

/*
 * rsync over the master's connection (`-e` is the same ssh argv with its ControlPath), so a copy
 * pays no handshake. The machine's rsync may be old: macOS ships rsync 2.6.9 (or openrsync), so
 * nothing here needs the remote side to know a flag newer than that — no --mkpath (the folder is
 * made with `mkdir -p` first), no --delete-missing-args (listed deletions are an `rm` in the
 * machine), no --ignore-missing-args.
 */

/** Sync `localDir` into `guestDir`: everything (with `delete`), or only the listed `files`. */
export async function copyToMachine(ctx: CopyContext, localDir: string, guestDir: string, options: CopyOptions = {}): Promise<void> {
  const what = `copy ${localDir} to ${guestDir} in the machine`;
  await ensureMaster(ctx, what, options.signal);
  const source = `${localDir.replace(/\/+$/, '')}/`;
  const target = `${rsyncHost(ctx.endpoint)}:${guestDir.replace(/\/+$/, '')}/`;
  checked(
    await remoteShell(ctx.master, ctx.endpoint, 'mkdir -p -- "$1"', [guestDir], withSignal(options.signal)),
    `create ${guestDir} in the machine`,
    options.signal,
  );
  if (options.files === undefined) {
    await rsync(ctx, [...rsyncArgs(options, false), source, target], what, options.signal);
    return;
  }
  const plan = await planFileList(localDir, options.files, options.exclude ?? []);
  if (plan.send.length > 0) {
    // --delete means nothing without recursion; deletions of listed files are done below. -I: the
    // caller knows these changed, and rsync's quick check (size + whole-second mtime) would skip a
    // same-size edit saved within the second of the last sync.
    await rsync(ctx, [...rsyncArgs({ ...options, delete: false }, true), '-I', source, target], what, options.signal, plan.send.join('\0'));
  }
  if (plan.remove.length > 0) {
    const removed = await remoteShell(ctx.master, ctx.endpoint, 'cd -- "$1" && xargs -0 rm -rf --', [guestDir], {
      input: plan.remove.join('\0'),
      ...withSignal(options.signal),
    });
    checked(removed, `delete ${plan.remove.length} file(s) removed on the host from ${guestDir} in the machine`, options.signal);
  }
}

/**
 * Bring `guestDir` back into `localDir`. Never deletes on the host; a folder that does not exist
 * in the machine, or is a symlink there, is nothing to copy. Links inside stay links when they
 * stay inside it; the others are left out and reported. With `files`, those paths (relative to
 * guestDir) must exist.
 */
export async function copyFromMachine(
  ctx: CopyContext,
  guestDir: string,
  localDir: string,
  options: CopyOptions = {},
): Promise<PullReport> {
  const what = `copy ${guestDir} out of the machine to ${localDir}`;
  await mkdir(localDir, { recursive: true });
  await ensureMaster(ctx, what, options.signal);
  const script =
    'd="${1%/}"; if [ -L "$d" ]; then printf "link\\t%s\\n" "$(readlink "$d")"; elif [ -d "$d" ]; then echo yes; else echo no; fi';
  const probe = checked(await remoteShell(ctx.master, ctx.endpoint, script, [guestDir], withSignal(options.signal)), what, options.signal);
  const answer = probe.stdout.trim();
  if (answer.startsWith('link\t'))
    return { droppedLinks: [], sourceIsLink: `${guestDir} is a symlink in the machine (-> ${answer.slice(5)}): nothing was copied` };
  if (answer !== 'yes') return { droppedLinks: [] };
  const source = `${rsyncHost(ctx.endpoint)}:${guestDir.replace(/\/+$/, '')}/`;
  let list: string | undefined;
  if (options.files !== undefined) {
    const excluded = excludeMatcher(options.exclude ?? []);
    const files = [...new Set(options.files.map(normalizeRelative))].filter((f) => !excluded(f, 'unknown'));
    if (files.length === 0) return { droppedLinks: [] };
    list = files.join('\0');
  }
  const stdout = await rsync(
    ctx,
    [...rsyncArgs({ ...options, delete: false }, list !== undefined), ...PULL_ARGS, source, `${localDir.replace(/\/+$/, '')}/`],
    what,
    options.signal,
    list,
  );
  return { droppedLinks: unsafeLinksIn(stdout) };
}

async function rsync(ctx: CopyContext, args: string[], what: string, signal: AbortSignal | undefined, input?: string): Promise<string> {
  const rsh = rshCommand(['ssh', ...ctx.master.clientOptions()]);
  const result = await runOwned('rsync', ['-e', rsh, ...args], {
    ...withSignal(signal),
    ...(input === undefined ? {} : { input }),
  }).catch((err: unknown) => {
    throw new TransportError(`${what}: rsync could not be started (${errorMessage(err)}); install rsync`, { cause: err });
  });
  if (result.terminationReason === 'cancel') throw new TransportError(`${what}: cancelled`);
  if (result.exitCode !== 0) {
    const hint = result.exitCode === 255 || result.exitCode === 12 ? ' (the ssh connection failed: is the machine up?)' : '';
    throw new TransportError(`${what} failed (rsync exit ${result.exitCode})${hint}: ${result.stderr.trim().slice(0, 2000)}`);
  }
  return result.stdout;
}

async function ensureMaster(ctx: CopyContext, what: string, signal: AbortSignal | undefined): Promise<void> {
  try {
    await ctx.master.ensure(signal);
  } catch (err) {
    throw new TransportError(`${what}: ${signal?.aborted ? 'cancelled' : errorMessage(err)}`, { cause: err });
  }
}

function checked(result: OwnedResult, what: string, signal: AbortSignal | undefined): OwnedResult {
  if (result.terminationReason === 'cancel' || signal?.aborted) throw new TransportError(`${what}: cancelled`);
  if (result.terminationReason === 'timeout') throw new TransportError(`${what}: the machine did not answer within 60 s`);
  if (result.exitCode !== 0) throw new TransportError(`${what} failed (exit ${result.exitCode}): ${result.stderr.trim().slice(0, 2000)}`);
  return result;
}

function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}
