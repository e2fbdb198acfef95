import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureProject, type FixtureProject } from '../fixtureProject.ts';

/**
 * A Python monorepo: a src-layout project found by its pyproject.toml, a namespace package,
 * conftest.py at two levels, relative imports inside a package, a flat project beside it.
 */
const FILES: Record<string, string> = {
  'backend/pyproject.toml': '[project]\nname = "shop"\n',
  'backend/src/shop/__init__.py': '',
  'backend/src/shop/cart.py': 'from .prices import total\nfrom shop import utils\n',
  'backend/src/shop/prices.py': 'from shop.tax import rate\n',
  'backend/src/shop/tax.py': 'rate = 0.2\n',
  'backend/src/shop/utils.py': 'import os\n',
  'backend/src/shop/db.py': 'import sqlite3\n',
  'backend/src/shop/unused.py': '',
  'backend/src/plugins/stripe.py': 'import shop.prices\n',
  'backend/tests/conftest.py': 'import pytest\nfrom shop import db\n',
  'backend/tests/test_cart.py': 'from shop.cart import total\n',
  'backend/tests/test_tax.py': 'from shop import tax\n',
  'backend/tests/test_plugins.py': 'from plugins import stripe\n',
  'backend/tests/api/conftest.py': 'import json\n',
  'backend/tests/api/test_routes.py': 'import shop.utils\n',
  'lib/__init__.py': '',
  'lib/core.py': 'thing = 1\n',
  'lib/sub/__init__.py': 'from .. import core\n',
  'lib/sub/a.py': 'from ..core import thing\n',
  'lib/sub/b.py': '',
  'lib/tests/__init__.py': '',
  'lib/tests/test_a.py': 'from ..sub import a\n',
  'lib/tests/test_b.py': 'from lib.sub import b\n',
  'scripts/report.sql': 'select 1;\n',
};

let project: FixtureProject;

beforeAll(async () => {
  project = await fixtureProject(FILES, {
    discover: [{ pattern: '**/test_*.py', command: 'python -m pytest {file}' }],
    triggers: { map: [{ files: ['scripts/*.sql'], tests: ['lib/tests/test_b.py'] }] },
  });
});
afterAll(() => project.repo.cleanup());

const BACKEND = [
  'backend/tests/api/test_routes.py',
  'backend/tests/test_cart.py',
  'backend/tests/test_plugins.py',
  'backend/tests/test_tax.py',
];

describe('selection on a Python fixture', () => {
  it.each<[string, string[]]>([
    // from-imported submodule, transitive chains through a namespace package and a relative import
    ['backend/src/shop/tax.py', ['backend/tests/test_cart.py', 'backend/tests/test_plugins.py', 'backend/tests/test_tax.py']],
    ['backend/src/shop/utils.py', ['backend/tests/api/test_routes.py', 'backend/tests/test_cart.py']],
    ['backend/src/plugins/stripe.py', ['backend/tests/test_plugins.py']],
    // a package's __init__.py is imported by every import of its modules
    ['backend/src/shop/__init__.py', BACKEND],
    // conftest.py applies to its folder and below, and what it imports with it
    ['backend/src/shop/db.py', BACKEND],
    ['backend/tests/conftest.py', BACKEND],
    ['backend/tests/api/conftest.py', ['backend/tests/api/test_routes.py']],
    // relative imports: from .. import x, from ..pkg import y; parent packages' __init__.py
    ['lib/core.py', ['lib/tests/test_a.py', 'lib/tests/test_b.py']],
    ['lib/sub/a.py', ['lib/tests/test_a.py']],
    ['lib/sub/b.py', ['lib/tests/test_b.py']],
    ['backend/src/shop/unused.py', []],
    ['scripts/report.sql', ['lib/tests/test_b.py']],
  ])('a change to %s runs exactly %j', async (changed, expected) => {
    expect(await project.selected([changed])).toEqual(expected);
  });

  it('names the chain through conftest.py', async () => {
    const plan = await project.select(['backend/src/shop/db.py']);
    expect(plan.tests.find((t) => t.id === 'backend/tests/api/test_routes.py')?.reasons).toEqual([
      'imports backend/src/shop/db.py via backend/tests/conftest.py',
    ]);
  });

  it('runs everything for Python manifests and lockfiles', async () => {
    for (const file of ['requirements-dev.txt', 'poetry.lock', 'uv.lock', 'pyproject.toml', 'pytest.ini']) {
      expect((await project.select([file])).all, file).toBe(true);
    }
  });
});

describe('configured Python source roots', () => {
  it('resolve absolute imports only from the roots named', async () => {
    const files = {
      'app/models.py': '',
      'app/tests/test_models.py': 'import models\n',
      'other/models.py': '',
      'top/test_top.py': 'import models\n',
    };
    const configured = await fixtureProject(
      files,
      { discover: [{ pattern: '**/test_*.py', command: 'pytest {file}' }] },
      { sourceRoots: ['app'] },
    );
    try {
      expect(await configured.selected(['app/models.py'])).toEqual(['app/tests/test_models.py', 'top/test_top.py']);
      expect(await configured.selected(['other/models.py'])).toEqual([]);
    } finally {
      configured.repo.cleanup();
    }
  });
});
