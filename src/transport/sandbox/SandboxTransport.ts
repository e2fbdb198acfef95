import { mkdir } from 'node:fs/promises';
import { TransportError } from '../../errors.ts';
import type { SandboxEndpoint } from '../types.ts';
import { runOwned } from '../../process/runOwned.ts';
import { PULL_ARGS, rsyncArgs, unsafeLinksIn } from '../rsyncArgs.ts';
import { planFileList } from '../planFileList.ts';
import type { CopyOptions, ExecOptions, ExecResult, PullReport, Transport } from '../types.ts';
import { bwrapArgs } from './bwrapArgs.ts';
import { GROUP_FD, PASSWD_FD, passwdFiles, sandboxRoot } from './sandboxRoot.ts';
import { guestToMerged, MOUNT_FAILED_EXIT, namespaceCommand } from './namespaceCommand.ts';
import { readBwrapStatus } from './bwrapStatus.ts';

/** Host variables a command gets besides what the caller passes (pool.env, pool.passEnv, VMWATCH_*). */
const HOST_ENV = ['PATH', 'LANG', 'TERM'];

/** Feeds the machine's /etc/passwd and /etc/group to bwrap on their fds, then runs bwrap. */
const WITH_PASSWD = `p="$1"; g="$2"; shift 2; exec "$@" ${PASSWD_FD}<<P ${GROUP_FD}<<G\n$p\nP\n$g\nG\n`;

/** The whole environment of a command in the machine: nothing of the host's but HOST_ENV. */
function sandboxEnv(
  hostname: string,
  extra: Record<string, string> = {},
  hostEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin' };
  for (const name of HOST_ENV) {
    const value = hostEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, HOME: '/tmp', TMPDIR: '/tmp', VMWATCH_MACHINE: hostname, ...extra };
}

/** sh: $1 the merged root, $2 the source below it, $3 the host folder, then rsync's flags. */
const PULL_SCRIPT = [
  'root="$1"; below="$2"; dst="$3"; shift 3; cur="$root"; rest="${below#/}"',
  'while [ -n "$rest" ]; do',
  '  part="${rest%%/*}"; case "$rest" in */*) rest="${rest#*/}" ;; *) rest="" ;; esac',
  '  [ -z "$part" ] && continue',
  '  cur="$cur/$part"',
  '  if [ -L "$cur" ]; then printf "vmwatch-link %s\\t%s\\n" "${cur#"$root"}" "$(readlink "$cur")"; exit 0; fi',
  '  [ -d "$cur" ] || exit 0',
  'done',
  'exec rsync "$@" "$cur/" "$dst/"',
].join('\n');

/**
 * exec and copies for a sandbox machine. Each call runs in its own mount namespace with the
 * machine's overlay mounted; exec adds bubblewrap (bwrapArgs.ts: an unprivileged user in its own
 * namespaces, over a minimal read-only root, sandboxRoot.ts). Killing the call's process group
 * ends everything it started: the pid namespace dies with bwrap, the mount with the namespace.
 */
export class SandboxTransport implements Transport {
  readonly #ep: SandboxEndpoint;
  readonly #root: string[];
  readonly streamsStdin = true;

  constructor(endpoint: SandboxEndpoint) {
    this.#ep = endpoint;
    this.#root = sandboxRoot(endpoint.guestPath, process.env.PATH);
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult & { output?: string }> {
    const called = Date.now();
    const env = sandboxEnv(this.#ep.hostname, options.env);
    const bwrap = bwrapArgs(
      {
        guestPath: this.#ep.guestPath,
        mergedDir: this.#ep.mergedDir,
        hostname: this.#ep.hostname,
        cwd: options.cwd ?? this.#ep.guestPath,
        env,
        network: options.network ?? false,
        writableHostDirs: options.writableHostDirs ?? [],
        statusFd: 3,
      },
      this.#root,
    );
    const { passwd, group } = passwdFiles();
    const argv = ['/bin/sh', '-c', WITH_PASSWD, 'sh', passwd.trimEnd(), group.trimEnd(), 'bwrap', ...bwrap, '/bin/sh', '-c', command];
    const { file, args } = namespaceCommand(this.#ep, argv);
    let status: Promise<{ childStarted: number | null }> = Promise.resolve({ childStarted: null });
    const result = await runOwned(file, args, {
      output:
        options.logFile === undefined
          ? 'pipe'
          : {
              appendTo: options.logFile,
              ...(options.logMaxBytes === undefined ? {} : { maxBytes: options.logMaxBytes }),
              ...(options.onOutput === undefined ? {} : { onChunk: options.onOutput }),
            },
      extraPipes: 1,
      ...(options.stdin ? { stdin: options.stdin } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      onSpawn: ({ pipes }) => {
        if (pipes[0]) status = readBwrapStatus(pipes[0]);
      },
    });
    const { childStarted } = await status;
    const base = {
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      ...(childStarted === null ? {} : { startLatencyMs: childStarted - called }),
      ...(options.logFile === undefined ? { output: result.stdout + result.stderr } : {}),
      ...(result.logError === undefined ? {} : { logError: result.logError }),
    };
    if (result.terminationReason === 'timeout') return { ...base, outcome: 'timedout' };
    if (result.terminationReason === 'cancel') return { ...base, outcome: 'cancelled' };
    if (childStarted === null) {
      const why =
        result.exitCode === MOUNT_FAILED_EXIT ? 'the machine overlay could not be mounted' : 'bubblewrap could not start the sandbox';
      const where = options.logFile === undefined ? `: ${(result.stderr || result.stdout).trim()}` : ` (see ${options.logFile})`;
      return { ...base, outcome: 'error', error: `${why}${where}` };
    }
    return { ...base, outcome: 'exited' };
  }

  /** Health check: can a command still start in this machine? */
  async ping(timeoutMs: number): Promise<boolean> {
    const r = await this.exec('true', { timeoutMs });
    return r.outcome === 'exited' && r.exitCode === 0;
  }

  async copyToVM(localDir: string, guestDir: string, options: CopyOptions = {}): Promise<void> {
    const target = guestToMerged(this.#ep, guestDir);
    let files: string[] | undefined;
    const listArgs: string[] = [];
    if (options.files !== undefined) {
      // The host's rsync runs both ends here: a listed path gone from the host (deleted, or the old
      // name of a renamed file or folder) is deleted in the machine (--delete-missing-args; --force
      // for a folder that still holds files), never a link_stat failure. -I: the caller knows
      // these changed, and the quick check misses a same-size edit within the second.
      const plan = await planFileList(localDir, options.files, options.exclude ?? []);
      files = [...plan.send, ...plan.remove].sort();
      if (files.length === 0) return;
      listArgs.push('--delete-missing-args', '--force', '-I');
    }
    const argv = [
      'rsync',
      ...rsyncArgs(options, files !== undefined),
      ...listArgs,
      '--mkpath',
      `${localDir.replace(/\/+$/, '')}/`,
      `${target}/`,
    ];
    await this.#runCopy(argv, `copy ${localDir} into the machine`, options.signal, files);
  }

  async copyFromVM(guestDir: string, localDir: string, options: CopyOptions = {}): Promise<PullReport> {
    const source = guestToMerged(this.#ep, guestDir);
    await mkdir(localDir, { recursive: true });
    const below = source.slice(this.#ep.mergedDir.length);
    // The machine's tree is host files here: every folder from the machine's app folder down to
    // the source is checked not to be a link (rsync would follow a link given as the source). A
    // missing folder is nothing to copy, not an error; the host side is never deleted from.
    const argv = [
      '/bin/sh',
      '-c',
      PULL_SCRIPT,
      'sh',
      this.#ep.mergedDir,
      below,
      localDir,
      ...rsyncArgs({ ...options, delete: false }, false),
      ...PULL_ARGS,
    ];
    const stdout = await this.#runCopy(argv, `copy ${guestDir} out of the machine`, options.signal);
    const link = /^vmwatch-link (.*?)\t(.*)$/m.exec(stdout);
    if (link)
      return {
        droppedLinks: [],
        sourceIsLink: `${guestDir} is a symlink in the machine (${this.#ep.guestPath}${link[1]} -> ${link[2]}): nothing was copied`,
      };
    return { droppedLinks: unsafeLinksIn(stdout) };
  }

  async #runCopy(argv: string[], what: string, signal: AbortSignal | undefined, files?: string[]): Promise<string> {
    const { file, args } = namespaceCommand(this.#ep, argv);
    const result = await runOwned(file, args, {
      ...(signal ? { signal } : {}),
      ...(files === undefined ? {} : { input: files.join('\0') }),
      // A cancelled copy leaves nothing worth a graceful end (the tree is synced again in full or
      // thrown away), and the namespace's first process ignores SIGTERM: kill it at once.
      killGraceMs: 0,
    });
    if (result.terminationReason === 'cancel') throw new TransportError(`${what}: cancelled`);
    // 24: a listed file vanished while rsync ran; it is gone on the host, so gone it is (deleted above).
    const vanishedOnly = files !== undefined && result.exitCode === 24;
    if (result.exitCode !== 0 && !vanishedOnly) {
      throw new TransportError(`${what} failed (rsync exit ${result.exitCode}): ${result.stderr.trim().slice(0, 2000)}`);
    }
    return result.stdout;
  }

  async close(): Promise<void> {
    // Nothing stays open between calls.
  }
}
