import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createJiti } from 'jiti';
import { ConfigError, errorMessage } from '../errors.ts';
import { logger } from '../log.ts';
import { formatIssues } from './formatIssues.ts';
import { parseJsoncOrProblem } from './jsonc.ts';
import { TART_VMS_PER_HOST, tartHostLimitProblem } from './hostLimit.ts';
import { parseMemoryMb } from './parseMemory.ts';
import { portMapProblem } from './portMap.ts';
import { applyProviderShares } from './providerShares.ts';
import { fromReferenceConfig, isReferenceConfig, referenceConfigSchema } from './referenceConfig.ts';
import { configSchema, type ParsedConfig } from './schema.ts';
import type { ResolvedConfig } from './types.ts';

const log = logger('config');

/** Looked for in the current directory, in this order, when no `--config` is given. */
const DEFAULT_CONFIG_FILES = [
  'watch.config.ts',
  'watch.config.mts',
  'watch.config.mjs',
  'watch.config.js',
  'watch.config.json',
  'config.json',
];

function findConfigFile(cwd: string, explicit?: string): string {
  if (explicit !== undefined) {
    const file = path.resolve(cwd, explicit);
    if (!existsSync(file)) throw new ConfigError(`${file}: config file not found (given with --config)`);
    return file;
  }
  for (const name of DEFAULT_CONFIG_FILES) {
    const file = path.join(cwd, name);
    if (existsSync(file)) return file;
  }
  throw new ConfigError(`no config file in ${cwd}: expected one of ${DEFAULT_CONFIG_FILES.join(', ')}, or pass --config FILE`);
}

async function importConfigModule(file: string): Promise<unknown> {
  if (file.endsWith('.json')) {
    // JSONC: comments and trailing commas are fine, as in tsconfig.json.
    const parsed = parseJsoncOrProblem(await readFile(file, 'utf8'));
    if ('problem' in parsed) {
      const { line, column, message } = parsed.problem;
      throw new ConfigError(
        `${file}:${line}:${column}: not valid JSON (comments and trailing commas are allowed): ` +
          `${message} at line ${line}, column ${column}`,
      );
    }
    return parsed.value;
  }
  const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: true });
  let mod: unknown;
  try {
    mod = await jiti.import(file);
  } catch (err) {
    throw new ConfigError(`${file}: the config file threw while loading: ${errorMessage(err)}`, { cause: err });
  }
  const exported = (mod as { default?: unknown }).default ?? mod;
  return typeof exported === 'function' ? await (exported as () => unknown)() : exported;
}

function parseOrThrow(file: string, raw: unknown): ParsedConfig {
  if (isReferenceConfig(raw)) {
    const ref = referenceConfigSchema.safeParse(raw);
    if (!ref.success) throw invalid(file, formatIssues(ref.error.issues));
    const config = configSchema.parse(fromReferenceConfig(ref.data));
    if (config.pool.provider === 'tart' && tartHostLimitProblem(config.pool)) {
      // A short-form config may ask for 3 Tart VMs on one Mac; accept it as is, but run 2.
      log.warn(
        `${file}: poolSize ${config.pool.size} with Tart: macOS runs at most ${TART_VMS_PER_HOST} VMs per host, ` +
          `so the pool runs ${TART_VMS_PER_HOST} (use provider "orchard" for more)`,
      );
      config.pool.size = TART_VMS_PER_HOST;
    }
    return config;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${file}: expected the file to export a config object (export default defineConfig({ root: ... }))`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw invalid(file, formatIssues(parsed.error.issues));
  const shareProblems = applyProviderShares((raw as { pool?: unknown }).pool, parsed.data.pool);
  if (shareProblems.length > 0) throw invalid(file, shareProblems);
  const ports = portMapProblem(parsed.data.pool.size, parsed.data.pool.ports);
  if (ports !== null) throw invalid(file, [ports]);
  return parsed.data;
}

function invalid(file: string, lines: string[]): ConfigError {
  return new ConfigError(`${file}: invalid config:\n${lines.map((l) => `  ${l}`).join('\n')}`);
}

/** 6 hex digits of the path's SHA-256. */
function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6);
}

function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s === '' ? 'app' : s.slice(0, 24);
}

/** Fill derived values and make host paths absolute. Exported for tests. */
function resolveConfig(file: string, parsed: ParsedConfig): ResolvedConfig {
  const configDir = path.dirname(file);
  const root = path.resolve(configDir, parsed.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw invalid(file, [`root: expected an existing folder, but ${root} does not exist`]);
  }
  for (const [i, suite] of parsed.tests.entries()) {
    if (parsed.tests.findIndex((t) => t.id === suite.id) !== i) {
      throw invalid(file, [`tests[${i}].id: "${suite.id}" is used twice; test ids must be unique`]);
    }
  }
  if (parsed.pool.provider === 'tart') {
    const refused = tartHostLimitProblem(parsed.pool);
    if (refused) throw invalid(file, [refused]);
  }
  const { memory, name, snapshot, ...pool } = parsed.pool;
  const poolName = name ?? slug(path.basename(root));
  return {
    ...parsed,
    root,
    configFile: file,
    configDir,
    artifactsInto: path.resolve(configDir, parsed.artifacts.into),
    pool: {
      ...pool,
      name: poolName,
      // The root's own: two apps in folders of the same name never share a snapshot by accident.
      snapshot: snapshot ?? `${poolName}-${shortHash(root)}-ready`,
      snapshotNamed: snapshot !== undefined,
      ...(memory === undefined ? {} : { memoryMb: parseMemoryMb(memory) }),
    },
  };
}

/** Find, load (jiti for .ts/.mjs/.js, JSON otherwise), validate and resolve the config. */
export async function loadConfig(options: { cwd?: string; file?: string } = {}): Promise<ResolvedConfig> {
  const file = findConfigFile(options.cwd ?? process.cwd(), options.file);
  const raw = await importConfigModule(file);
  return resolveConfig(file, parseOrThrow(file, raw));
}
