import path from 'node:path';
import type { FileSet } from '../types.ts';

/** `import a.b` → { level: 0, module: 'a.b', names: [] }; `from ..p import x` → { level: 2, module: 'p', names: ['x'] }. */
export interface PythonImport {
  level: number;
  module: string;
  names: string[];
}

const IDENT = String.raw`[\p{L}_][\p{L}\p{N}_]*`;
const DOTTED = new RegExp(`^${IDENT}(?:\\.${IDENT})*$`, 'u');
const IMPORT = /^import\s+(.+)$/su;
const FROM = /^from\s+(\.*)\s*([\p{L}\p{N}_.]*)\s+import\s*(.+)$/su;

/** The imports of a Python source, in order: `import …` and `from … import …` statements anywhere. */
export function extractPythonImports(source: string): PythonImport[] {
  const imports: PythonImport[] = [];
  for (const line of logicalLines(source)) {
    for (const statement of line.split(';')) imports.push(...parseStatement(statement.trim()));
  }
  return imports;
}

function parseStatement(statement: string): PythonImport[] {
  const from = FROM.exec(statement);
  if (from !== null) {
    const module = from[2] ?? '';
    const names = splitNames((from[3] ?? '').replace(/[()]/g, ' ')).filter((name) => name === '*' || DOTTED.test(name));
    const level = (from[1] ?? '').length;
    return (level > 0 || DOTTED.test(module)) && names.length > 0 ? [{ level, module, names }] : [];
  }
  const plain = IMPORT.exec(statement);
  if (plain === null) return [];
  return splitNames(plain[1] ?? '')
    .filter((module) => DOTTED.test(module))
    .map((module) => ({ level: 0, module, names: [] }));
}

/** `a as b, c` → ['a', 'c']. */
function splitNames(list: string): string[] {
  return list
    .split(',')
    .map(
      (part) =>
        part
          .trim()
          .split(/\s+as\s+/u)[0]
          ?.trim() ?? '',
    )
    .filter((name) => name !== '');
}

/**
 * Source split into logical lines: comments dropped, every string literal replaced by `""`,
 * lines joined inside brackets and after a backslash continuation.
 */
function logicalLines(src: string): string[] {
  const lines: string[] = [];
  let current = '';
  let depth = 0;
  let i = 0;
  while (i < src.length) {
    const plain = matchAt(PLAIN, src, i);
    if (plain !== undefined) {
      current += plain;
      i += plain.length;
      continue;
    }
    const ch = src[i] as string;
    if (ch === '#') {
      const end = src.indexOf('\n', i);
      i = end === -1 ? src.length : end;
    } else if (ch === '"' || ch === "'") {
      // A prefix (r, b, f, rb…) went by as plain text; the quote starts the literal.
      i += matchAt(stringPattern(src, i), src, i)?.length ?? 1;
      current += '""';
    } else if (ch === '\\') {
      current += ' ';
      i += src.startsWith('\r\n', i + 1) ? 3 : 2;
    } else if (ch === '\n') {
      if (depth > 0) current += ' ';
      else {
        lines.push(current);
        current = '';
      }
      i++;
    } else {
      depth = '([{'.includes(ch) ? depth + 1 : Math.max(0, depth - 1);
      current += ch;
      i++;
    }
  }
  lines.push(current);
  return lines;
}

/** Runs of text that need no attention: no comment, quote, backslash, newline or bracket. */
const PLAIN = /[^#'"\\\n()[\]{}]+/y;
/** String literals from their opening quote; an unterminated single-quoted one ends at the line's end. */
const STRINGS: Record<string, RegExp> = {
  "'": /'(?:[^'\\\n]|\\[\s\S])*'?/y,
  '"': /"(?:[^"\\\n]|\\[\s\S])*"?/y,
  "'''": /'''(?:[^'\\]|\\[\s\S]|'(?!''))*(?:''')?/y,
  '"""': /"""(?:[^"\\]|\\[\s\S]|"(?!""))*(?:""")?/y,
};

function stringPattern(src: string, start: number): RegExp {
  const quote = src[start] as string;
  return STRINGS[src.startsWith(quote.repeat(3), start) ? quote.repeat(3) : quote] as RegExp;
}

function matchAt(pattern: RegExp, src: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(src)?.[0];
}

/** Files that mark a folder as a Python project: its folder (and its `src/`) is a source root. */
const PROJECT_FILES = new Set(['pyproject.toml', 'setup.py', 'setup.cfg']);

/**
 * Folders that absolute imports resolve from: the root (''), `src` if present, the parent of
 * every top-level package (a folder with `__init__.py` whose parent has none), and each folder
 * holding a `pyproject.toml`, `setup.py` or `setup.cfg` (with its `src/`, for namespace packages
 * that have no `__init__.py` to find them by). Root first.
 */
export function pythonSourceRoots(files: Iterable<string>): string[] {
  const all = new Set(files);
  const roots = new Set<string>();
  const projects: string[] = [];
  for (const file of all) {
    if (file === 'src' || file.startsWith('src/')) roots.add('src');
    const base = path.posix.basename(file);
    if (PROJECT_FILES.has(base)) projects.push(parentDir(file));
    if (base !== '__init__.py') continue;
    const pkg = path.posix.dirname(file);
    const parent = parentDir(pkg);
    if (pkg !== '.' && !all.has(join(parent, '__init__.py'))) roots.add(parent);
  }
  for (const project of projects) {
    roots.add(project);
    const src = join(project, 'src/');
    for (const file of all) {
      if (file.startsWith(src)) {
        roots.add(join(project, 'src'));
        break;
      }
    }
  }
  roots.delete('');
  return ['', ...[...roots].sort()];
}

/** Whether adding or removing `file` can change what pythonSourceRoots returns. */
export function affectsSourceRoots(file: string): boolean {
  const base = path.posix.basename(file);
  return base === '__init__.py' || PROJECT_FILES.has(base) || file.startsWith('src/') || file.includes('/src/');
}

/**
 * The project files an import makes `fromFile` depend on: the module (`a/b.py` or
 * `a/b/__init__.py`, or its longest existing prefix), the `__init__.py` of its parent packages,
 * and the names of a `from` import that are submodules. Stdlib and third-party: [].
 */
export function resolvePythonImport(fromFile: string, imp: PythonImport, files: FileSet, sourceRoots: readonly string[]): string[] {
  const parts = imp.module === '' ? [] : imp.module.split('.');
  if (imp.level > 0) {
    const base = relativeBase(fromFile, imp.level);
    return base === undefined ? [] : resolveIn(base, parts, imp.names, files);
  }
  for (const base of new Set([scriptBase(fromFile, files), ...sourceRoots])) {
    const found = resolveIn(base, parts, imp.names, files);
    if (found.length > 0) return found;
  }
  return [];
}

function resolveIn(base: string, parts: string[], names: string[], files: FileSet): string[] {
  const found = new Set<string>();
  // A from-imported name may be a submodule, also of a namespace package (no __init__.py).
  const submodules = names.filter((name) => name !== '*').map((name) => [...parts, name]);
  let depth = parts.length;
  while (depth > 0 && moduleFile(base, parts.slice(0, depth), files) === undefined) depth--;
  if (depth > 0 || parts.length === 0) addModule(found, base, parts.slice(0, depth), files);
  for (const submodule of submodules) {
    if (moduleFile(base, submodule, files) !== undefined) addModule(found, base, submodule, files);
  }
  return [...found];
}

/** Adds the module and the `__init__.py` of each package above it (below `base`). */
function addModule(found: Set<string>, base: string, parts: string[], files: FileSet): void {
  for (let i = 1; i < parts.length; i++) {
    const init = join(base, ...parts.slice(0, i), '__init__.py');
    if (files.has(init)) found.add(init);
  }
  const module = parts.length === 0 ? join(base, '__init__.py') : moduleFile(base, parts, files);
  if (module !== undefined && files.has(module)) found.add(module);
}

function moduleFile(base: string, parts: string[], files: FileSet): string | undefined {
  const stem = join(base, ...parts);
  return [`${stem}.py`, join(stem, '__init__.py')].find((file) => files.has(file));
}

/** The package folder `level` dots refer to from `fromFile`, or undefined above the root. */
function relativeBase(fromFile: string, level: number): string | undefined {
  let dir = parentDir(fromFile);
  for (let i = 1; i < level; i++) {
    if (dir === '') return undefined;
    dir = parentDir(dir);
  }
  return dir;
}

/** The first folder upwards from the file without `__init__.py` (where pytest and `python x.py` put it on sys.path). */
function scriptBase(fromFile: string, files: FileSet): string {
  let dir = parentDir(fromFile);
  while (dir !== '' && files.has(join(dir, '__init__.py'))) dir = parentDir(dir);
  return dir;
}

function parentDir(file: string): string {
  const dir = path.posix.dirname(file);
  return dir === '.' ? '' : dir;
}

function join(...parts: string[]): string {
  return parts.filter((part) => part !== '').join('/');
}
