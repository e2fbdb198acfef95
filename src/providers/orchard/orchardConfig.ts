import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, errorMessage } from '../../errors.ts';
import type { OrchardSettings } from '../../config/orchardSchema.ts';
import { parseOrchardYaml, type YamlValue } from './orchardYaml.ts';

/** How to reach the controller, and where each value came from (for error messages). */
export interface OrchardConnection {
  url: string;
  serviceAccountName: string;
  serviceAccountToken: string;
  /** The controller's certificate (PEM) to pin, or undefined to trust the system CAs. */
  certificate?: string;
  /** "pool.orchard.url", "ORCHARD_URL", "context \"default\" of ~/.orchard/orchard.yml", … */
  sources: { url: string; serviceAccountName: string; serviceAccountToken: string; certificate?: string };
}

const DEFAULT_PORT = 6120;

/** ORCHARD_HOME/.orchard/orchard.yml, else ~/.orchard/orchard.yml (internal/orchardhome). */
export function orchardConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.ORCHARD_HOME || os.homedir(), '.orchard', 'orchard.yml');
}

interface Context {
  name: string;
  file: string;
  url?: string;
  certificate?: string;
  serviceAccountName?: string;
  serviceAccountToken?: string;
}

function defaultContext(file: string): Context | null {
  if (!existsSync(file)) return null;
  let doc: { [key: string]: YamlValue };
  try {
    doc = parseOrchardYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(
      `${file}: cannot read Orchard's contexts (${errorMessage(err)}); ` +
        "fix it with 'orchard context create', or set pool.orchard in the config",
    );
  }
  const name = doc['default-context'];
  const contexts = doc.contexts;
  if (typeof name !== 'string' || typeof contexts !== 'object') return null;
  const ctx = contexts[name];
  if (typeof ctx !== 'object') return null;
  const str = (k: string): string | undefined => (typeof ctx[k] === 'string' && ctx[k] !== '' ? (ctx[k] as string) : undefined);
  const cert = str('certificate');
  return {
    name,
    file,
    ...(str('url') ? { url: str('url')! } : {}),
    ...(cert ? { certificate: Buffer.from(cert.replace(/\s+/g, ''), 'base64').toString('utf8') } : {}),
    ...(str('serviceAccountName') ? { serviceAccountName: str('serviceAccountName')! } : {}),
    ...(str('serviceAccountToken') ? { serviceAccountToken: str('serviceAccountToken')! } : {}),
  };
}

/** Scheme https and port 6120 unless given, as `orchard context create` does. */
export function normalizeUrl(raw: string, source: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`${source}: "${raw}" is not a URL; expected e.g. https://orchard.example.com:6120`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError(`${source}: "${raw}": only http and https controllers exist`);
  // URL drops a scheme's default port (https://host:443 has port ''): only a URL given without one gets 6120.
  const portGiven = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):\d+/i.test(withScheme);
  if (url.port === '' && !portGiven) url.port = String(DEFAULT_PORT);
  return url.toString().replace(/\/+$/, '');
}

/** PEM text as is; anything else is a path to a PEM file, relative to the config file. */
function readCertificate(value: string, configFile: string): string {
  if (value.includes('-----BEGIN')) return value;
  const file = path.resolve(path.dirname(configFile), value);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `${configFile}: pool.orchard.certificate: expected PEM text or a readable file, but ${file}: ${errorMessage(err)}`,
    );
  }
}

/**
 * The connection, field by field: pool.orchard, else the ORCHARD_* variables, else the default
 * context of ~/.orchard/orchard.yml. A missing URL or credential is a config error naming all three.
 */
export function resolveOrchardConnection(
  configFile: string,
  settings: Partial<OrchardSettings> | undefined,
  env: NodeJS.ProcessEnv = process.env,
): OrchardConnection {
  const yml = orchardConfigFile(env);
  const ctx = defaultContext(yml);
  const ctxName = ctx ? `context "${ctx.name}" of ${yml}` : '';
  const pick = (field: 'url' | 'serviceAccountName' | 'serviceAccountToken', envName: string): [string, string] => {
    const fromConfig = settings?.[field];
    if (fromConfig !== undefined) return [fromConfig, `pool.orchard.${field}`];
    const fromEnv = env[envName];
    if (fromEnv !== undefined && fromEnv !== '') return [fromEnv, envName];
    const fromCtx = ctx?.[field];
    if (fromCtx !== undefined) return [fromCtx, ctxName];
    throw new ConfigError(
      `${configFile}: no Orchard ` +
        `${field === 'url' ? 'controller URL' : field === 'serviceAccountName' ? 'service account name' : 'service account token'}: ` +
        `set pool.orchard.${field}, or ${envName}, or create a context with ` +
        `'orchard context create URL --service-account-name N --service-account-token T' (${yml})`,
    );
  };
  const [url, urlSource] = pick('url', 'ORCHARD_URL');
  const [name, nameSource] = pick('serviceAccountName', 'ORCHARD_SERVICE_ACCOUNT_NAME');
  const [token, tokenSource] = pick('serviceAccountToken', 'ORCHARD_SERVICE_ACCOUNT_TOKEN');
  const certificate = settings?.certificate !== undefined ? readCertificate(settings.certificate, configFile) : ctx?.certificate;
  const certSource = settings?.certificate !== undefined ? 'pool.orchard.certificate' : ctx?.certificate ? ctxName : undefined;
  return {
    url: normalizeUrl(url, urlSource),
    serviceAccountName: name,
    serviceAccountToken: token,
    ...(certificate === undefined ? {} : { certificate }),
    sources: {
      url: urlSource,
      serviceAccountName: nameSource,
      serviceAccountToken: tokenSource,
      ...(certSource ? { certificate: certSource } : {}),
    },
  };
}
