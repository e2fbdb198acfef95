import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeAtomicSync } from '../files/writeAtomic.ts';
import { homePaths } from '../paths.ts';

/**
 * `pool.keepWarm`: the machines a clean shutdown left running, clean and ready, for the next start
 * to adopt. `key` says what they were made from (the snapshot build): a different key means they
 * are stale and get rebuilt. Taking the list deletes it, so a crash never adopts twice.
 */
function warmFile(pool: string): string {
  return homePaths.poolWarm(pool);
}

export function saveWarm(pool: string, key: string, machines: string[]): void {
  const file = warmFile(pool);
  mkdirSync(path.dirname(file), { recursive: true });
  writeAtomicSync(file, `${JSON.stringify({ key, machines, savedAt: new Date().toISOString() })}\n`);
}

export function takeWarm(pool: string, key: string): string[] {
  const file = warmFile(pool);
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { key?: string; machines?: unknown };
    rmSync(file, { force: true });
    return saved.key === key && Array.isArray(saved.machines) ? saved.machines.filter((m): m is string => typeof m === 'string') : [];
  } catch {
    return [];
  }
}
