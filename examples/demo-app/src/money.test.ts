import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCents, split, sum, toCents } from './money.ts';

test('toCents parses whole, decimal and negative amounts', () => {
  assert.equal(toCents('7'), 700);
  assert.equal(toCents('12.34'), 1234);
  assert.equal(toCents('0.5'), 50);
  assert.equal(toCents('-3.10'), -310);
  assert.throws(() => toCents('1.234'), /not an amount/);
  assert.throws(() => toCents('abc'), /not an amount/);
});

test('formatCents adds the symbol, thousands separators and the sign', () => {
  assert.equal(formatCents(123450), '€1,234.50');
  assert.equal(formatCents(-5), '-€0.05');
  assert.equal(formatCents(0, '$'), '$0.00');
});

test('split shares add up exactly', () => {
  assert.deepEqual(split(1000, 3), [334, 333, 333]);
  assert.deepEqual(split(-1000, 3), [-334, -333, -333]);
  assert.equal(sum(split(99_999, 7)), 99_999);
  assert.throws(() => split(100, 0), /cannot split/);
});
