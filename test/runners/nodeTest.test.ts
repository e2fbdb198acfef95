import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeTestAdapter, nodeTestNamePattern } from '../../src/runners/nodeTest.ts';
import { RunnerMachine, statuses } from '../helpers/runnerMachine.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';

const rule = { runner: 'node-test' as const };

const FILES: Record<string, string> = {
  'package.json': '{ "type": "module" }\n',
  'tests/money.test.js': [
    "import { describe, it, test } from 'node:test';",
    "import assert from 'node:assert/strict';",
    "describe('money', () => {",
    "  describe('cents', () => {",
    "    it('parses cents', () => assert.equal(1, 1));",
    "    it('rounds (up)', () => assert.equal(1 + 1, 3));",
    '  });',
    "  it.skip('later', () => {});",
    "  it.todo('someday');",
    '});',
    "test('top level', () => {});",
    '',
  ].join('\n'),
  'tests/broken.test.js': "import './no-such-module.js';\n",
  'tests/-x.test.js': "import { it } from 'node:test';\nit('dash file', () => {});\n",
  // Preloaded with --require: kills the `node --test` runner process itself as it starts.
  'tests/kill-runner.cjs': "if (process.execArgv.includes('--test')) process.kill(process.pid, 'SIGKILL');\n",
  'tests/sub.test.js': [
    "import { test } from 'node:test';",
    "import assert from 'node:assert/strict';",
    "test('parent', async (t) => { await t.test('child ok', () => {}); await t.test('child bad', () => assert.ok(false, 'nope')); });",
    '',
  ].join('\n'),
  // A test declared in a helper module, by two test files: each file's run reports it as its own.
  'tests/shared.js': "import { test } from 'node:test';\nexport const shared = (n) => test(`shared ${n}`, () => {});\n",
  'tests/one.test.js': "import { shared } from './shared.js';\nshared(1);\n",
  'tests/two.test.js': "import { shared } from './shared.js';\nshared(2);\n",
  'tests/dies.test.js': "import { it } from 'node:test';\nit('dies', () => { process.kill(process.pid, 'SIGKILL'); });\n",
};

describe.skipIf(sandboxUnavailable() !== null)('node --test adapter, real node in a sandbox machine', () => {
  let machine: RunnerMachine;
  beforeAll(async () => {
    machine = new RunnerMachine(FILES);
    await machine.start();
  });
  afterAll(async () => machine.stop());

  it('reports each case with describe nesting, failures with message and line, a load error to its file', async () => {
    const run = await machine.run(nodeTestAdapter, rule, ['tests/money.test.js', 'tests/broken.test.js', 'tests/-x.test.js']);
    expect(run.command.split('; ').slice(0, 5)).toEqual([
      'mkdir -p test-runs/batch-1',
      's=0',
      `printf '%s' '[vmwatch] started "tests/money.test.js"
'`,
      'node --test --test-reporter=spec --test-reporter-destination=stdout --test-reporter=spec ' +
        '--test-reporter-destination=test-runs/batch-1/node-test-0.log --test-reporter=junit ' +
        '--test-reporter-destination=test-runs/batch-1/node-test-0.xml ./tests/money.test.js || s=1',
      `printf '%s' '[vmwatch] finished "tests/money.test.js"
'`,
    ]);
    expect(run.progress).toEqual(
      ['tests/money.test.js', 'tests/broken.test.js', 'tests/-x.test.js'].flatMap((f) => [`started ${f}`, `finished ${f}`]),
    );
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain('rounds (up)'); // spec output for the run's log
    const money = run.results.get('tests/money.test.js')!;
    expect(money.status).toBe('failed');
    expect(statuses(money)).toEqual({
      'money › cents › parses cents': 'passed',
      'money › cents › rounds (up)': 'failed',
      'money › later': 'skipped',
      'money › someday': 'todo',
      'top level': 'passed',
    });
    const failure = money.cases.find((c) => c.name === 'money › cents › rounds (up)')!.failure!;
    expect(failure.message.split('\n')[0]).toMatch(/^Expected values to be strictly equal/);
    expect(failure.location).toEqual({ file: 'tests/money.test.js', line: 6 });
    const broken = run.results.get('tests/broken.test.js')!;
    expect(broken).toMatchObject({ status: 'failed', cases: [] });
    expect(broken.error).toMatch(/^Error \[ERR_MODULE_NOT_FOUND\]: Cannot find module .*no-such-module\.js.*exited with code 1/);
    expect(statuses(run.results.get('tests/-x.test.js'))).toEqual({ 'dash file': 'passed' });
  });

  it('subtests are cases by their full name; a test declared in a helper module belongs to the file that ran it', async () => {
    const run = await machine.run(nodeTestAdapter, rule, ['tests/sub.test.js', 'tests/one.test.js', 'tests/two.test.js']);
    const sub = run.results.get('tests/sub.test.js')!;
    expect(statuses(sub)).toMatchObject({ 'parent › child ok': 'passed', 'parent › child bad': 'failed' });
    expect(sub.cases.find((c) => c.name === 'parent › child bad')!.failure!.message).toMatch(/nope/);
    expect(statuses(run.results.get('tests/one.test.js'))).toEqual({ 'shared 1': 'passed' });
    expect(statuses(run.results.get('tests/two.test.js'))).toEqual({ 'shared 2': 'passed' });
  });

  it('runs only the named cases', async () => {
    const run = await machine.run(nodeTestAdapter, rule, ['tests/money.test.js'], { cases: ['money › cents › parses cents', 'top level'] });
    const ran = run.results
      .get('tests/money.test.js')!
      .cases.filter((c) => c.status !== 'skipped')
      .map((c) => c.name);
    expect(ran.sort()).toEqual(['money › cents › parses cents', 'top level']);
  });

  it('a test file whose process is killed fails on its own; the files around it keep their results', async () => {
    const run = await machine.run(nodeTestAdapter, rule, ['tests/-x.test.js', 'tests/dies.test.js', 'tests/money.test.js']);
    expect(run.results.get('tests/dies.test.js')).toMatchObject({
      status: 'failed',
      cases: [],
      error: expect.stringContaining('killed by SIGKILL'),
    });
    expect(statuses(run.results.get('tests/-x.test.js'))).toEqual({ 'dash file': 'passed' });
    expect(run.results.get('tests/money.test.js')?.cases).toHaveLength(5);
  });

  it('a file whose node --test run never wrote its report has no result', async () => {
    // The runner itself dies: the per-file run of money is killed before it reports.
    const run = await machine.run(nodeTestAdapter, { ...rule, args: ['--require=./tests/kill-runner.cjs'] }, ['tests/money.test.js']);
    expect(run.results.size).toBe(0);
  });
});

describe('nodeTestNamePattern', () => {
  it('matches a case by its own title and by its space-joined full name, escaped', () => {
    const pattern = new RegExp(nodeTestNamePattern(['money › cents (a+b)', 'top']));
    expect(['cents (a+b)', 'money cents (a+b)', 'top'].every((n) => pattern.test(n))).toBe(true);
    expect(['cents (aab)', 'money', 'topper'].some((n) => pattern.test(n))).toBe(false);
  });
});
