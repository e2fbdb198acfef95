import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isAlive, killGroup, registerGroup, unregisterGroup } from '../../process/childRegistry.ts';
import { requireTool } from '../../process/tools.ts';
import { tartEnv } from './tartCli.ts';

/**
 * One `tart run NAME --no-graphics`, which blocks for as long as the VM runs: started detached in
 * its own process group with its output in a log file, and owned (a vmwatch exit kills it, which
 * stops the VM).
 */
export class TartRunProcess {
  readonly name: string;
  readonly logFile: string;
  readonly pid: number;
  /** Resolves with the exit code when `tart run` ends (the VM stopped, or never started). */
  readonly exited: Promise<number | null>;
  #exitCode: number | null | undefined;

  constructor(name: string, logFile: string, flags: string[], options: { owned?: boolean } = {}) {
    this.name = name;
    this.logFile = logFile;
    mkdirSync(path.dirname(logFile), { recursive: true });
    const fd = openSync(logFile, 'a');
    try {
      const child = spawn(requireTool('tart'), ['run', name, '--no-graphics', ...flags], {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: tartEnv(),
      });
      if (child.pid === undefined) throw new Error(`could not start 'tart run ${name}'`);
      this.pid = child.pid;
      // Owned: a vmwatch exit stops the VM. Not owned (keepWarm): it runs on until `tart stop`.
      if (options.owned !== false) registerGroup(this.pid);
      else child.unref();
      this.exited = new Promise((resolve) => {
        child.on('exit', (code) => {
          this.#exitCode = code;
          unregisterGroup(this.pid);
          resolve(code);
        });
      });
    } finally {
      closeSync(fd);
    }
  }

  get running(): boolean {
    return this.#exitCode === undefined && isAlive(this.pid);
  }

  /** The last lines Tart wrote, for error messages. */
  tail(lines = 5): string {
    try {
      return readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join(' | ');
    } catch {
      return '';
    }
  }

  /** SIGINT (Tart's graceful stop), then SIGKILL to the group after `graceMs`. */
  async kill(graceMs = 10_000): Promise<void> {
    if (this.#exitCode !== undefined) return;
    killGroup(this.pid, 'SIGINT');
    const timer = setTimeout(() => killGroup(this.pid, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
