import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineUnavailable } from '../fixtures/machine/machineAvailable.mjs';
import { DEFAULT_SETTINGS, type TartDoubleSettings } from '../fixtures/tart/lib/settings.mjs';
import { seedImage as seed } from '../fixtures/tart/seedImage.mjs';
import { requireOrSkip } from './requireOrSkip.ts';

/** The image Cirrus Labs publishes and vmwatch's Tart provider starts from. */
export const BASE_IMAGE = 'ghcr.io/cirruslabs/macos-sequoia-base:latest';

const TART_BIN_DIR = fileURLToPath(new URL('../fixtures/tart/bin', import.meta.url));

type TartFault = 'run-fail' | 'no-ip' | 'freeze' | 'list-fail';

interface TartResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningVm {
  child: ChildProcess;
  /** Resolves when the `tart run` process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logFile: string;
}

export interface TartDouble {
  /** $TART_HOME of this double (a fresh temp folder). */
  home: string;
  /** Put first on PATH so `tart` is the double. */
  binDir: string;
  /** process.env with PATH (binDir first) and TART_HOME set. */
  env: NodeJS.ProcessEnv;
  /** Seeds an image (default BASE_IMAGE into the OCI cache; a plain name makes a local VM). */
  seedImage(name?: string): string;
  /** Changes settings (maxRunning, bootDelayMs, resumeDelayMs, leaseSeconds) from now on. */
  configure(settings: Partial<TartDoubleSettings>): void;
  /** Sets a fault for every VM, or for `vm` only; `message` is run-fail's error text. */
  setFault(fault: TartFault, options?: { vm?: string; message?: string }): void;
  clearFault(fault: TartFault, vm?: string): void;
  /** Runs `tart <args>` with this double's env. */
  tart(args: string[], options?: { timeoutMs?: number }): Promise<TartResult>;
  /** Starts `tart run <name> --no-graphics …` in the background (detached, output to a log), as tools do. */
  run(name: string, extraArgs?: string[]): RunningVm;
  /** Stops every VM (tart stop), then removes the home. Safe to call twice. */
  cleanup(): Promise<void>;
}

let cachedReason: string | null | undefined;

/**
 * Why the Tart double (and tests that ssh/rsync into its VMs) cannot run here:
 * not Linux or root, no sshd, bwrap, nsenter, ssh or rsync; or null.
 */
export function tartAvailable(): string | null {
  if (cachedReason !== undefined) return requireOrSkip('Tart double tests', cachedReason);
  cachedReason = machineUnavailable();
  if (cachedReason === null && spawnSync('ssh', ['-V']).error) cachedReason = 'no ssh client (apt-get install openssh-client)';
  if (cachedReason === null && spawnSync('rsync', ['--version']).error) cachedReason = 'no rsync (apt-get install rsync)';
  if (cachedReason !== null) console.warn(`[vmwatch tests] skipping Tart double tests: ${cachedReason}`);
  return requireOrSkip('Tart double tests', cachedReason);
}

function runTart(env: NodeJS.ProcessEnv, args: string[], timeoutMs = 60_000): Promise<TartResult> {
  return new Promise((resolve) => {
    execFile(path.join(TART_BIN_DIR, 'tart'), args, { env, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * A Tart double in its own TART_HOME: the `tart` CLI in test/fixtures/tart/bin, whose VMs are
 * Linux namespaces with a real sshd on 127.0.0.N:22. See test/fixtures/tart/README.md.
 */
export function startTartDouble(options: Partial<TartDoubleSettings> = {}): TartDouble {
  const home = mkdtempSync(path.join(tmpdir(), 'vmwatch-tart-home-'));
  const doubleDir = path.join(home, 'double');
  mkdirSync(path.join(doubleDir, 'faults'), { recursive: true });
  let settings: TartDoubleSettings = { ...DEFAULT_SETTINGS, ...options };
  const writeSettings = (): void => writeFileSync(path.join(doubleDir, 'settings.json'), JSON.stringify(settings));
  writeSettings();
  const env = { ...process.env, TART_HOME: home, PATH: `${TART_BIN_DIR}${path.delimiter}${process.env.PATH ?? ''}` };
  const faultFile = (fault: TartFault, vm?: string): string => path.join(doubleDir, 'faults', vm ? `${fault}.${vm}` : fault);
  let cleaned: Promise<void> | undefined;
  const double: TartDouble = {
    home,
    binDir: TART_BIN_DIR,
    env,
    seedImage: (name = BASE_IMAGE) => seed(home, name),
    configure(patch) {
      settings = { ...settings, ...patch };
      writeSettings();
    },
    setFault: (fault, opts = {}) => writeFileSync(faultFile(fault, opts.vm), opts.message ?? ''),
    clearFault: (fault, vm) => rmSync(faultFile(fault, vm), { force: true }),
    tart: (args, opts = {}) => runTart(env, args, opts.timeoutMs),
    run(name, extraArgs = ['--no-graphics']) {
      const logFile = path.join(home, `run-${name}-${Date.now()}.log`);
      const fd = openSync(logFile, 'a');
      const child = spawn(path.join(TART_BIN_DIR, 'tart'), ['run', name, ...extraArgs], { env, detached: true, stdio: ['ignore', fd, fd] });
      closeSync(fd);
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      return { child, exited, logFile };
    },
    cleanup() {
      cleaned ??= (async () => {
        const list = await runTart(env, ['list', '--source', 'local', '--format', 'json']);
        const vms = list.code === 0 ? (JSON.parse(list.stdout) as Array<{ Name: string; Running: boolean }>) : [];
        await Promise.all(vms.filter((vm) => vm.Running).map((vm) => runTart(env, ['stop', vm.Name, '--timeout', '5'])));
        rmSync(home, { recursive: true, force: true });
      })();
      return cleaned;
    },
  };
  return double;
}
