import { describe, expect, it } from 'vitest';
import { parseJUnit } from '../../src/runners/junitXml.ts';

describe('parseJUnit', () => {
  it('reads nested suites, statuses, entities, CDATA and attributes', () => {
    const xml = `<?xml version="1.0"?>
<testsuites><!-- a comment -->
  <testsuite name="outer"><testsuite name="inner">
    <testcase name="a &amp; b" classname="x.y" file="t/x.py" line="3" time="0.25"/>
    <testcase name="fails" time="1"><failure message="line one&#10;line two"><![CDATA[trace <here>]]></failure></testcase>
    <testcase name="breaks"><error message="setup">boom</error></testcase>
    <testcase name="skip"><skipped/></testcase>
    <testcase name="later"><skipped type="todo" message="true"/></testcase>
  </testsuite></testsuite>
</testsuites>`;
    const cases = parseJUnit(xml);
    expect(cases.map((c) => [c.name, c.status, c.suites.join('/')])).toEqual([
      ['a & b', 'passed', 'outer/inner'],
      ['fails', 'failed', 'outer/inner'],
      ['breaks', 'failed', 'outer/inner'],
      ['skip', 'skipped', 'outer/inner'],
      ['later', 'todo', 'outer/inner'],
    ]);
    expect(cases[0]).toMatchObject({ classname: 'x.y', file: 't/x.py', line: 3, durationMs: 250 });
    expect(cases[1]!.problem).toEqual({ kind: 'failure', message: 'line one\nline two', text: 'trace <here>' });
    expect(cases[2]!.problem).toEqual({ kind: 'error', message: 'setup', text: 'boom' });
  });

  it('rejects a report cut off by a crash', () => {
    expect(() => parseJUnit('<testsuites><testsuite name="s"><testcase name="a"/>')).toThrow(/not well-formed/);
  });
});
