import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempRepo, type TempRepo } from '../select/tempRepo.ts';

const CLI = path.resolve('bin/vmwatch.mjs');
let repo: TempRepo;

/** `vmwatch <args>` in the repo: stdout, or the error's exit code and stderr. */
function vmwatch(...args: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [CLI, ...args], {
      cwd: repo.dir,
      encoding: 'utf8',
      env: { ...process.env, VMWATCH_LOG: 'warn' },
      stdio: 'pipe',
    });
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  repo = createTempRepo();
  repo.write('watch.config.json', JSON.stringify({ root: '.', discover: [{ pattern: 'tests/*.spec.ts', command: 'node {file}' }] }));
  repo.write('src/money.ts', 'export const m = 1;\n');
  repo.write('src/ledger.ts', "import { m } from './money.js';\n");
  repo.write('src/other.ts', '');
  repo.write('tests/ledger.spec.ts', "import '../src/ledger.js';\n");
  repo.write('tests/other.spec.ts', "import '../src/other.js';\n");
  repo.write('tests/shape.spec.ts', "import type { L } from '../src/ledger.js';\n");
  repo.commitAll('initial');
  repo.write('src/money.ts', 'export const m = 2;\n');
});
afterAll(() => repo.cleanup());

describe('vmwatch why', () => {
  it('prints the shortest chain that selects a test', () => {
    const result = vmwatch('why', 'tests/ledger.spec.ts');
    expect(result.stdout).toBe(
      'tests/ledger.spec.ts runs because:\n  imports src/money.ts via src/ledger.ts\nimport chains (shortest first):\n  ' +
        'tests/ledger.spec.ts → src/ledger.ts → src/money.ts\n',
    );
  });

  it('says why a test does not run, and answers in JSON', () => {
    expect(vmwatch('why', 'tests/other.spec.ts').stdout).toMatch(/^tests\/other\.spec\.ts does not run: none of the 1 changed file/);
    const json = JSON.parse(vmwatch('why', 'tests/ledger.spec.ts', '--json').stdout) as Record<string, unknown>;
    expect(json).toEqual({
      id: 'tests/ledger.spec.ts',
      selected: true,
      reasons: ['imports src/money.ts via src/ledger.ts'],
      chains: [['tests/ledger.spec.ts', 'src/ledger.ts', 'src/money.ts']],
      links: [['runtime', 'runtime']],
      changedFiles: ['src/money.ts'],
      all: false,
    });
  });

  it('marks a chain through a type-only import, in the reason and link by link', () => {
    expect(vmwatch('why', 'tests/shape.spec.ts').stdout).toBe(
      'tests/shape.spec.ts runs because:\n  imports src/money.ts via src/ledger.ts (type-only)\nimport chains (shortest ' +
        'first; ⇢ is a type-only import):\n  tests/shape.spec.ts ⇢ src/ledger.ts → src/money.ts\n',
    );
    const json = JSON.parse(vmwatch('why', 'tests/shape.spec.ts', '--json').stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ chains: [['tests/shape.spec.ts', 'src/ledger.ts', 'src/money.ts']], links: [['type-only', 'runtime']] });
  });

  it('rejects an unknown id or a missing one with exit 2', () => {
    expect(vmwatch('why', 'nope').code).toBe(2);
    expect(vmwatch('why').code).toBe(2);
  });

  it('leaves select --json unchanged in shape', () => {
    const plan = JSON.parse(vmwatch('select', '--json').stdout) as Record<string, unknown>;
    expect(Object.keys(plan)).toEqual(['changedFiles', 'all', 'tests', 'uncovered']);
    expect(plan.tests).toEqual([
      { id: 'tests/ledger.spec.ts', reasons: ['imports src/money.ts via src/ledger.ts'] },
      { id: 'tests/shape.spec.ts', reasons: ['imports src/money.ts via src/ledger.ts (type-only)'] },
    ]);
  });
});
