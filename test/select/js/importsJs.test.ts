import { describe, expect, it } from 'vitest';
import { extractJsImports } from '../../../src/select/js/importsJs.ts';
import { resolveJsImport } from '../../../src/select/js/resolveJs.ts';

describe('extractJsImports', () => {
  it('finds every static, type, re-export, require and dynamic form', () => {
    const source = `
      import def from './default';
      import * as ns from "./namespace";
      import def2, { a, b as c } from './mixed';
      import {
        multi,
        line,
      } from './multiline';
      import './side-effect.css';
      import type { T } from './types';
      import { type U, from } from './named-from';
      export * from './star';
      export * as reNs from './star-as';
      export { x, y as z } from './named';
      export type { V } from './type-export';
      const cjs = require('./cjs');
      const lazy = await import('./lazy');
      const withOptions = import('./data.json', { with: { type: 'json' } });
      import fs from 'node:fs';
      import json from './data.json' with { type: 'json' };
      import Foo = require('./ts-equals');
      const tpl = import(\`./template\`);
    `;
    expect(extractJsImports(source).specifiers).toEqual([
      './default',
      './namespace',
      './mixed',
      './multiline',
      './side-effect.css',
      './types',
      './named-from',
      './star',
      './star-as',
      './named',
      './type-export',
      './cjs',
      './lazy',
      './data.json',
      'node:fs',
      './ts-equals',
      './template',
    ]);
  });

  it('skips comments, strings, templates and regular expressions', () => {
    const source = [
      "// import a from './line-comment';",
      "/* import b from './block-comment'; */",
      "/** require('./jsdoc') */",
      `const s = "import c from './in-string'";`,
      "const t = `import d from './in-template' ${require('./in-substitution')} require('./after')`;",
      "const re = /['\"`]/g; import e from './after-regex';",
      "const division = a / b; const other = c / d; import f from './after-division';",
      "const q = 'it\\'s'; import g from './after-escape';",
      'obj.require("./member"); foo.import("./member2"); import.meta.url;',
      "const dynamic = import(name); const built = require('./a' + x);",
      "const nested = `${`${require('./deep')}`}`;",
    ].join('\n');
    expect(extractJsImports(source).specifiers).toEqual([
      './in-substitution',
      './after-regex',
      './after-division',
      './after-escape',
      './deep',
    ]);
  });

  it('unescapes specifiers', () => {
    expect(
      extractJsImports(String.raw`import a from './it\'s'; import b from "./a\"b"; import c from './long\
name';`).specifiers,
    ).toEqual(["./it's", './a"b', './longname']);
  });

  it('survives a stray quote in JSX text', () => {
    const source = "const el = <p>Don't panic</p>;\nimport x from './x';\n";
    expect(extractJsImports(source).specifiers).toEqual(['./x']);
  });

  it('marks each type-only form, and nothing else, as type-only', () => {
    const source = `
      import type Def from './type-default';
      import type { A } from './type-named';
      import type * as Ns from './type-namespace';
      import type {} from './type-empty';
      import { type B, type C as D } from './all-typed';
      export type { E } from './export-type';
      export type * from './export-type-star';
      export type * as Star from './export-type-star-as';
      export { type F } from './export-all-typed';
      import { type G, h } from './mixed';
      import type from './default-named-type';
      import type, { i } from './default-named-type-and-more';
      import { type } from './named-type';
      import { type as t } from './named-type-renamed';
      import './side-effect';
      import x = require('./ts-equals');
      import type y = require('./ts-equals-type');
      const lazy = import('./dynamic');
      import {} from './empty-braces';
    `;
    const { specifiers, typeOnly } = extractJsImports(source);
    expect(specifiers).toHaveLength(19);
    expect(typeOnly).toEqual([
      './type-default',
      './type-named',
      './type-namespace',
      './type-empty',
      './all-typed',
      './export-type',
      './export-type-star',
      './export-type-star-as',
      './export-all-typed',
    ]);
  });

  it('counts a specifier imported both ways as runtime, and omits typeOnly when there is none', () => {
    expect(extractJsImports("import type { A } from './a';\nimport { b } from './a';\nimport type { C } from './c';")).toEqual({
      specifiers: ['./a', './c'],
      typeOnly: ['./c'],
    });
    expect(extractJsImports("import { b } from './a';")).toEqual({ specifiers: ['./a'] });
  });

  it('does not read an export declaration as a re-export', () => {
    expect(extractJsImports("export const from = 'a';\nexport default function f() {}\nexport { f };").specifiers).toEqual([]);
  });
});

describe('resolveJsImport', () => {
  const files = new Set([
    'src/a.ts',
    'src/b.tsx',
    'src/c.mts',
    'src/d.cts',
    'src/e.js',
    'src/lib/index.ts',
    'src/widget/index.tsx',
    'src/data.json',
    'src/styles.css',
    'src/dotted.service.ts',
    'index.ts',
    'test/helper.ts',
  ]);

  it.each([
    ['./a', 'src/a.ts'],
    ['./a.ts', 'src/a.ts'],
    ['./a.js', 'src/a.ts'],
    ['./b.js', 'src/b.tsx'],
    ['./b.jsx', 'src/b.tsx'],
    ['./b', 'src/b.tsx'],
    ['./c.mjs', 'src/c.mts'],
    ['./d.cjs', 'src/d.cts'],
    ['./e.js', 'src/e.js'],
    ['./e', 'src/e.js'],
    ['./lib', 'src/lib/index.ts'],
    ['./lib/', 'src/lib/index.ts'],
    ['./lib/index.js', 'src/lib/index.ts'],
    ['./widget', 'src/widget/index.tsx'],
    ['./data.json', 'src/data.json'],
    ['./styles.css?inline', 'src/styles.css'],
    ['./dotted.service', 'src/dotted.service.ts'],
    ['../test/helper.js', 'test/helper.ts'],
    ['..', 'index.ts'],
  ])('%s from src/x.ts → %s', (specifier, expected) => {
    expect(resolveJsImport('src/x.ts', specifier, files)).toBe(expected);
  });

  it.each(['react', 'node:fs', '@scope/pkg', './missing', '../../outside', '/abs/path', './a.py'])(
    '%s resolves to nothing',
    (specifier) => {
      expect(resolveJsImport('src/x.ts', specifier, files)).toBeUndefined();
    },
  );

  it('prefers the exact file over a swapped extension', () => {
    expect(resolveJsImport('x.ts', './y.js', new Set(['y.js', 'y.ts']))).toBe('y.js');
    expect(resolveJsImport('x.ts', '.', new Set(['index.js', 'x.ts']))).toBe('index.js');
  });
});
