import path from 'node:path';
import { JS_EXTENSIONS } from './importsJs.ts';
import type { FileSet } from '../types.ts';
import type { JsContext, PackageInfo } from './jsContext.ts';
import { isRecord } from './tsconfigPaths.ts';

/** `./x.js` may name `x.ts`: the sources a compiled extension stands for. */
const SOURCE_FOR: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

/** Built output folders whose files usually come from `src/` in a workspace package. */
const BUILD_DIRS = /^(dist|build|lib|out)\//;
const MAX_DEPTH = 4;

/**
 * The project files a JS/TS specifier in `fromFile` names: relative paths; `#alias` through the
 * nearest package.json `imports` (every condition's target counts); tsconfig `paths` and
 * `baseUrl`; and the project's own packages by name (workspaces) through `exports` or their
 * entry fields. Third-party and built-in modules: [].
 */
export function resolveJsSpecifier(
  fromFile: string,
  specifier: string,
  files: FileSet,
  context: JsContext | undefined,
  depth = 0,
): string[] {
  if (specifier.startsWith('.')) return maybe(resolveJsImport(fromFile, specifier, files));
  if (context === undefined || depth > MAX_DEPTH || specifier === '' || specifier.startsWith('/') || specifier.includes(':')) return [];
  const clean = specifier.replace(/\?.*$/, '');
  if (clean.startsWith('#')) return resolvePackageImports(fromFile, clean, files, context, depth);
  const viaPaths = resolveTsPaths(fromFile, clean, files, context);
  if (viaPaths !== undefined) return viaPaths;
  return resolveProjectPackage(clean, files, context);
}

/** tsconfig `paths` (exact keys first, then the longest matching prefix), then `baseUrl`. */
function resolveTsPaths(fromFile: string, specifier: string, files: FileSet, context: JsContext): string[] | undefined {
  const config = context.pathsFor(fromFile);
  if (config === undefined) return undefined;
  let best: { targets: string[]; match: string; length: number } | undefined;
  for (const pattern of config.patterns) {
    if (!pattern.star) {
      if (specifier === pattern.prefix) best = { targets: pattern.targets, match: '', length: Number.POSITIVE_INFINITY };
      continue;
    }
    const fits =
      specifier.startsWith(pattern.prefix) &&
      specifier.endsWith(pattern.suffix) &&
      specifier.length >= pattern.prefix.length + pattern.suffix.length;
    if (fits && (best === undefined || pattern.prefix.length > best.length)) {
      best = {
        targets: pattern.targets,
        match: specifier.slice(pattern.prefix.length, specifier.length - pattern.suffix.length),
        length: pattern.prefix.length,
      };
    }
  }
  for (const target of best?.targets ?? []) {
    const found = resolveModulePath(target.replace('*', best!.match), files);
    if (found !== undefined) return [found];
  }
  if (config.baseUrl !== undefined) {
    const found = resolveModulePath(path.posix.join(config.baseUrl, specifier), files);
    if (found !== undefined) return [found];
  }
  return undefined;
}

/** `#alias` through the nearest package.json `imports`. */
function resolvePackageImports(fromFile: string, specifier: string, files: FileSet, context: JsContext, depth: number): string[] {
  const info = context.packageFor(fromFile);
  if (info?.imports === undefined) return [];
  return resolveTargets(info, matchSubpath(info.imports, specifier), files, context, depth);
}

/** A bare import of one of the project's own packages (`@app/lib`, `@app/lib/sub`). */
function resolveProjectPackage(specifier: string, files: FileSet, context: JsContext): string[] {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const info = context.packages.get(parts.slice(0, nameLength).join('/'));
  if (info === undefined) return [];
  const subpath = parts.slice(nameLength).join('/');
  if (info.exports !== undefined) {
    const found = resolveTargets(info, matchSubpath(exportsMap(info.exports), subpath === '' ? '.' : `./${subpath}`), files, context, 0);
    if (found.length > 0) return found;
  }
  if (subpath !== '') return maybe(resolveInPackage(info, subpath, files));
  for (const entry of [...info.entries, 'index', 'src/index']) {
    const found = resolveInPackage(info, entry, files);
    if (found !== undefined) return [found];
  }
  return [];
}

/** `exports` as a subpath map: a bare target or a conditions object is the `.` entry. */
function exportsMap(exports: unknown): Record<string, unknown> {
  if (isRecord(exports) && Object.keys(exports).some((key) => key.startsWith('.'))) return exports;
  return { '.': exports };
}

/** The targets of the best key for `request`: an exact key, else the `*` key with the longest prefix. */
function matchSubpath(map: Record<string, unknown>, request: string): string[] {
  if (request in map) return targetStrings(map[request]);
  let best: { key: string; match: string } | undefined;
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*');
    if (star === -1) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (
      request.startsWith(prefix) &&
      request.endsWith(suffix) &&
      request.length >= key.length - 1 &&
      (best === undefined || prefix.length > best.key.indexOf('*'))
    ) {
      best = { key, match: request.slice(prefix.length, request.length - suffix.length) };
    }
  }
  return best === undefined ? [] : targetStrings(map[best.key]).map((target) => target.replaceAll('*', best!.match));
}

/** Every string target under conditions and fallback arrays: whichever a runtime picks counts. */
function targetStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(targetStrings);
  if (isRecord(value)) return Object.values(value).flatMap(targetStrings);
  return [];
}

function resolveTargets(info: PackageInfo, targets: string[], files: FileSet, context: JsContext, depth: number): string[] {
  const found = new Set<string>();
  for (const target of targets) {
    const resolved = target.startsWith('./')
      ? maybe(resolveInPackage(info, target.slice(2), files))
      : resolveJsSpecifier(path.posix.join(info.dir, 'package.json'), target, files, context, depth + 1);
    for (const file of resolved) found.add(file);
  }
  return [...found];
}

/** A path inside a package; a built file that is not in the project maps to its `src/` twin. */
function resolveInPackage(info: PackageInfo, relative: string, files: FileSet): string | undefined {
  const clean = relative.replace(/^\.\//, '').replace(/\.d\.([cm]?)ts$/, '.$1js');
  const direct = resolveModulePath(path.posix.join(info.dir, clean), files);
  if (direct !== undefined || !BUILD_DIRS.test(clean)) return direct;
  return resolveModulePath(path.posix.join(info.dir, clean.replace(BUILD_DIRS, 'src/')), files);
}

function maybe(file: string | undefined): string[] {
  return file === undefined ? [] : [file];
}

/**
 * The project file a relative specifier names, or undefined (bare specifiers, files outside
 * root, nothing found). Tries, in order: the exact file, the source of a compiled extension
 * (`.js` → `.ts`/`.tsx`), the specifier plus each JS/TS extension, then `index.*` in it.
 */
export function resolveJsImport(fromFile: string, specifier: string, files: FileSet): string | undefined {
  const bare = specifier.replace(/[?#].*$/, '');
  if (!(bare === '.' || bare === '..' || bare.startsWith('./') || bare.startsWith('../'))) return undefined;
  return resolveModulePath(path.posix.join(path.posix.dirname(fromFile), bare), files);
}

/**
 * The project file a root-relative module path names (`src/a` → `src/a.ts`, `src/lib` →
 * `src/lib/index.ts`, `src/a.js` → `src/a.ts`), or undefined (outside root, nothing found).
 */
function resolveModulePath(modulePath: string, files: FileSet): string | undefined {
  const target = path.posix.normalize(modulePath);
  if (target === '..' || target.startsWith('../') || target.startsWith('/')) return undefined;
  const base = target === '.' ? '' : target.replace(/\/$/, '');
  return candidates(base).find((file) => files.has(file));
}

function candidates(base: string): string[] {
  const extension = path.posix.extname(base);
  const stem = base.slice(0, base.length - extension.length);
  const swapped = (SOURCE_FOR[extension] ?? []).map((source) => stem + source);
  const index = JS_EXTENSIONS.map((ext) => (base === '' ? `index${ext}` : `${base}/index${ext}`));
  if (base === '') return index;
  return [base, ...swapped, ...JS_EXTENSIONS.map((ext) => base + ext), ...index];
}
