import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SelectRepoOptions {
  /** Total files to write, about 60% TypeScript and 40% Python. */
  files: number;
  seed?: number;
  /** node_modules to link in (for running vitest in the repo). */
  nodeModules?: string;
}

export interface SelectRepo {
  dir: string;
  files: string[];
  /** TS and Python modules (not tests), candidates for a one-file change. */
  tsModules: string[];
  pyModules: string[];
  tsTests: string[];
  pyTests: string[];
}

const TS_PACKAGES = 20;
const PY_APPS = 10;
const PY_SUBS = 8;

/** A seeded PRNG (mulberry32), so every run generates the same repo. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Some ordinary code, so the lexers have strings, comments, templates and regexes to get through. */
function tsBody(name: string, lines: number): string {
  const out = [`/** ${name}: generated for the selection benchmark. It's "quoted" and has a / slash. */`];
  for (let i = 0; i < lines; i++) {
    out.push(
      `export const ${name}_v${i} = { label: \`item \${${i}} of ${name}\`, pattern: /[a-z]+\\/${i}/g, ratio: ${i} / 7 }; ` +
        `// import './not-real-${i}'`,
    );
  }
  return `${out.join('\n')}\n`;
}

function pyBody(name: string, lines: number): string {
  const out = [`"""${name}: generated for the selection benchmark.\nimport not_a_module\n"""`];
  for (let i = 0; i < lines; i++) out.push(`${name}_v${i} = {"label": f"item {${i}} of ${name}", "ratio": ${i} / 7}  # from x import y`);
  return `${out.join('\n')}\n`;
}

/**
 * Writes a TS monorepo (packages with relative, `.js`, extension-less and tsconfig-alias imports,
 * `import type`, barrels, vitest tests) plus Python apps (packages, absolute, relative and
 * from-submodule imports, conftest.py, pytest tests) into `dir`, as a git repository.
 */
export function generateSelectRepo(dir: string, options: SelectRepoOptions): SelectRepo {
  const rand = random(options.seed ?? 42);
  const pick = (n: number) => Math.floor(rand() * n);
  const repo: SelectRepo = { dir, files: [], tsModules: [], pyModules: [], tsTests: [], pyTests: [] };
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
    repo.files.push(file);
  };
  const tsPerPackage = Math.max(10, Math.floor((options.files * 0.6) / TS_PACKAGES / 1.2));
  const pyPerSub = Math.max(5, Math.floor((options.files * 0.4) / (PY_APPS * PY_SUBS) / 1.2));

  write('package.json', JSON.stringify({ name: 'bench-repo', private: true, type: 'module' }, null, 2));
  write(
    'tsconfig.json',
    JSON.stringify(
      { compilerOptions: { module: 'NodeNext', strict: true, baseUrl: '.', paths: { '@lib/*': ['packages/p0/src/*'] } } },
      null,
      2,
    ),
  );
  write(
    'vitest.config.mjs',
    "import { fileURLToPath } from 'node:url';\n" +
      "import { defineConfig } from 'vitest/config';\n" +
      "const lib = fileURLToPath(new URL('./packages/p0/src/', import.meta.url));\n" +
      'export default defineConfig({ resolve: { alias: [{ find: /^@lib\\//, replacement: lib }] }, ' +
      "test: { include: ['packages/**/*.test.ts'] } });\n",
  );
  for (let p = 0; p < TS_PACKAGES; p++) {
    const barrel: string[] = [];
    for (let i = 0; i < tsPerPackage; i++) {
      const name = `m${i}`;
      const imports: string[] = [];
      const deps = i === 0 ? 0 : 1 + pick(3);
      for (let d = 0; d < deps; d++) {
        const j = pick(i);
        const style = pick(4);
        const spec = style === 0 ? `./m${j}` : `./m${j}.js`;
        imports.push(style === 3 ? `import type { T${j} as D${d} } from '${spec}';` : `import { f${j} as g${d} } from '${spec}';`);
      }
      if (p > 0 && pick(6) === 0) {
        const k = pick(tsPerPackage);
        imports.push(`import { f${k} as lib } from '@lib/m${k}';`);
      }
      const calls = imports.filter((line) => !line.startsWith('import type')).map((line) => `${/as (\w+)/.exec(line)?.[1]}()`);
      const file = `packages/p${p}/src/${name}.ts`;
      write(
        file,
        `${imports.join('\n')}\nexport type T${i} = { n: number };\n` +
          `export function f${i}(): number {\n  return ${[String(i), ...calls].join(' + ')};\n}\n${tsBody(name, 8)}`,
      );
      repo.tsModules.push(file);
      if (i < 10) barrel.push(`export * from './${name}.js';`);
      if (i % 5 === 0) {
        const test = `packages/p${p}/test/${name}.test.ts`;
        const via = pick(4) === 0 ? `'../src/index.js'` : `'../src/${name}.js'`;
        write(
          test,
          `import { test, expect } from 'vitest';\nimport { f${i} } from ${via};\n` +
            `test('${name}', () => {\n  expect(typeof f${i}()).toBe('number');\n});\n`,
        );
        repo.tsTests.push(test);
      }
    }
    write(`packages/p${p}/src/index.ts`, `${barrel.join('\n')}\n`);
  }
  for (let a = 0; a < PY_APPS; a++) {
    write(`py/app${a}/__init__.py`, '');
    for (let s = 0; s < PY_SUBS; s++) {
      write(`py/app${a}/sub${s}/__init__.py`, s === 0 ? '' : `from app${a}.sub0 import mod0\n`);
      for (let i = 0; i < pyPerSub; i++) {
        const lines: string[] = [];
        const deps = i === 0 ? 0 : 1 + pick(2);
        for (let d = 0; d < deps; d++) {
          const j = pick(i);
          const style = pick(3);
          lines.push(
            style === 0
              ? `from .mod${j} import value as v${d}`
              : style === 1
                ? `from app${a}.sub${s} import mod${j}`
                : `import app${a}.sub${s}.mod${j}`,
          );
        }
        const file = `py/app${a}/sub${s}/mod${i}.py`;
        write(file, `${lines.join('\n')}\nvalue = ${i}\n${pyBody(`m${i}`, 6)}`);
        repo.pyModules.push(file);
        if (i % 5 === 0) {
          const test = `py/tests/app${a}/test_sub${s}_mod${i}.py`;
          write(test, `from app${a}.sub${s}.mod${i} import value\n\ndef test_value():\n    assert value == ${i}\n`);
          repo.pyTests.push(test);
        }
      }
    }
    write(`py/tests/app${a}/conftest.py`, `import pytest\nfrom app${a}.sub0 import mod0\n`);
  }
  write('py/conftest.py', 'import sys\n');
  if (options.nodeModules !== undefined) symlinkSync(options.nodeModules, path.join(dir, 'node_modules'), 'dir');
  write('.gitignore', 'node_modules\n');
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      stdio: 'ignore',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@vmwatch.invalid', 'commit', '-q', '-m', 'generated');
  return repo;
}
