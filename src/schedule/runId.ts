import { mkdir } from 'node:fs/promises';
import path from 'node:path';

function stamp(date: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}-${p(date.getMilliseconds(), 3)}`;
}

/**
 * A new run folder `<into>/<runId>`, created exclusively: a run never reuses, and so never
 * overwrites, an earlier run's folder.
 */
export async function createRunDir(into: string, now = new Date()): Promise<{ runId: string; runDir: string }> {
  await mkdir(into, { recursive: true });
  const base = stamp(now);
  for (let n = 0; ; n++) {
    const runId = n === 0 ? base : `${base}-${n}`;
    const runDir = path.join(into, runId);
    try {
      await mkdir(runDir);
      return { runId, runDir };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Host folder for one test's artifacts; test ids are paths, so they nest, but never escape. */
export function testArtifactsDir(runDir: string, testId: string): string {
  const safe = testId
    .split('/')
    .filter((part) => part !== '' && part !== '.' && part !== '..')
    .map((part) => part.replace(/[^A-Za-z0-9._ -]/g, '_'))
    .join('/');
  return path.join(runDir, safe === '' ? '_' : safe);
}

/** Host folder for one batch (files of one rule run by one runner process): its log, artifacts and runner results. */
export function batchArtifactsDir(runDir: string, n: number): string {
  return path.join(runDir, '.batches', String(n));
}
