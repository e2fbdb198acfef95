import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { discoverTests, fillCommand, unmatchedRules } from '../../src/select/discover.ts';

function config(input: { tests?: unknown[]; discover?: unknown[] }) {
  return configSchema.parse({ root: '.', ...input });
}

describe('discoverTests', () => {
  it('returns named suites and one test per matching file, sorted by id', () => {
    const parsed = config({
      tests: [{ id: 'e2e', command: 'npm run e2e', files: ['e2e/**'], timeoutMs: 90_000 }],
      discover: [{ pattern: '**/*.test.ts', command: 'npx vitest run {file}', timeoutMs: 5000 }],
    });
    const files = ['src/b.test.ts', 'src/a.ts', 'a.test.ts', 'e2e/run.ts'];
    expect(discoverTests(parsed, files)).toEqual([
      {
        id: 'a.test.ts',
        kind: 'discovered',
        command: 'npx vitest run a.test.ts',
        file: 'a.test.ts',
        runner: 'command',
        rule: 0,
        timeoutMs: 5000,
      },
      { id: 'e2e', kind: 'suite', command: 'npm run e2e', timeoutMs: 90_000 },
      {
        id: 'src/b.test.ts',
        kind: 'discovered',
        command: 'npx vitest run src/b.test.ts',
        file: 'src/b.test.ts',
        runner: 'command',
        rule: 0,
        timeoutMs: 5000,
      },
    ]);
  });

  it('uses the first matching rule, honours ignore and array patterns, and matches dot folders', () => {
    const parsed = config({
      discover: [
        { pattern: ['py/tests/**/test_*.py', 'py/tests/**/*_test.py'], command: 'pytest {file}', ignore: ['**/slow/**'] },
        { pattern: '**/*.py', command: 'python {file}' },
        { pattern: '**/*.spec.ts', command: 'vitest {file} --root . # {file}' },
      ],
    });
    const files = ['py/tests/test_a.py', 'py/tests/b_test.py', 'py/tests/slow/test_c.py', 'py/app/x.py', '.config/z.spec.ts', 'README.md'];
    expect(discoverTests(parsed, files).map((test) => [test.id, test.command])).toEqual([
      ['.config/z.spec.ts', 'vitest .config/z.spec.ts --root . # .config/z.spec.ts'],
      ['py/app/x.py', 'python py/app/x.py'],
      ['py/tests/b_test.py', 'pytest py/tests/b_test.py'],
      ['py/tests/slow/test_c.py', 'python py/tests/slow/test_c.py'],
      ['py/tests/test_a.py', 'pytest py/tests/test_a.py'],
    ]);
  });

  it('quotes file names the shell would split or expand', () => {
    const parsed = config({ discover: [{ pattern: '**/*.test.ts', command: 'vitest run {file}' }] });
    const tests = discoverTests(parsed, ["src/it's here.test.ts", 'src/prés.test.ts', 'src/$HOME.test.ts']);
    expect(tests.map((test) => test.command)).toEqual([
      "vitest run 'src/$HOME.test.ts'",
      `vitest run 'src/it'\\''s here.test.ts'`,
      "vitest run 'src/prés.test.ts'",
    ]);
    expect(tests.map((test) => test.id)).toEqual(['src/$HOME.test.ts', "src/it's here.test.ts", 'src/prés.test.ts']);
  });

  it('leaves a file whose path is a suite id to the suite', () => {
    const parsed = config({
      tests: [{ id: 'smoke.test.ts', command: 'npm run smoke' }],
      discover: [{ pattern: '*.test.ts', command: 'vitest {file}' }],
    });
    expect(discoverTests(parsed, ['smoke.test.ts'])).toEqual([{ id: 'smoke.test.ts', kind: 'suite', command: 'npm run smoke' }]);
  });
});

describe('fillCommand', () => {
  it('puts the file in, quoted when it needs to be', () => {
    expect(fillCommand('x {file}', 'src/a.test.ts')).toBe('x src/a.test.ts');
    expect(fillCommand('x {file} {file}', 'a;b')).toBe("x 'a;b' 'a;b'");
  });

  it(
    'says per test whether its runner typechecks: Vitest only with typecheck on, node/pytest/unittest never, ' + 'a plain command unknown',
    () => {
      const parsed = config({
        discover: [
          { pattern: 'v/*.ts', runner: 'vitest' },
          { pattern: 't/*.ts', runner: 'vitest', typecheck: true },
          { pattern: 'n/*.ts', runner: 'node-test' },
          { pattern: 'p/*.py', runner: 'pytest' },
          { pattern: 'c/*.ts', command: 'tsx {file}' },
        ],
      });
      const found = discoverTests(parsed, ['v/a.ts', 't/a.ts', 'n/a.ts', 'p/a.py', 'c/a.ts']);
      expect(Object.fromEntries(found.map((t) => [t.id, t.typechecks]))).toEqual({
        'v/a.ts': false,
        't/a.ts': true,
        'n/a.ts': false,
        'p/a.py': false,
        'c/a.ts': undefined,
      });
    },
  );

  it('names each discover rule that matches no file', () => {
    const parsed = config({
      discover: [
        { pattern: 'src/**/*.test.ts', runner: 'vitest' },
        { pattern: ['tset/*.py', 'x/*.py'], runner: 'pytest' },
      ],
    });
    expect(unmatchedRules(parsed, ['src/a.test.ts', 'test/b.py'])).toEqual([
      'discover[1].pattern "tset/*.py", "x/*.py" matches no file under the root: no test comes from this rule',
    ]);
    expect(unmatchedRules(parsed, ['src/a.test.ts', 'x/c.py'])).toEqual([]);
  });
});
