import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import { normalizeUrl, orchardConfigFile, resolveOrchardConnection } from '../../../src/providers/orchard/orchardConfig.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('resolveOrchardConnection', () => {
  let dir: string;
  let home: string;
  let configFile: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-orchard-config-'));
    home = path.join(dir, 'home');
    mkdirSync(home);
    configFile = path.join(dir, 'watch.config.json');
    // os.homedir() reads HOME: ~/.orchard/orchard.yml is the temp home's.
    vi.stubEnv('HOME', home);
    vi.stubEnv('ORCHARD_HOME', '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  /** ~/.orchard/orchard.yml as `orchard context create` leaves it (yaml.v3, flow or block mappings). */
  const writeYml = (text: string, at = home): string => {
    mkdirSync(path.join(at, '.orchard'), { recursive: true });
    const file = path.join(at, '.orchard', 'orchard.yml');
    writeFileSync(file, text, { mode: 0o600 });
    return file;
  };
  const failure = (fn: () => unknown): ConfigError => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).exitCode).toBe(2);
      return err as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  it('takes pool.orchard fields first, over ORCHARD_* and the default context, and says so', () => {
    writeYml(
      'default-context: default\ncontexts:\n  default: {url: "https://from-yml:6120", serviceAccountName: yml, ' +
        'serviceAccountToken: yml-token}\n',
    );
    const env = {
      HOME: home,
      ORCHARD_URL: 'https://from-env:6120',
      ORCHARD_SERVICE_ACCOUNT_NAME: 'env',
      ORCHARD_SERVICE_ACCOUNT_TOKEN: 'env-token',
    };
    const c = resolveOrchardConnection(
      configFile,
      { url: 'orchard.example.com', serviceAccountName: 'vmwatch', serviceAccountToken: 's3cret', certificate: PEM },
      env,
    );
    expect(c).toEqual({
      url: 'https://orchard.example.com:6120',
      serviceAccountName: 'vmwatch',
      serviceAccountToken: 's3cret',
      certificate: PEM,
      sources: {
        url: 'pool.orchard.url',
        serviceAccountName: 'pool.orchard.serviceAccountName',
        serviceAccountToken: 'pool.orchard.serviceAccountToken',
        certificate: 'pool.orchard.certificate',
      },
    });
  });

  it('falls back on ORCHARD_URL / ORCHARD_SERVICE_ACCOUNT_NAME / ORCHARD_SERVICE_ACCOUNT_TOKEN (an empty one counts as unset)', () => {
    const env = {
      HOME: home,
      ORCHARD_URL: 'http://10.0.0.5:8080/',
      ORCHARD_SERVICE_ACCOUNT_NAME: 'ci',
      ORCHARD_SERVICE_ACCOUNT_TOKEN: 'ci-token',
    };
    const c = resolveOrchardConnection(configFile, undefined, env);
    expect(c).toEqual({
      url: 'http://10.0.0.5:8080',
      serviceAccountName: 'ci',
      serviceAccountToken: 'ci-token',
      sources: {
        url: 'ORCHARD_URL',
        serviceAccountName: 'ORCHARD_SERVICE_ACCOUNT_NAME',
        serviceAccountToken: 'ORCHARD_SERVICE_ACCOUNT_TOKEN',
      },
    });
    const e = failure(() => resolveOrchardConnection(configFile, {}, { ...env, ORCHARD_SERVICE_ACCOUNT_TOKEN: '' }));
    expect(e.message).toMatch(/no Orchard service account token/);
  });

  it('reads the default context of ~/.orchard/orchard.yml (block mappings, the certificate base64-decoded), not another context', () => {
    const file = writeYml(
      [
        '# written by orchard context create',
        'contexts:',
        '    other:',
        '        url: https://other.example.com:6120',
        '        serviceAccountName: other',
        '        serviceAccountToken: other-token',
        '    prod:',
        '        url: orchard.prod.example.com',
        `        certificate: ${b64(PEM)}`,
        "        serviceAccountName: 'vmwatch'",
        '        serviceAccountToken: "tok en"',
        'default-context: prod',
        '',
      ].join('\n'),
    );
    const c = resolveOrchardConnection(configFile, undefined, { HOME: home });
    const ctx = `context "prod" of ${file}`;
    expect(c).toEqual({
      url: 'https://orchard.prod.example.com:6120',
      serviceAccountName: 'vmwatch',
      serviceAccountToken: 'tok en',
      certificate: PEM,
      sources: { url: ctx, serviceAccountName: ctx, serviceAccountToken: ctx, certificate: ctx },
    });
  });

  it('resolves each field on its own: URL from the config, name from the environment, token from the context', () => {
    const file = writeYml(
      'default-context: default\ncontexts:\n  default: {url: "https://yml:6120", serviceAccountName: yml, ' +
        'serviceAccountToken: "yml-token"}\n',
    );
    const c = resolveOrchardConnection(configFile, { url: 'https://cfg:7000' }, { HOME: home, ORCHARD_SERVICE_ACCOUNT_NAME: 'env' });
    expect(c.url).toBe('https://cfg:7000');
    expect(c.serviceAccountName).toBe('env');
    expect(c.serviceAccountToken).toBe('yml-token');
    expect(c.sources).toEqual({
      url: 'pool.orchard.url',
      serviceAccountName: 'ORCHARD_SERVICE_ACCOUNT_NAME',
      serviceAccountToken: `context "default" of ${file}`,
    });
    expect(c.certificate).toBeUndefined();
  });

  it('ORCHARD_HOME moves the file, as Orchard does', () => {
    const other = path.join(dir, 'orchard-home');
    const file = writeYml(
      'default-context: x\ncontexts:\n  x: {url: "https://oh:6120", serviceAccountName: a, serviceAccountToken: b}\n',
      other,
    );
    expect(orchardConfigFile({ ORCHARD_HOME: other })).toBe(file);
    expect(orchardConfigFile({ HOME: home })).toBe(path.join(home, '.orchard', 'orchard.yml'));
    expect(resolveOrchardConnection(configFile, undefined, { ORCHARD_HOME: other }).url).toBe('https://oh:6120');
  });

  it('names the missing field, the config file and all three ways to give it', () => {
    const yml = path.join(home, '.orchard', 'orchard.yml');
    const noUrl = failure(() =>
      resolveOrchardConnection(configFile, { serviceAccountName: 'a', serviceAccountToken: 'b' }, { HOME: home }),
    );
    expect(noUrl.message).toContain(configFile);
    expect(noUrl.message).toMatch(
      /no Orchard controller URL: set pool\.orchard\.url, or ORCHARD_URL, or create a context with 'orchard context create/,
    );
    expect(noUrl.message).toContain(yml);
    const noName = failure(() => resolveOrchardConnection(configFile, { url: 'https://c:6120' }, { HOME: home }));
    expect(noName.message).toMatch(
      /no Orchard service account name: set pool\.orchard\.serviceAccountName, or ORCHARD_SERVICE_ACCOUNT_NAME/,
    );
    const noToken = failure(() => resolveOrchardConnection(configFile, { url: 'https://c:6120', serviceAccountName: 'a' }, { HOME: home }));
    expect(noToken.message).toMatch(
      /no Orchard service account token: set pool\.orchard\.serviceAccountToken, or ORCHARD_SERVICE_ACCOUNT_TOKEN/,
    );
  });

  it('a default context lacking a field still lets that field fail by name; a context file it cannot read is named', () => {
    writeYml('default-context: default\ncontexts:\n  default: {url: "https://yml:6120", serviceAccountName: yml}\n');
    expect(failure(() => resolveOrchardConnection(configFile, undefined, { HOME: home })).message).toMatch(
      /no Orchard service account token/,
    );
    const file = writeYml('contexts:\n  default: {url: "x"}\n  - not yaml we read\n');
    const e = failure(() => resolveOrchardConnection(configFile, undefined, { HOME: home }));
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/cannot read Orchard's contexts/);
  });

  it('reads pool.orchard.certificate as a path relative to the config file, and names an unreadable one', () => {
    writeFileSync(path.join(dir, 'controller.crt'), PEM);
    const base = { url: 'https://c:6120', serviceAccountName: 'a', serviceAccountToken: 'b' };
    expect(resolveOrchardConnection(configFile, { ...base, certificate: 'controller.crt' }, {}).certificate).toBe(PEM);
    const e = failure(() => resolveOrchardConnection(configFile, { ...base, certificate: 'missing.crt' }, {}));
    expect(e.message).toContain('pool.orchard.certificate: expected PEM text or a readable file');
    expect(e.message).toContain(path.join(dir, 'missing.crt'));
  });

  it('normalizes URLs as orchard context create does, and refuses what is not one', () => {
    expect(normalizeUrl('orchard.local', 'x')).toBe('https://orchard.local:6120');
    expect(normalizeUrl('http://orchard.local', 'x')).toBe('http://orchard.local:6120');
    expect(normalizeUrl('[::1]', 'x')).toBe('https://[::1]:6120');
    // A port given is kept, even the scheme's default one (which URL itself drops).
    expect(normalizeUrl('https://orchard.local:443/', 'x')).toBe('https://orchard.local');
    expect(normalizeUrl('http://user@orchard.local:80', 'x')).toBe('http://user@orchard.local');
    expect(normalizeUrl('https://[::1]:8443', 'x')).toBe('https://[::1]:8443');
    expect(() => normalizeUrl('ftp://orchard.local', 'ORCHARD_URL')).toThrow(/ORCHARD_URL: "ftp:\/\/orchard\.local": only http and https/);
    expect(() => normalizeUrl('https://exa mple:6120', 'pool.orchard.url')).toThrow(/pool\.orchard\.url: .* is not a URL/);
  });
});
