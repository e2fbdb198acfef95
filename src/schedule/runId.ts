import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

function stamp(date: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const day = `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}`;
  const time = `${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
  return `${day}-${time}-${p(date.getMilliseconds(), 3)}`;
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

/** Run-root entries vmwatch writes itself; tests live under TESTS_DIR, so no test folder can be one of them. */
const TESTS_DIR = 'tests';

const LONGEST_NAME = 200;

/**
 * A test id as one folder name, reversibly and without collisions (testIdOfFolder undoes it):
 * letters, digits, `_`, `-` and `.` (but not a leading one) stay; an upper-case letter gets a `^`
 * before it, so two ids differing in case never share a folder on a case-insensitive disk;
 * everything else, `/` included, is `%XX` per UTF-8 byte (`%uXXXX` for a lone surrogate), so `x`
 * and `../x`, `ü` and `u` + combining diaeresis, `a` and `a/b` all get different folders, and
 * `.`/`..` cannot occur. A name longer than 200 characters is cut and ends in `~` and a hash of
 * the id (no longer reversible, still unique).
 */
export function testFolderName(testId: string): string {
  if (testId === '') return '%';
  let name = '';
  for (const ch of testId) {
    const code = ch.codePointAt(0)!;
    if (/[a-z0-9_-]/.test(ch) || (ch === '.' && name !== '')) name += ch;
    else if (/[A-Z]/.test(ch)) name += `^${ch}`;
    else if (code >= 0xd800 && code <= 0xdfff) name += `%u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else for (const byte of Buffer.from(ch, 'utf8')) name += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (name.length <= LONGEST_NAME) return name;
  return `${name.slice(0, LONGEST_NAME - 34)}~${createHash('sha256').update(testId).digest('hex').slice(0, 32)}`;
}

/** The test id a folder name stands for (null for a hashed long name, or one testFolderName never makes). */
export function testIdOfFolder(name: string): string | null {
  if (name === '%') return '';
  if (name.includes('~')) return null;
  const units: number[] = [];
  let bytes: number[] = [];
  const flush = (): void => {
    const text = Buffer.from(bytes).toString('utf8');
    for (let j = 0; j < text.length; j++) units.push(text.charCodeAt(j));
    bytes = [];
  };
  for (let i = 0; i < name.length; ) {
    if (name.startsWith('%u', i)) {
      flush();
      units.push(Number.parseInt(name.slice(i + 2, i + 6), 16));
      i += 6;
    } else if (name[i] === '%') {
      bytes.push(Number.parseInt(name.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      flush();
      if (name[i] === '^') i++;
      units.push(name.charCodeAt(i));
      i++;
    }
  }
  flush();
  const id = String.fromCharCode(...units);
  return testFolderName(id) === name ? id : null;
}

/** Host folder for one test's artifacts: `<runDir>/tests/<testFolderName(id)>`. */
export function testArtifactsDir(runDir: string, testId: string): string {
  return path.join(runDir, TESTS_DIR, testFolderName(testId));
}

/** Host folder for one batch (files of one rule run by one runner process): its log, artifacts and runner results. */
export function batchArtifactsDir(runDir: string, n: number): string {
  return path.join(runDir, 'batches', String(n));
}
