import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeAtomicSync } from '../files/writeAtomic.ts';
import { homePaths } from '../paths.ts';
import type { SlotStatus } from './types.ts';

export function poolStatusFile(pool: string): string {
  return homePaths.poolStatus(pool);
}

/** The running pool's state for `vmwatch pool status` in another terminal (atomic write). */
export function writePoolStatus(pool: string, slots: SlotStatus[]): void {
  const file = poolStatusFile(pool);
  mkdirSync(path.dirname(file), { recursive: true });
  writeAtomicSync(file, `${JSON.stringify({ pid: process.pid, updatedAt: new Date().toISOString(), slots }, null, 2)}\n`);
}
