import path from 'node:path';
import { parseJsonc } from '../../config/jsonc.ts';

/** Reads a file by absolute path; undefined when it cannot be read. */
export type ReadText = (absolute: string) => Promise<string | undefined>;

/** One `compilerOptions.paths` entry: `@lib/*` → prefix `@lib/`, suffix ``, targets root-relative. */
interface PathPattern {
  prefix: string;
  suffix: string;
  star: boolean;
  targets: string[];
}

/** What a tsconfig (its `extends` chain applied) says about module resolution, root-relative. */
export interface PathsConfig {
  /** The tsconfig file, root-relative (or absolute when outside root). */
  file: string;
  /** `baseUrl`, root-relative ('' = root); undefined when unset or outside root. */
  baseUrl?: string;
  patterns: PathPattern[];
  /** `compilerOptions.jsxImportSource`, when set. */
  jsxImportSource?: string;
}

interface RawOptions {
  baseUrl?: string;
  paths?: Record<string, string[]>;
  /** Folder `paths` targets are relative to (baseUrl, else the tsconfig that set `paths`). */
  pathsBase?: string;
  jsxImportSource?: string;
}

const MAX_EXTENDS_DEPTH = 16;

/**
 * Loads `file` (absolute) with its `extends` chain (relative files, or packages in the root's
 * node_modules) and returns its resolution settings relative to `root`. Missing or broken files
 * count as empty: resolution falls back to relative imports.
 */
export async function loadPathsConfig(root: string, file: string, read: ReadText): Promise<PathsConfig> {
  const options = await loadOptions(root, file, read, 0);
  const relative = (absolute: string) => toRootRelative(root, absolute);
  const config: PathsConfig = { file: relative(file) ?? file, patterns: [] };
  if (options.baseUrl !== undefined) {
    const baseUrl = relative(options.baseUrl);
    if (baseUrl !== undefined) config.baseUrl = baseUrl;
  }
  if (options.jsxImportSource !== undefined) config.jsxImportSource = options.jsxImportSource;
  const pathsBase = options.baseUrl ?? options.pathsBase ?? path.dirname(file);
  for (const [key, targets] of Object.entries(options.paths ?? {})) {
    if (!Array.isArray(targets)) continue;
    const star = key.indexOf('*');
    const resolved = targets.flatMap((target) => (typeof target === 'string' ? (relative(path.resolve(pathsBase, target)) ?? []) : []));
    config.patterns.push({
      prefix: star === -1 ? key : key.slice(0, star),
      suffix: star === -1 ? '' : key.slice(star + 1),
      star: star !== -1,
      targets: resolved,
    });
  }
  return config;
}

async function loadOptions(root: string, file: string, read: ReadText, depth: number): Promise<RawOptions> {
  const json = parseJsonc((await read(file)) ?? '');
  if (!isRecord(json) || depth > MAX_EXTENDS_DEPTH) return {};
  const dir = path.dirname(file);
  let merged: RawOptions = {};
  const parents = typeof json.extends === 'string' ? [json.extends] : Array.isArray(json.extends) ? json.extends : [];
  for (const parent of parents) {
    if (typeof parent !== 'string') continue;
    const parentFile = await findExtended(root, dir, parent, read);
    if (parentFile !== undefined) merged = { ...merged, ...(await loadOptions(root, parentFile, read, depth + 1)) };
  }
  const own = isRecord(json.compilerOptions) ? json.compilerOptions : {};
  if (typeof own.baseUrl === 'string') merged.baseUrl = path.resolve(dir, own.baseUrl);
  if (isRecord(own.paths)) {
    merged.paths = own.paths as Record<string, string[]>;
    merged.pathsBase = dir;
  }
  if (typeof own.jsxImportSource === 'string') merged.jsxImportSource = own.jsxImportSource;
  return merged;
}

/** The file an `extends` names: a relative path (with or without .json) or a package's tsconfig. */
async function findExtended(root: string, dir: string, name: string, read: ReadText): Promise<string | undefined> {
  const relative = name.startsWith('.') || path.isAbsolute(name);
  const bases = relative ? [path.resolve(dir, name)] : [path.join(dir, 'node_modules', name), path.join(root, 'node_modules', name)];
  for (const base of bases) {
    for (const candidate of [base, `${base}.json`, path.join(base, 'tsconfig.json')]) {
      if ((await read(candidate)) !== undefined) return candidate;
    }
  }
  return undefined;
}

/** `absolute` relative to root with posix separators, or undefined outside root. */
export function toRootRelative(root: string, absolute: string): string | undefined {
  const relative = path.relative(root, absolute);
  if (relative === '') return '';
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
