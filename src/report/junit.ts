import { constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunSummary, TestResult } from './types.ts';

const OUTPUT_TAIL_LINES = 60;

/** XML 1.0 text: escaped, and without the control characters XML cannot hold. */
export function xmlText(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

async function outputTail(result: TestResult, log: string): Promise<string> {
  try {
    // Never through a link: the tail ends up in junit.xml.
    const text = await readFile(path.join(result.artifactsDir, log), { encoding: 'utf8', flag: constants.O_RDONLY | constants.O_NOFOLLOW });
    return text.split('\n').slice(-OUTPUT_TAIL_LINES).join('\n');
  } catch {
    return '';
  }
}

/** The element that says how a test that did not pass ended (JUnit's failure/error/skipped). */
function outcomeElement(result: TestResult, tail: string): string {
  const body = xmlText(tail);
  switch (result.status) {
    case 'passed':
      return '';
    case 'flaky':
      // Passed in the end (Surefire's convention: a passing testcase that records its flaky failure).
      return `      <flakyFailure message="failed, then passed on retry" type="flaky">${body}</flakyFailure>\n`;
    case 'failed':
      return `      <failure message="exit code ${result.exitCode}" type="failed">${body}</failure>\n`;
    case 'timedout':
      return `      <error message="timed out after ${(result.durationMs / 1000).toFixed(1)}s" type="timedout">${body}</error>\n`;
    case 'error':
      return `      <error message="${xmlText(result.error ?? 'machine error')}" type="error">${body}</error>\n`;
    case 'cancelled':
      return `      <skipped message="cancelled"/>\n`;
  }
}

/**
 * The run as JUnit XML (the de-facto schema CI tools and editors read): one testsuite per run,
 * one testcase per test, the tail of its output.log in the failure, the log's path in system-out.
 */
export async function junitXml(summary: RunSummary): Promise<string> {
  const t = summary.tests;
  const count = (pred: (r: TestResult) => boolean): number => t.filter(pred).length;
  const seconds = (Date.parse(summary.finishedAt) - Date.parse(summary.startedAt)) / 1000;
  const cases = await Promise.all(
    t.map(async (r) => {
      const tail = r.status === 'passed' || r.status === 'cancelled' ? '' : await outputTail(r, r.status === 'flaky' ? 'output.attempt-1.log' : 'output.log');
      return (
        `    <testcase name="${xmlText(r.id)}" classname="vmwatch" time="${(r.durationMs / 1000).toFixed(3)}">\n` +
        outcomeElement(r, tail) +
        `      <system-out>${xmlText(`machine: ${r.vm ?? 'none'}\nreasons: ${r.reasons.join('; ')}\nlog: ${path.join(r.artifactsDir, 'output.log')}`)}</system-out>\n` +
        `    </testcase>\n`
      );
    }),
  );
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="vmwatch" tests="${t.length}" failures="${count((r) => r.status === 'failed')}" errors="${count((r) => r.status === 'error' || r.status === 'timedout')}" skipped="${count((r) => r.status === 'cancelled')}" time="${seconds.toFixed(3)}">\n` +
    `  <testsuite name="vmwatch run ${xmlText(summary.runId)}" tests="${t.length}" failures="${count((r) => r.status === 'failed')}" errors="${count((r) => r.status === 'error' || r.status === 'timedout')}" skipped="${count((r) => r.status === 'cancelled')}" time="${seconds.toFixed(3)}" timestamp="${summary.startedAt}">\n` +
    cases.join('') +
    `  </testsuite>\n` +
    `</testsuites>\n`
  );
}
