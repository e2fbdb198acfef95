import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pytestAdapter, pytestSelection } from '../../src/runners/pytest.ts';
import { RunnerMachine, statuses } from '../helpers/runnerMachine.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';

// Debian's python3-pytest lives in the system interpreter (a pyenv python3 on PATH may lack it).
const rule = { runner: 'pytest' as const, python: '/usr/bin/python3' };

const FILES: Record<string, string> = {
  'tests/test_money.py': [
    'import pytest',
    '',
    'def test_top():',
    '    assert 1 == 1',
    '',
    'class TestCents:',
    '    def test_parses(self):',
    '        assert 1 == 1',
    '',
    '    def test_rounds(self):',
    '        assert 1 + 1 == 3, "rounding is off"',
    '',
    '    @pytest.mark.skip(reason="not now")',
    '    def test_later(self):',
    '        pass',
    '',
  ].join('\n'),
  'tests/test_broken.py': 'import no_such_module\n\ndef test_never():\n    pass\n',
  'tests/-x_test.py': 'def test_dash():\n    pass\n',
  'tests/test_exits.py': 'import os\n\ndef test_before():\n    pass\n\ndef test_exits():\n    os._exit(1)\n',
};

describe.skipIf(sandboxUnavailable() !== null)('pytest adapter, real pytest in a sandbox machine', () => {
  let machine: RunnerMachine;
  beforeAll(async () => {
    machine = new RunnerMachine(FILES);
    await machine.start();
  });
  afterAll(async () => machine.stop());

  it('reports each case, nests classes, gives failures a message and a line, and a collection error to its file', async () => {
    const run = await machine.run(pytestAdapter, rule, ['tests/test_money.py', 'tests/test_broken.py', 'tests/-x_test.py']);
    expect(run.command).toMatch(/^\/usr\/bin\/python3 -c '# The vmwatch pytest plugin/);
    expect(run.display).toBe(
      '/usr/bin/python3 -m pytest -p no:cacheprovider --rootdir=. --continue-on-collection-errors -o junit_family=xunit1 ' +
        '--junitxml=test-runs/batch-1/junit.xml ./tests/test_money.py ./tests/test_broken.py ./tests/-x_test.py',
    );
    // Progress lines: each file while it is collected, then while its tests run (not the broken one: none ran).
    const of = (f: string): string[] => run.progress.filter((e) => e.endsWith(` ${f}`)).map((e) => e.split(' ')[0]!);
    const span = ['started', 'finished'];
    expect(of('tests/test_money.py')).toEqual([...span, ...span]);
    expect(of('tests/-x_test.py')).toEqual([...span, ...span]);
    expect(of('tests/test_broken.py')).toEqual(span);
    expect(run.progress).toHaveLength(10);
    expect(run.exitCode).toBe(1);
    expect([...run.results.keys()].sort()).toEqual(['tests/-x_test.py', 'tests/test_broken.py', 'tests/test_money.py']);
    const money = run.results.get('tests/test_money.py')!;
    expect(money.status).toBe('failed');
    expect(statuses(money)).toEqual({
      test_top: 'passed',
      'TestCents › test_parses': 'passed',
      'TestCents › test_rounds': 'failed',
      'TestCents › test_later': 'skipped',
    });
    const failure = money.cases.find((c) => c.name === 'TestCents › test_rounds')!.failure!;
    expect(failure.message.split('\n')[0]).toBe('AssertionError: rounding is off');
    expect(failure.location).toEqual({ file: 'tests/test_money.py', line: 11 });
    const broken = run.results.get('tests/test_broken.py')!;
    expect(broken).toMatchObject({ status: 'failed', cases: [] });
    expect(broken.error).toContain("No module named 'no_such_module'");
    expect(statuses(run.results.get('tests/-x_test.py'))).toEqual({ test_dash: 'passed' });
  });

  it('runs only the named cases', async () => {
    const run = await machine.run(pytestAdapter, rule, ['tests/test_money.py'], { cases: ['TestCents › test_rounds', 'test_top'] });
    expect(statuses(run.results.get('tests/test_money.py'))).toEqual({ test_top: 'passed', 'TestCents › test_rounds': 'failed' });
  });

  it('filters several files by test name', async () => {
    const run = await machine.run(pytestAdapter, rule, ['tests/test_money.py', 'tests/-x_test.py'], { cases: ['test_dash'] });
    expect(statuses(run.results.get('tests/-x_test.py'))).toEqual({ test_dash: 'passed' });
    expect(run.results.has('tests/test_money.py')).toBe(false); // nothing of it ran: no result
  });

  it('gives no result to any file when pytest dies mid-batch', async () => {
    const run = await machine.run(pytestAdapter, rule, ['tests/-x_test.py', 'tests/test_exits.py', 'tests/test_money.py']);
    expect(run.exitCode).toBe(1);
    expect(run.results.size).toBe(0);
  });
});

describe('pytestSelection', () => {
  it('uses node ids for one file, -k for plain names over several, and the files otherwise', () => {
    expect(pytestSelection(['-t.py'], ['A › test_b'])).toEqual(['./-t.py::A::test_b']);
    expect(pytestSelection(['a.py', 'b.py'], ['A › test_b', 'test_c'])).toEqual(['-k', "'test_b or test_c'", './a.py', './b.py']);
    expect(pytestSelection(['a.py', 'b.py'], ['test_c[1-2]'])).toEqual(['./a.py', './b.py']);
  });
});
