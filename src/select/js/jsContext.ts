import path from 'node:path';
import { parseJsonc } from '../../config/jsonc.ts';
import { DEFAULT_JSX_IMPORT_SOURCE, isViteConfigFile, viteJsxImportSource } from './jsxRuntime.ts';
import { isRecord, loadPathsConfig, type PathsConfig, type ReadText } from './tsconfigPaths.ts';

/** A project package.json: what `#imports`, a bare import of its name, and `exports` resolve to. */
export interface PackageInfo {
  /** Its folder, root-relative ('' = root). */
  dir: string;
  name?: string;
  imports?: Record<string, unknown>;
  exports?: unknown;
  /** `source`, `types`, `module`, `main`, in that order. */
  entries: string[];
}

/** What JS/TS resolution needs beyond relative paths. */
export interface JsContext {
  /** The tsconfig/jsconfig settings that apply to a file (nearest upwards), if any. */
  pathsFor(file: string): PathsConfig | undefined;
  /** The nearest package.json upwards from a file. */
  packageFor(file: string): PackageInfo | undefined;
  /** Project packages by name (workspaces, and the root package for self-imports). */
  packages: ReadonlyMap<string, PackageInfo>;
  /**
   * The JSX import source for a file without a pragma: its tsconfig's `jsxImportSource`, else the
   * nearest Vite/Vitest config's, else `react`.
   */
  jsxImportSourceFor(file: string): string;
}

export interface JsContextOptions {
  root: string;
  files: Iterable<string>;
  read: ReadText;
  /**
   * Root-relative tsconfig files to use instead of every tsconfig.json/jsconfig.json found. Each
   * applies below its folder; a file below none of them gets the first.
   */
  tsconfigs?: readonly string[];
}

/** The files whose change means the context must be loaded again. */
export function isJsContextFile(file: string): boolean {
  const base = path.posix.basename(file);
  return base === 'package.json' || /^(tsconfig|jsconfig)(\..*)?\.json$/.test(base) || isViteConfigFile(base);
}

/** Reads every tsconfig.json, jsconfig.json and package.json of the project. */
export async function loadJsContext(options: JsContextOptions): Promise<JsContext> {
  const configsByDir = new Map<string, PathsConfig>();
  const packagesByDir = new Map<string, PackageInfo>();
  const all = [...options.files];
  const tsconfigs = options.tsconfigs ?? all.filter((file) => /(^|\/)(tsconfig|jsconfig)\.json$/.test(file));
  // tsconfig.json beats jsconfig.json in the same folder: sorted so it is set last.
  for (const file of [...tsconfigs].sort((a, b) => Number(a.endsWith('tsconfig.json')) - Number(b.endsWith('tsconfig.json')))) {
    configsByDir.set(dirOf(file), await loadPathsConfig(options.root, path.join(options.root, file), options.read));
  }
  for (const file of all.filter((f) => f === 'package.json' || f.endsWith('/package.json'))) {
    const info = parsePackage(dirOf(file), (await options.read(path.join(options.root, file))) ?? '');
    if (info !== undefined) packagesByDir.set(info.dir, info);
  }
  const jsxByDir = new Map<string, string>();
  for (const file of all.filter(isViteConfigFile)) {
    const source = viteJsxImportSource((await options.read(path.join(options.root, file))) ?? '');
    if (source !== undefined) jsxByDir.set(dirOf(file), source);
  }
  const packages = new Map<string, PackageInfo>();
  for (const info of packagesByDir.values()) if (info.name !== undefined) packages.set(info.name, info);
  const nearestPaths = nearest(configsByDir);
  const fallback = options.tsconfigs?.[0] === undefined ? undefined : configsByDir.get(dirOf(options.tsconfigs[0]));
  const pathsFor = fallback === undefined ? nearestPaths : (file: string) => nearestPaths(file) ?? fallback;
  const viteJsxFor = nearest(jsxByDir);
  const jsxImportSourceFor = (file: string) => pathsFor(file)?.jsxImportSource ?? viteJsxFor(file) ?? DEFAULT_JSX_IMPORT_SOURCE;
  return { pathsFor, packageFor: nearest(packagesByDir), packages, jsxImportSourceFor };
}

function parsePackage(dir: string, text: string): PackageInfo | undefined {
  const json = parseJsonc(text);
  if (!isRecord(json)) return undefined;
  const info: PackageInfo = { dir, entries: [] };
  if (typeof json.name === 'string') info.name = json.name;
  if (isRecord(json.imports)) info.imports = json.imports;
  if (json.exports !== undefined) info.exports = json.exports;
  for (const key of ['source', 'types', 'typings', 'module', 'main']) {
    const value = json[key];
    if (typeof value === 'string') info.entries.push(value);
  }
  return info;
}

/** A lookup of the value set for the nearest folder upwards from a file (cached per folder). */
function nearest<T>(byDir: Map<string, T>): (file: string) => T | undefined {
  const cache = new Map<string, T | undefined>();
  const lookup = (dir: string): T | undefined => {
    if (cache.has(dir)) return cache.get(dir);
    const found = byDir.get(dir) ?? (dir === '' ? undefined : lookup(dirOf(dir)));
    cache.set(dir, found);
    return found;
  };
  return (file) => (byDir.size === 0 ? undefined : lookup(dirOf(file)));
}

function dirOf(file: string): string {
  const at = file.lastIndexOf('/');
  return at === -1 ? '' : file.slice(0, at);
}
