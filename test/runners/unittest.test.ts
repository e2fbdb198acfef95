import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unittestAdapter } from '../../src/runners/unittest.ts';
import { RunnerMachine, statuses } from '../helpers/runnerMachine.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';

const rule = { runner: 'unittest' as const, python: '/usr/bin/python3' };

const FILES: Record<string, string> = {
  'tests/test_money.py': [
    'import unittest',
    'from tests.helpers import double',
    '',
    'class TestCents(unittest.TestCase):',
    '    def test_parses(self):',
    '        self.assertEqual(double(1), 2)',
    '',
    '    def test_rounds(self):',
    '        self.assertEqual(double(1), 3, "rounding is off")',
    '',
    '    @unittest.skip("not now")',
    '    def test_later(self):',
    '        pass',
    '',
    'class TestErrors(unittest.TestCase):',
    '    def test_raises(self):',
    '        raise RuntimeError("boom")',
    '',
  ].join('\n'),
  'tests/helpers.py': 'def double(x):\n    return 2 * x\n',
  'tests/test_broken.py': 'import no_such_module\n',
  // A hostile test: closes the runner's sys.stdout.
  'tests/test_closes_stdout.py':
    'import sys, unittest\n\nclass T(unittest.TestCase):\n    def test_close(self):\n        sys.stdout.close()\n',
  'tests/-x_test.py': 'import unittest\n\nclass TestDash(unittest.TestCase):\n    def test_dash(self):\n        pass\n',
  'tests/test_exits.py': 'import os, unittest\n\nclass TestExit(unittest.TestCase):\n    def test_exits(self):\n        os._exit(1)\n',
};

describe.skipIf(sandboxUnavailable() !== null)('unittest adapter, real unittest in a sandbox machine', () => {
  let machine: RunnerMachine;
  beforeAll(async () => {
    machine = new RunnerMachine(FILES);
    await machine.start();
  });
  afterAll(async () => machine.stop());

  it('reports each case as Class › method, failures with message and line, an import error to its file', async () => {
    const run = await machine.run(unittestAdapter, rule, ['tests/test_money.py', 'tests/test_broken.py', 'tests/-x_test.py']);
    expect(run.command).toMatch(
      new RegExp(
        "^\\/usr\\/bin\\/python3 -c '.*' test-runs\\/batch-1\\/unittest\\.jsonl '\\[\\]' \\.\\/tests\\/test_money\\.py \\." +
          '\\/tests\\/test_broken\\.py \\.\\/tests\\/-x_test\\.py$',
        's',
      ),
    );
    expect(run.exitCode).toBe(1);
    expect(run.progress).toEqual(
      ['tests/test_money.py', 'tests/test_broken.py', 'tests/-x_test.py'].flatMap((f) => [`started ${f}`, `finished ${f}`]),
    );
    const money = run.results.get('tests/test_money.py')!;
    expect(money.status).toBe('failed');
    expect(statuses(money)).toEqual({
      'TestCents › test_parses': 'passed',
      'TestCents › test_rounds': 'failed',
      'TestCents › test_later': 'skipped',
      'TestErrors › test_raises': 'failed',
    });
    const rounds = money.cases.find((c) => c.name === 'TestCents › test_rounds')!.failure!;
    expect(rounds.message).toBe('AssertionError: 2 != 3 : rounding is off');
    expect(rounds.location).toEqual({ file: 'tests/test_money.py', line: 9 });
    expect(money.cases.find((c) => c.name === 'TestErrors › test_raises')!.failure).toMatchObject({
      message: 'RuntimeError: boom',
      location: { line: 17 },
    });
    const broken = run.results.get('tests/test_broken.py')!;
    expect(broken).toMatchObject({ status: 'failed', cases: [] });
    expect(broken.error!.split('\n')[0]).toBe("ModuleNotFoundError: No module named 'no_such_module'");
    expect(statuses(run.results.get('tests/-x_test.py'))).toEqual({ 'TestDash › test_dash': 'passed' });
  });

  it('a test that closes sys.stdout stops neither the batch nor its progress lines', async () => {
    const run = await machine.run(unittestAdapter, rule, ['tests/test_closes_stdout.py', 'tests/-x_test.py']);
    expect(statuses(run.results.get('tests/test_closes_stdout.py'))).toEqual({ 'T › test_close': 'passed' });
    expect(statuses(run.results.get('tests/-x_test.py'))).toEqual({ 'TestDash › test_dash': 'passed' });
    expect(run.progress).toEqual(['tests/test_closes_stdout.py', 'tests/-x_test.py'].flatMap((f) => [`started ${f}`, `finished ${f}`]));
  });

  it('runs only the named cases', async () => {
    const run = await machine.run(unittestAdapter, rule, ['tests/test_money.py', 'tests/-x_test.py'], {
      cases: ['TestCents › test_rounds', 'TestDash › test_dash'],
    });
    expect(statuses(run.results.get('tests/test_money.py'))).toEqual({ 'TestCents › test_rounds': 'failed' });
    expect(statuses(run.results.get('tests/-x_test.py'))).toEqual({ 'TestDash › test_dash': 'passed' });
  });

  it('keeps the results of files finished before the interpreter died, and none for it or after', async () => {
    const run = await machine.run(unittestAdapter, rule, ['tests/-x_test.py', 'tests/test_exits.py', 'tests/test_money.py']);
    expect(run.exitCode).toBe(1);
    expect([...run.results.keys()]).toEqual(['tests/-x_test.py']);
  });
});
