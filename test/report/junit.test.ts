import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { junitXml } from '../../src/report/junit.ts';
import type { RunSummary, TestResult } from '../../src/report/types.ts';

/** Parse with a real XML parser (Python's ElementTree) and return what a CI tool would read. */
function parse(xml: string): {
  suites: Record<string, string>;
  cases: Array<{ attrs: Record<string, string>; outcome: string | null; message: string | null; text: string; out: string }>;
} {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
cases = []
for c in root.iter('testcase'):
    o = next((e for e in c if e.tag in ('failure', 'error', 'skipped')), None)
    cases.append({'attrs': c.attrib, 'outcome': o.tag if o is not None else None,
                  'message': o.get('message') if o is not None else None,
                  'text': (o.text or '') if o is not None else '', 'out': c.find('system-out').text})
print(json.dumps({'suites': root.attrib, 'cases': cases}))
`;
  return JSON.parse(execFileSync('python3', ['-c', script], { input: xml }).toString());
}

describe('junitXml', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one testcase per test with failure, error and skipped as JUnit has them, escaping the log', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-junit-'));
    const result = (id: string, status: TestResult['status'], extra: Partial<TestResult> = {}): TestResult => {
      const artifactsDir = path.join(dir, id.replace(/\//g, '_'));
      mkdirSync(artifactsDir, { recursive: true });
      return {
        id,
        status,
        exitCode: status === 'passed' ? 0 : 1,
        durationMs: 1234,
        vm: 'vmwatch-demo-1',
        reasons: ['changed src/a.ts'],
        artifactsDir,
        ...extra,
      };
    };
    const failed = result('src/a & b.test.ts', 'failed');
    writeFileSync(
      path.join(failed.artifactsDir, 'output.log'),
      `${'noise\n'.repeat(100)}expected <1> & got "2"\u0007\nAssertionError at line 3\n`,
    );
    const summary: RunSummary = {
      runId: '2026-11-26T12-00-00-000Z',
      startedAt: '2026-11-26T12:00:00.000Z',
      finishedAt: '2026-11-26T12:00:05.500Z',
      changedFiles: ['src/a.ts'],
      tests: [
        result('tests/test_ok.py', 'passed'),
        failed,
        result('slow', 'timedout'),
        result('broken', 'error', { error: 'rsync failed <exit 12>' }),
        result('gone', 'cancelled'),
      ],
      passed: 1,
      failed: 3,
    };
    const parsed = parse(await junitXml(summary));
    expect(parsed.suites).toMatchObject({ name: 'vmwatch', tests: '5', failures: '1', errors: '2', skipped: '1', time: '5.500' });
    const byName = Object.fromEntries(parsed.cases.map((c) => [c.attrs.name, c]));
    expect(Object.keys(byName)).toEqual(['tests/test_ok.py', 'src/a & b.test.ts', 'slow', 'broken', 'gone']);
    expect(byName['tests/test_ok.py']).toMatchObject({ outcome: null, attrs: { time: '1.234' } });
    expect(byName['src/a & b.test.ts']).toMatchObject({ outcome: 'failure', message: 'exit code 1' });
    expect(byName['src/a & b.test.ts']!.text).toContain('expected <1> & got "2"\nAssertionError at line 3');
    expect(byName['src/a & b.test.ts']!.text.split('\n').length).toBeLessThanOrEqual(61);
    expect(byName['slow']!.outcome).toBe('error');
    expect(byName['broken']).toMatchObject({ outcome: 'error', message: 'rsync failed <exit 12>' });
    expect(byName['gone']).toMatchObject({ outcome: 'skipped', message: 'cancelled' });
    expect(byName['gone']!.out).toContain(path.join(dir, 'gone', 'output.log'));
  });
});

describe('junitXml with cases', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one testcase per case the runner reported, named within its file, and counts cases', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-junit-'));
    const base = { exitCode: 1, durationMs: 900, vm: 'm-1', reasons: ['changed'], artifactsDir: dir };
    const summary: RunSummary = {
      runId: 'r1',
      startedAt: '2026-11-26T12:00:00.000Z',
      finishedAt: '2026-11-26T12:00:01.000Z',
      changedFiles: [],
      passed: 0,
      failed: 1,
      tests: [
        {
          ...base,
          id: 'src/utils.test.ts',
          status: 'failed',
          cases: [
            {
              name: 'url › parses url',
              status: 'failed',
              durationMs: 12,
              failure: {
                message: 'expected 1 to be 2\n\n- Expected\n+ Received',
                stack: 'AssertionError: expected 1 to be 2\n    at src/utils.test.ts:7:5',
                location: { file: 'src/utils.test.ts', line: 7 },
              },
            },
            { name: 'url › keeps <query> & hash', status: 'passed', durationMs: 3 },
            { name: 'later', status: 'todo', durationMs: 0 },
          ],
        },
      ],
    };
    const { suites, cases } = parse(await junitXml(summary));
    expect(suites).toMatchObject({ tests: '3', failures: '1', errors: '0', skipped: '1' });
    expect(cases.map((c) => [c.attrs['classname'], c.attrs['name'], c.outcome, c.message])).toEqual([
      ['src/utils.test.ts', 'url › parses url', 'failure', 'expected 1 to be 2'],
      ['src/utils.test.ts', 'url › keeps <query> & hash', null, null],
      ['src/utils.test.ts', 'later', 'skipped', 'todo'],
    ]);
    expect(cases[0]!.text).toContain('at src/utils.test.ts:7');
  });
});
