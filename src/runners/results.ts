import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CaseFailure, CaseResult, FileResult } from './types.ts';

/** Separator between describe blocks (or classes) and the test in CaseResult.name. */
export const NAME_SEPARATOR = ' › ';

export function firstLine(text: string): string {
  return text.trimStart().split('\n', 1)[0]!.trimEnd();
}

/**
 * The batch file that `reported` (a path as the runner printed it: absolute inside the machine,
 * or relative) names: equal, or ending in `/<file>`. The longest match wins, so `a/b.test.ts`
 * beats `b.test.ts`. Undefined when it is not one of the batch's files.
 */
export function batchFileFor(reported: string, files: readonly string[]): string | undefined {
  const normal = path.posix.normalize(reported.replace(/\\/g, '/'));
  let best: string | undefined;
  for (const file of files) {
    const f = path.posix.normalize(file);
    if ((normal === f || normal.endsWith(`/${f}`)) && (best === undefined || f.length > best.length)) best = file;
  }
  return best;
}

/**
 * Where a failure happened, from a stack trace or a runner's report: a `path:line` that names
 * `file` (absolute, file:// URL or relative) — the first one (JS stacks: innermost first), or the
 * last (Python tracebacks: innermost last). Undefined when the text does not mention it.
 */
function locationIn(text: string, file: string, which: 'first' | 'last' = 'first'): CaseFailure['location'] {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const matches = [...text.matchAll(new RegExp(`(?:^|[\\s(/"])${escaped}"?(?::|, line )(\\d+)`, 'gm'))];
  const match = which === 'first' ? matches[0] : matches.at(-1);
  return match ? { file, line: Number(match[1]) } : undefined;
}

/** A case's failure from a runner's message text: first line as message, the whole text as stack. */
export function failureFrom(text: string, file: string, message?: string, which: 'first' | 'last' = 'first'): CaseFailure {
  const location = locationIn(text, file, which);
  return {
    message: message !== undefined && message.trim() !== '' ? message : firstLine(text) || 'failed',
    ...(text.trim() === '' ? {} : { stack: text }),
    ...(location ? { location } : {}),
  };
}

/** A file's result from its cases: failed when a case failed or the file itself errored. */
export function fileResultOf(file: string, cases: CaseResult[], durationMs?: number, error?: string): FileResult {
  const failed = error !== undefined || cases.some((c) => c.status === 'failed');
  return {
    file,
    status: failed ? 'failed' : 'passed',
    durationMs: durationMs ?? cases.reduce((sum, c) => sum + c.durationMs, 0),
    cases,
    ...(error === undefined ? {} : { error }),
  };
}

/**
 * The records of a JSON-lines results file a runner appends one line to per finished file;
 * undefined when there is no file (the runner did not get that far). A line that is not JSON
 * (empty, or cut off by a crash) is skipped.
 */
export async function readJsonLines(file: string): Promise<unknown[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const records: unknown[] = [];
  for (const line of text.split('\n')) {
    try {
      records.push(JSON.parse(line));
    } catch {
      // empty, or cut off by a crash
    }
  }
  return records;
}
