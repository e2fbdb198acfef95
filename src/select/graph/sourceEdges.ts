import path from 'node:path';
import { extractJsImports, JS_EXTENSIONS, type JsImports } from '../js/importsJs.ts';
import type { JsContext } from '../js/jsContext.ts';
import { DEFAULT_JSX_IMPORT_SOURCE, isJsxFile, jsxPragmaSource, jsxRuntimeSpecifiers } from '../js/jsxRuntime.ts';
import { resolveJsSpecifier } from '../js/resolveJs.ts';
import { extractPythonImports, resolvePythonImport, type PythonImport } from '../python/importsPython.ts';
import { conftestsFor } from '../python/pythonConftest.ts';
import type { FileSet, ImportKind } from '../types.ts';

/** What a source says it imports, before resolution (what the persisted graph keeps). */
export type Parsed = ({ lang: 'js'; jsxImportSource?: string } & JsImports) | { lang: 'py'; imports: PythonImport[] };

/** What resolution sees beyond the parse: the files that exist, JS settings, Python source roots. */
export interface EdgeContext {
  files: FileSet;
  context: JsContext | undefined;
  sourceRoots: readonly string[];
}

/** The language whose imports a file is scanned for, if any. */
export function sourceLanguage(file: string): 'js' | 'py' | undefined {
  const extension = path.posix.extname(file);
  if (extension === '.py') return 'py';
  return JS_EXTENSIONS.includes(extension) ? 'js' : undefined;
}

/** Scans a source for its imports (and, in a JSX file, its `@jsxImportSource` pragma). */
export function parseSource(file: string, lang: 'js' | 'py', source: string): Parsed {
  if (lang === 'py') return { lang, imports: extractPythonImports(source) };
  const jsxImportSource = isJsxFile(file) ? jsxPragmaSource(source) : undefined;
  return { lang, ...extractJsImports(source), ...(jsxImportSource === undefined ? {} : { jsxImportSource }) };
}

/**
 * The project files `file` imports, each with its kind: `runtime` when any import of it is,
 * `type-only` when all are. Python imports and conftest.py files are runtime; a JSX file also
 * imports its JSX runtime.
 */
export function resolveEdges(file: string, parsed: Parsed, { files, context, sourceRoots }: EdgeContext): Map<string, ImportKind> {
  const edges = new Map<string, ImportKind>();
  const add = (targets: string[], kind: ImportKind) => {
    for (const target of targets) if (kind === 'runtime' || !edges.has(target)) edges.set(target, kind);
  };
  if (parsed.lang === 'py') {
    add(conftestsFor(file, files), 'runtime');
    for (const imp of parsed.imports) add(resolvePythonImport(file, imp, files, sourceRoots), 'runtime');
    return edges;
  }
  const typeOnly = new Set(parsed.typeOnly);
  for (const specifier of parsed.specifiers)
    add(resolveJsSpecifier(file, specifier, files, context), typeOnly.has(specifier) ? 'type-only' : 'runtime');
  if (isJsxFile(file)) {
    const importSource = parsed.jsxImportSource ?? context?.jsxImportSourceFor(file) ?? DEFAULT_JSX_IMPORT_SOURCE;
    for (const specifier of jsxRuntimeSpecifiers(importSource)) add(resolveJsSpecifier(file, specifier, files, context), 'runtime');
  }
  return edges;
}
