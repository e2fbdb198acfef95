import type { CaseResult } from '../runners/types.ts';
import type { TestResult } from './types.ts';

/** The first non-blank line of a message, trimmed. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}

export function failedCases(result: Pick<TestResult, 'cases'>): CaseResult[] {
  return (result.cases ?? []).filter((c) => c.status === 'failed');
}

/** `parses url — expected 1 to be 2`: a failing case and the first line of its message. */
export function caseLine(c: CaseResult): string {
  const message = c.failure ? firstLine(c.failure.message) : '';
  return message === '' ? c.name : `${c.name} — ${message}`;
}

/**
 * How a failing test is named where room is short (notifications): `file › case — message` for
 * each failing case the runner reported, else the test id alone.
 */
export function failureLabels(result: Pick<TestResult, 'id' | 'cases'>): string[] {
  const cases = failedCases(result);
  return cases.length === 0 ? [result.id] : cases.map((c) => `${result.id} › ${caseLine(c)}`);
}
