import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ledger } from './ledger.ts';

test('balances are kept per account', () => {
  const ledger = new Ledger();
  ledger.record('sales', '100.00');
  ledger.record('sales', '0.10');
  ledger.record('rent', '-60');
  assert.equal(ledger.balance('sales'), 10_010);
  assert.equal(ledger.balance('rent'), -6_000);
  assert.equal(ledger.balance('nothing'), 0);
  assert.equal(ledger.total(), 4_010);
  assert.deepEqual(ledger.accounts(), ['rent', 'sales']);
});

test('bad entries are refused', () => {
  const ledger = new Ledger();
  assert.throws(() => ledger.record('', '1.00'), /needs an account/);
  assert.throws(() => ledger.record('sales', '1,00'), /not an amount/);
  assert.equal(ledger.entries().length, 0);
});
