import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vitestAdapter, vitestNamePattern } from '../../src/runners/vitest.ts';
import { RunnerMachine, statuses } from '../helpers/runnerMachine.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';

const rule = { runner: 'vitest' as const };

const FILES: Record<string, string> = {
  'package.json': '{ "type": "module", "private": true }\n',
  'tests/money.test.js': [
    "import { describe, expect, it } from 'vitest';",
    "describe('money', () => {",
    "  describe('cents', () => {",
    "    it('parses cents', () => expect(1).toBe(1));",
    "    it('rounds (up)', () => expect(1 + 1).toBe(3));",
    '  });',
    "  it.skip('later', () => {});",
    "  it.todo('someday');",
    '});',
    "it('top level', () => {});",
    '',
  ].join('\n'),
  'tests/broken.test.js': "import './no-such-module.js';\n",
  'tests/-x.test.js': "import { it } from 'vitest';\nit('dash file', () => {});\n",
  'tests/xmoney.test.js': "import { it } from 'vitest';\nit('not in the batch', () => {});\n",
  'tests/dies.test.js': "import { it } from 'vitest';\nit('dies', () => { process.kill(process.pid, 'SIGKILL'); });\n",
  'tests/kills-vitest.test.js': "import { it } from 'vitest';\nit('kills vitest', () => { process.kill(process.ppid, 'SIGKILL'); });\n",
};

/** The machine sees no host project folders: Vitest comes with the app, copied from ours (~1 s). */
const withVitest = (tree: string): void => {
  execFileSync('cp', ['-a', realpathSync('node_modules'), path.join(tree, 'node_modules')]);
};

describe.skipIf(sandboxUnavailable() !== null)('Vitest adapter, real Vitest in a sandbox machine', () => {
  let machine: RunnerMachine;
  beforeAll(async () => {
    machine = new RunnerMachine(FILES, withVitest);
    await machine.start();
  });
  afterAll(async () => machine.stop());

  it(
    'reports each case with describe nesting, failures with message and line, a load error to its file; a file whose worker ' +
      'died has none',
    async () => {
      const run = await machine.run(vitestAdapter, rule, [
        'tests/money.test.js',
        'tests/broken.test.js',
        'tests/-x.test.js',
        'tests/dies.test.js',
      ]);
      expect(run.command.replace(/'--reporter=data:text\/javascript;base64,[A-Za-z0-9+/=]+'/, '<progress>')).toBe(
        'set -- run --reporter=default --reporter=json <progress> --outputFile.json=test-runs/batch-1/vitest.json ' +
          './tests/money.test.js ./tests/broken.test.js ./tests/-x.test.js ./tests/dies.test.js; ' +
          'if [ -x node_modules/.bin/vitest ]; then export PATH="$PWD/node_modules/.bin:$PATH"; exec node_modules/.bin/vitest "$@"; fi; ' +
          'exec npx vitest "$@"',
      );
      expect(run.exitCode).toBe(1);
      // dies.test.js killed its worker: its case never ended, so the file has no result.
      expect([...run.results.keys()].sort()).toEqual(['tests/-x.test.js', 'tests/broken.test.js', 'tests/money.test.js']);
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
      expect(failure.message).toBe('AssertionError: expected 2 to be 3 // Object.is equality');
      expect(failure.location).toEqual({ file: 'tests/money.test.js', line: 5 });
      const broken = run.results.get('tests/broken.test.js')!;
      expect(broken).toMatchObject({ status: 'failed', cases: [] });
      expect(broken.error).toMatch(/Cannot find module '\.\/no-such-module\.js'/);
      expect(statuses(run.results.get('tests/-x.test.js'))).toEqual({ 'dash file': 'passed' });
      // Progress lines (a timeout per file): each file that ended was started first, then finished.
      for (const file of ['tests/money.test.js', 'tests/broken.test.js', 'tests/-x.test.js']) {
        expect(run.progress.indexOf(`started ${file}`), file).toBeGreaterThanOrEqual(0);
        expect(run.progress.indexOf(`finished ${file}`), file).toBeGreaterThan(run.progress.indexOf(`started ${file}`));
      }
      expect(run.progress).toContain('started tests/dies.test.js');
    },
  );

  it('runs only the named cases', async () => {
    const run = await machine.run(vitestAdapter, rule, ['tests/money.test.js'], { cases: ['money › cents › parses cents', 'top level'] });
    const ran = run.results.get('tests/money.test.js')!.cases.filter((c) => c.status === 'passed' || c.status === 'failed');
    expect(ran.map((c) => c.name).sort()).toEqual(['money › cents › parses cents', 'top level']);
  });

  it('no file has a result when Vitest itself dies', async () => {
    const run = await machine.run(vitestAdapter, rule, ['tests/kills-vitest.test.js', 'tests/-x.test.js']);
    expect(run.exitCode).not.toBe(0);
    expect(run.results.size).toBe(0);
  });
});

describe('vitestNamePattern', () => {
  it('matches the full name Vitest filters on (describe blocks and title joined by spaces), escaped', () => {
    const pattern = new RegExp(vitestNamePattern(['money › cents (a+b)', 'top']));
    expect(pattern.test('money cents (a+b)')).toBe(true);
    expect(pattern.test('top')).toBe(true);
    expect(['cents (a+b)', 'money cents (aab)', 'topper'].some((n) => pattern.test(n))).toBe(false);
  });
});
