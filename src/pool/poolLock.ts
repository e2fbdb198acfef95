import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PoolError } from '../errors.ts';
import { isAlive } from '../process/childRegistry.ts';
import { homePaths } from '../paths.ts';

/**
 * One vmwatch process per pool name: a pid file under VMWATCH_HOME/pools. A lock whose process is
 * gone is stale: that run crashed, and its machines are orphans to reap.
 */
export class PoolLock {
  readonly file: string;
  #held = false;

  constructor(pool: string) {
    this.file = homePaths.poolLock(pool);
  }

  /** Take the lock; returns true when a crashed run's lock was found (its machines are orphans). */
  acquire(): { staleFromPid: number | null } {
    mkdirSync(path.dirname(this.file), { recursive: true });
    let stale: number | null = null;
    try {
      const pid = Number(readFileSync(this.file, 'utf8').trim());
      if (pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new PoolError(
          `pool is in use by another vmwatch (pid ${pid}). Stop that one, or give this config its own pool.name. Lock: ${this.file}`,
        );
      }
      if (pid > 0 && pid !== process.pid) stale = pid;
    } catch (err) {
      if (err instanceof PoolError) throw err;
    }
    writeFileSync(this.file, `${process.pid}\n`);
    this.#held = true;
    return { staleFromPid: stale };
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    try {
      if (readFileSync(this.file, 'utf8').trim() === String(process.pid)) rmSync(this.file, { force: true });
    } catch {
      // already gone
    }
  }
}
