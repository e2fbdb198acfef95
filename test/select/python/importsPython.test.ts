import { describe, expect, it } from 'vitest';
import {
  extractPythonImports,
  pythonSourceRoots,
  resolvePythonImport,
  type PythonImport,
} from '../../../src/select/python/importsPython.ts';

describe('extractPythonImports', () => {
  it('reads import and from-import statements in every form', () => {
    const source = [
      'import os',
      'import a.b as c, d',
      'from e.f import g, h as i',
      'from . import j',
      'from ..pkg import k',
      'from .mod import *',
      'from m import (',
      '    n,  # a comment',
      '    o as p,',
      ')',
      'import q; from r import s',
      'try:',
      '    import t',
      'except ImportError:',
      '    u = None',
      'from v \\',
      '    import w',
      'import ünïcode',
    ].join('\n');
    expect(extractPythonImports(source)).toEqual<PythonImport[]>([
      { level: 0, module: 'os', names: [] },
      { level: 0, module: 'a.b', names: [] },
      { level: 0, module: 'd', names: [] },
      { level: 0, module: 'e.f', names: ['g', 'h'] },
      { level: 1, module: '', names: ['j'] },
      { level: 2, module: 'pkg', names: ['k'] },
      { level: 1, module: 'mod', names: ['*'] },
      { level: 0, module: 'm', names: ['n', 'o'] },
      { level: 0, module: 'q', names: [] },
      { level: 0, module: 'r', names: ['s'] },
      { level: 0, module: 't', names: [] },
      { level: 0, module: 'v', names: ['w'] },
      { level: 0, module: 'ünïcode', names: [] },
    ]);
  });

  it('ignores comments and every kind of string', () => {
    const source = [
      '# import commented',
      '"""',
      'import in_docstring',
      '"""',
      "x = '''",
      'from in_single_triple import y',
      "'''",
      'msg = "import in_string"',
      "raw = r'\\' import not_code'",
      'f = f"{1}" ; import after_fstring',
      "b = rb'import in_bytes'",
      'important = 1',
      'imported.thing()',
      'from_me = 2',
    ].join('\n');
    expect(extractPythonImports(source)).toEqual([{ level: 0, module: 'after_fstring', names: [] }]);
  });
});

describe('pythonSourceRoots', () => {
  it('is the root, src, and the parent of each top-level package', () => {
    const files = [
      'backend/app/__init__.py',
      'backend/app/sub/__init__.py',
      'tests/__init__.py',
      'src/lib/x.py',
      'tools/script.py',
      'a/b/c/__init__.py',
    ];
    expect(pythonSourceRoots(files)).toEqual(['', 'a/b', 'backend', 'src']);
  });
});

describe('resolvePythonImport', () => {
  const files = new Set([
    'backend/app/__init__.py',
    'backend/app/models.py',
    'backend/app/api/__init__.py',
    'backend/app/api/routes.py',
    'backend/app/api/schemas/__init__.py',
    'backend/app/ns/loose.py',
    'backend/tests/test_api.py',
    'backend/tests/conftest_helpers.py',
    'src/lib/__init__.py',
    'src/lib/core.py',
    'top.py',
  ]);
  const roots = pythonSourceRoots(files);
  const resolve = (from: string, imp: PythonImport) => resolvePythonImport(from, imp, files, roots).sort();

  it('resolves absolute imports against the source roots, with parent package inits', () => {
    expect(resolve('backend/tests/test_api.py', { level: 0, module: 'app.api.routes', names: [] })).toEqual([
      'backend/app/__init__.py',
      'backend/app/api/__init__.py',
      'backend/app/api/routes.py',
    ]);
    expect(resolve('backend/tests/test_api.py', { level: 0, module: 'lib.core', names: [] })).toEqual([
      'src/lib/__init__.py',
      'src/lib/core.py',
    ]);
    expect(resolve('backend/app/models.py', { level: 0, module: 'top', names: [] })).toEqual(['top.py']);
  });

  it('treats from-imported names that are submodules as dependencies', () => {
    expect(resolve('x.py', { level: 0, module: 'app.api', names: ['routes', 'schemas', 'not_a_module', '*'] })).toEqual([
      'backend/app/__init__.py',
      'backend/app/api/__init__.py',
      'backend/app/api/routes.py',
      'backend/app/api/schemas/__init__.py',
    ]);
    expect(resolve('x.py', { level: 0, module: 'app.ns', names: ['loose'] })).toEqual([
      'backend/app/__init__.py',
      'backend/app/ns/loose.py',
    ]);
  });

  it('falls back to the longest module prefix that exists', () => {
    expect(resolve('x.py', { level: 0, module: 'app.models.Invoice', names: [] })).toEqual([
      'backend/app/__init__.py',
      'backend/app/models.py',
    ]);
  });

  it('resolves relative imports from the importing file’s package', () => {
    expect(resolve('backend/app/api/routes.py', { level: 1, module: '', names: ['schemas'] })).toEqual([
      'backend/app/api/__init__.py',
      'backend/app/api/schemas/__init__.py',
    ]);
    expect(resolve('backend/app/api/routes.py', { level: 2, module: 'models', names: ['Invoice'] })).toEqual(['backend/app/models.py']);
    expect(resolve('backend/app/api/__init__.py', { level: 1, module: 'routes', names: ['x'] })).toEqual(['backend/app/api/routes.py']);
    expect(resolve('top.py', { level: 2, module: 'x', names: ['y'] })).toEqual([]);
  });

  it('finds modules beside a test file that is not in a package', () => {
    expect(resolve('backend/tests/test_api.py', { level: 0, module: 'conftest_helpers', names: [] })).toEqual([
      'backend/tests/conftest_helpers.py',
    ]);
  });

  it('drops stdlib and third-party modules', () => {
    for (const module of ['os', 'os.path', 'requests', 'django.db']) {
      expect(resolve('backend/app/models.py', { level: 0, module, names: ['x'] })).toEqual([]);
    }
  });
});
