import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport, demoLedger, renderText } from './report.ts';

test('the demo report sums every account', () => {
  const report = buildReport(demoLedger());
  assert.deepEqual(
    report.accounts.map((a) => [a.account, a.entries, a.formatted]),
    [
      ['coffee', 2, '-€15.50'],
      ['rent', 1, '-€800.00'],
      ['sales', 2, '€1,549.99'],
    ],
  );
  assert.equal(report.total, 73_449);
  assert.equal(report.formattedTotal, '€734.49');
});

test('the text report ends with the total', () => {
  const text = renderText(buildReport(demoLedger()));
  assert.match(text, /^total\s+€734\.49\n$/m);
  assert.equal(text.trimEnd().split('\n').length, 5);
});
