import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureProject, type FixtureProject } from '../fixtureProject.ts';

/** A TS monorepo: tsconfig extends/paths/baseUrl, package.json #imports, a workspace package, barrels. */
const FILES: Record<string, string> = {
  'tsconfig.base.json': `{
    // comments and trailing commas, as tsc allows
    "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["packages/lib/src/*"], "@config": ["src/config.ts"], }, },
  }`,
  'tsconfig.json': '{ "extends": "./tsconfig.base.json", /* nothing else */ }',
  'package.json': JSON.stringify({
    name: 'app',
    workspaces: ['packages/*'],
    imports: { '#db': { types: './src/db/types.ts', default: './src/db/index.js' }, '#utils/*': './src/utils/*.ts' },
  }),
  'packages/lib/package.json': JSON.stringify({
    name: '@acme/lib',
    exports: { '.': './dist/index.js', './money': { types: './dist/money.d.ts', default: './dist/money.js' } },
  }),
  'packages/lib/src/index.ts': "export * from './money.js';\nexport { fmt } from './format.js';\n",
  'packages/lib/src/money.ts': 'export const money = 1;\n',
  'packages/lib/src/format.ts': 'export const fmt = 1;\n',
  'packages/lib/src/unused.ts': 'export const nothing = 1;\n',
  'packages/web/tsconfig.json': '{ "compilerOptions": { "paths": { "~/*": ["./src/*"] } } }',
  'packages/web/src/view.tsx': "import { Widget } from '~/widget';\nexport const View = () => <Widget label=\"Don't\" />;\n",
  'packages/web/src/widget.tsx': 'export const Widget = (p: { label: string }) => <b>{p.label}</b>;\n',
  'packages/web/test/view.spec.tsx': "import { View } from '~/view';\n",
  'src/app.ts':
    "import { money } from '@lib/money';\nimport cfg from '@config';\nimport { db } from '#db';\nimport { up } from " +
    "'#utils/strings';\nimport { base } from 'src/base';\nimport React from 'react';\n",
  'src/base.ts': 'export const base = 1;\n',
  'src/config.ts': 'export default {};\n',
  'src/db/index.ts': 'export const db = 1;\n',
  'src/db/types.ts': 'export type Db = number;\n',
  'src/utils/strings.ts': 'export const up = 1;\n',
  'src/lazy.ts': "export const load = () => import('./heavy.js');\nconst legacy = require('./legacy.cjs');\n",
  'src/heavy.ts': 'export const heavy = 1;\n',
  'src/legacy.cjs': "module.exports = require('./legacy-dep.cjs');\n",
  'src/legacy-dep.cjs': 'module.exports = 1;\n',
  'src/types-only.ts': 'export type X = 1;\n',
  'src/uses-type.ts': "import type { X } from './types-only';\nexport type Y = X;\n",
  'src/reexport-type.ts': "export type { X } from './types-only.js';\n",
  'tests/app.spec.ts': "import '../src/app.js';\n",
  'tests/lib.spec.ts': "import { money } from '@acme/lib';\n",
  'tests/lib-money.spec.ts': "import { money } from '@acme/lib/money';\n",
  'tests/lazy.spec.ts': "import { load } from '../src/lazy';\n",
  'tests/type.spec.ts': "import type { Y } from '../src/uses-type';\n",
  'tests/reexport.spec.mts': "export * from '../src/reexport-type.js';\n",
  'tests/template.spec.ts': "import { readFileSync } from 'node:fs';\nreadFileSync('templates/page.html');\n",
  'templates/page.html': '<p></p>\n',
  'docs/readme.md': '# docs\n',
};

let project: FixtureProject;

beforeAll(async () => {
  project = await fixtureProject(FILES, {
    discover: [{ pattern: '**/*.spec.{ts,tsx,mts}', command: 'vitest run {file}' }],
    triggers: { map: [{ files: ['templates/**'], tests: ['tests/template.spec.ts'] }] },
  });
});
afterAll(() => project.repo.cleanup());

describe('selection on a TS monorepo fixture', () => {
  it.each<[string, string[]]>([
    // tsconfig paths (inherited through extends), and the workspace package through a barrel
    ['packages/lib/src/money.ts', ['tests/app.spec.ts', 'tests/lib-money.spec.ts', 'tests/lib.spec.ts']],
    ['packages/lib/src/format.ts', ['tests/lib.spec.ts']],
    ['packages/lib/src/unused.ts', []],
    // an exact paths key, baseUrl, and both conditions of a #imports entry, a #imports pattern
    ['src/config.ts', ['tests/app.spec.ts']],
    ['src/base.ts', ['tests/app.spec.ts']],
    ['src/db/types.ts', ['tests/app.spec.ts']],
    ['src/db/index.ts', ['tests/app.spec.ts']],
    ['src/utils/strings.ts', ['tests/app.spec.ts']],
    // import() with a .js specifier for a .ts file, require, chains of require
    ['src/heavy.ts', ['tests/lazy.spec.ts']],
    ['src/legacy-dep.cjs', ['tests/lazy.spec.ts']],
    // import type and export type … from count: a type change breaks the typecheck
    ['src/types-only.ts', ['tests/reexport.spec.mts', 'tests/type.spec.ts']],
    // a nested tsconfig's own paths, TSX with a quote in JSX text
    ['packages/web/src/widget.tsx', ['packages/web/test/view.spec.tsx']],
    // triggers.map for what no import shows
    ['templates/page.html', ['tests/template.spec.ts']],
  ])('a change to %s runs exactly %j', async (changed, expected) => {
    expect(await project.selected([changed])).toEqual(expected);
  });

  it('names the shortest chain', async () => {
    const plan = await project.select(['packages/lib/src/money.ts']);
    expect(plan.tests.find((t) => t.id === 'tests/lib.spec.ts')?.reasons).toEqual([
      'imports packages/lib/src/money.ts via packages/lib/src/index.ts',
    ]);
    expect(plan.tests.find((t) => t.id === 'tests/app.spec.ts')?.reasons).toEqual(['imports packages/lib/src/money.ts via src/app.ts']);
  });

  it('runs everything for manifests, lockfiles, tsconfigs and the config file, and lists what nothing covers', async () => {
    for (const file of [
      'package.json',
      'packages/lib/package.json',
      'tsconfig.base.json',
      'packages/web/tsconfig.json',
      'watch.config.ts',
      'pnpm-lock.yaml',
      'vitest.config.ts',
    ]) {
      const plan = await project.select([file]);
      expect(plan.all, file).toBe(true);
      expect(plan.tests.length, file).toBe(project.tests.length);
    }
    const plan = await project.select(['docs/readme.md', 'packages/lib/src/unused.ts']);
    expect(plan).toMatchObject({ all: false, tests: [], uncovered: ['docs/readme.md', 'packages/lib/src/unused.ts'] });
  });

  it('selects the former importers of a deleted file', async () => {
    project.repo.remove('src/heavy.ts');
    expect(await project.selected(['src/heavy.ts'])).toEqual(['tests/lazy.spec.ts']);
  });
});
