import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './demoProject.ts';

/** The node flags `npm run watch` and the bin's shebang give the CLI (see bin/vmwatch.mjs). */
const CLI_NODE_FLAGS = ['--max-semi-space-size=2'];

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout/stderr text matching `pattern` after `fromOffset` (default: anywhere). */
  waitFor(pattern: RegExp, options?: { timeoutMs?: number; stream?: 'stdout' | 'stderr'; from?: number }): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The real `vmwatch` CLI as a child process, with its output collected for assertions. */
export function startCli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): CliProcess {
  const child = spawn(process.execPath, [...CLI_NODE_FLAGS, CLI, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, VMWATCH_LOG: 'info', VMWATCH_LOG_JSON: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (const l of listeners) l();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const l of listeners) l();
      resolve({ code, signal });
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (pattern, opts = {}) =>
      new Promise((resolve, reject) => {
        const text = (): string => (opts.stream === 'stderr' ? err : out).slice(opts.from ?? 0);
        const check = (): void => {
          const m = text().match(pattern);
          if (m) {
            done();
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`vmwatch exited before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err.slice(-4000)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${pattern}\nstdout:\n${out}\nstderr:\n${err.slice(-4000)}`));
        }, opts.timeoutMs ?? 60_000);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
  };
}

/** Run the CLI to completion. */
export async function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = startCli(args, options);
  const { code } = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}
