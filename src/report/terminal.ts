import { basename, dirname, isAbsolute, relative } from 'node:path';
import { caseLine, failedCases, firstLine } from './failedCases.ts';
import { shownText } from './shownText.ts';
import type { RunSummary, TestResult, TestStatus } from './types.ts';

export interface FormatOptions {
  /** ANSI colors (plain escape codes); off unless asked for. */
  color?: boolean;
}

type Color = 'green' | 'red' | 'yellow' | 'dim' | 'bold';

const ANSI: Record<Color, [open: string, close: string]> = {
  green: ['\x1b[32m', '\x1b[39m'],
  red: ['\x1b[31m', '\x1b[39m'],
  yellow: ['\x1b[33m', '\x1b[39m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  bold: ['\x1b[1m', '\x1b[22m'],
};

/** Symbol, word and color per status, in the order counts are listed. */
const STATUS: Record<TestStatus, { symbol: string; word: string; color: Color }> = {
  passed: { symbol: '✓', word: 'passed', color: 'green' },
  failed: { symbol: '✗', word: 'failed', color: 'red' },
  error: { symbol: '!', word: 'error', color: 'red' },
  timedout: { symbol: '✗', word: 'timed out', color: 'red' },
  cancelled: { symbol: '-', word: 'cancelled', color: 'yellow' },
  flaky: { symbol: '~', word: 'flaky', color: 'yellow' },
};

function paint(text: string, color: Color, options: FormatOptions): string {
  if (!options.color) return text;
  const [open, close] = ANSI[color];
  return `${open}${text}${close}`;
}

/** `0.8s`, `12.3s`, `2m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (ms < 59_950) return `${(Math.max(ms, 0) / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/**
 * One line per finished test: `✓ passed  src/money.test.ts  0.8s  [vmwatch-demo-1]`, and under a
 * failed one, a line per failing case with the first line of its message.
 */
export function formatTestLine(result: TestResult, options: FormatOptions = {}): string {
  const status = STATUS[result.status];
  const parts = [
    paint(`${status.symbol} ${status.word}`, status.color, options),
    shownText(result.id),
    paint(formatDuration(result.durationMs), 'dim', options),
  ];
  if (result.vm !== null) parts.push(paint(`[${result.vm}]`, 'dim', options));
  if (result.status === 'error' && result.error) parts.push(paint(shownText(firstLine(result.error)), 'red', options));
  const lines = [parts.join('  ')];
  const cases = failedCases(result);
  for (const c of cases.slice(0, MAX_CASE_LINES)) lines.push(`    ${paint('✗', 'red', options)} ${shownText(caseLine(c))}`);
  if (cases.length > MAX_CASE_LINES) lines.push(paint(`    and ${cases.length - MAX_CASE_LINES} more failing case(s)`, 'dim', options));
  if (result.status === 'failed' && cases.length === 0 && result.error)
    lines.push(`    ${paint(shownText(firstLine(result.error)), 'red', options)}`);
  return lines.join('\n');
}

/** Failing cases listed under a failed test's line; the rest are counted. */
const MAX_CASE_LINES = 5;

export interface SummaryFormatOptions extends FormatOptions {
  /** Paths in the hint are shown relative to this when inside it (default: process.cwd()). */
  cwd?: string;
}

/** `✗ 5 tests: 3 passed, 1 failed, 1 timed out in 12.3s · details: test-runs/<runId>` */
export function formatRunSummary(summary: RunSummary, options: SummaryFormatOptions = {}): string {
  const total = summary.tests.length;
  if (total === 0) return paint('no tests ran', 'dim', options);
  const counts = (Object.keys(STATUS) as TestStatus[])
    .map((status) => [status, summary.tests.filter((test) => test.status === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => paint(`${count} ${STATUS[status].word}`, STATUS[status].color, options));
  const head = paint(...overall(summary), options);
  const elapsed = Date.parse(summary.finishedAt) - Date.parse(summary.startedAt);
  let line = `${head} ${total} ${total === 1 ? 'test' : 'tests'}: ${counts.join(', ')}`;
  if (Number.isFinite(elapsed)) line += ` in ${formatDuration(elapsed)}`;
  const runDir = findRunDir(summary);
  if (runDir !== null) line += paint(` · details: ${displayPath(runDir, options.cwd ?? process.cwd())}`, 'dim', options);
  return line;
}

/** ✗ if anything failed, - if something was cancelled, ✓ if all passed. */
function overall(summary: RunSummary): [string, Color] {
  const statuses = new Set(summary.tests.map((test) => test.status));
  if (statuses.has('failed') || statuses.has('error') || statuses.has('timedout')) return ['✗', 'red'];
  if (statuses.has('flaky')) return ['~', 'yellow'];
  return statuses.has('cancelled') ? ['-', 'yellow'] : ['✓', 'green'];
}

/** `<into>/<runId>`, read off a test's `artifactsDir` (`<into>/<runId>/tests/<folder>/`). */
function findRunDir(summary: RunSummary): string | null {
  const dir = summary.tests[0]?.artifactsDir;
  if (dir === undefined) return null;
  const runDir = dirname(dirname(dir));
  return basename(runDir) === summary.runId ? runDir : null;
}

function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
