import { constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { firstLine } from './failedCases.ts';
import type { RunSummary, TestResult } from './types.ts';

const OUTPUT_TAIL_LINES = 60;

/** XML 1.0 text: escaped, and without the control characters XML cannot hold. */
function xmlText(text: string): string {
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

/** One <testcase> per case the runner reported, named `case` within the test (`classname`). */
function caseElements(result: TestResult): Array<{ xml: string; kind: CaseKind }> {
  const systemOut = xmlText(`machine: ${result.vm ?? 'none'}\nlog: ${path.join(result.artifactsDir, 'output.log')}`);
  const out = `      <system-out>${systemOut}</system-out>\n`;
  return (result.cases ?? []).map((c) => {
    const open = `    <testcase name="${xmlText(c.name)}" classname="${xmlText(result.id)}" time="${(c.durationMs / 1000).toFixed(3)}">\n`;
    const close = `${out}    </testcase>\n`;
    if (c.status === 'passed') return { xml: open + close, kind: 'passed' };
    if (c.status !== 'failed') return { xml: `${open}      <skipped message="${c.status}"/>\n${close}`, kind: 'skipped' };
    const message = c.failure?.message ?? 'failed';
    const where = c.failure?.location ? `\nat ${c.failure.location.file}:${c.failure.location.line}` : '';
    const body = xmlText(`${c.failure?.stack ?? message}${where}`);
    return {
      xml: `${open}      <failure message="${xmlText(firstLine(message))}" type="failed">${body}</failure>\n${close}`,
      kind: 'failure',
    };
  });
}

type CaseKind = 'passed' | 'failure' | 'error' | 'skipped';

function kindOf(result: TestResult): CaseKind {
  if (result.status === 'failed') return 'failure';
  if (result.status === 'error' || result.status === 'timedout') return 'error';
  return result.status === 'cancelled' ? 'skipped' : 'passed';
}

/**
 * The run as JUnit XML (the de-facto schema CI tools and editors read): one testsuite per run;
 * one testcase per case where the runner reported cases (classname = the test file), else one per
 * test, with the tail of its output.log in the failure and the log's path in system-out.
 */
export async function junitXml(summary: RunSummary): Promise<string> {
  const seconds = (Date.parse(summary.finishedAt) - Date.parse(summary.startedAt)) / 1000;
  const entries = await Promise.all(
    summary.tests.map(async (r) => {
      const cases = caseElements(r);
      // A file whose runner reported cases is those cases, unless it failed outside any case (load error).
      if (cases.length > 0 && !(r.status !== 'passed' && cases.every((c) => c.kind !== 'failure'))) return cases;
      const tail =
        r.status === 'passed' || r.status === 'cancelled'
          ? ''
          : await outputTail(r, r.status === 'flaky' ? 'output.attempt-1.log' : 'output.log');
      const xml =
        `    <testcase name="${xmlText(r.id)}" classname="vmwatch" time="${(r.durationMs / 1000).toFixed(3)}">\n` +
        outcomeElement(r, r.error && r.status === 'failed' ? `${r.error}\n${tail}` : tail) +
        `      <system-out>${xmlText(
          `machine: ${r.vm ?? 'none'}\nreasons: ${r.reasons.join('; ')}\nlog: ${path.join(r.artifactsDir, 'output.log')}`,
        )}</system-out>\n` +
        `    </testcase>\n`;
      return [...cases, { xml, kind: kindOf(r) }];
    }),
  );
  const all = entries.flat();
  const count = (kind: CaseKind): number => all.filter((e) => e.kind === kind).length;
  const counts =
    `tests="${all.length}" failures="${count('failure')}" errors="${count('error')}" ` +
    `skipped="${count('skipped')}" time="${seconds.toFixed(3)}"`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="vmwatch" ${counts}>\n` +
    `  <testsuite name="vmwatch run ${xmlText(summary.runId)}" ${counts} timestamp="${summary.startedAt}">\n` +
    all.map((e) => e.xml).join('') +
    `  </testsuite>\n` +
    `</testsuites>\n`
  );
}
