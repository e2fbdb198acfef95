import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { runCli } from '../helpers/cliProcess.ts';

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-config-'));
    mkdirSync(path.join(dir, 'app'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const failure = async (file: string): Promise<string> => {
    const err = await loadConfig({ file }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    return (err as Error).message;
  };

  it('loads watch.config.ts with defaults filled and paths resolved', async () => {
    write('watch.config.ts', "const size: number = 2;\nexport default { root: './app', pool: { size, memory: '8GB' } };\n");
    const config = await loadConfig({ cwd: dir });
    expect(config.root).toBe(path.join(dir, 'app'));
    expect(config.configFile).toBe(path.join(dir, 'watch.config.ts'));
    expect(config.artifactsInto).toBe(path.join(dir, 'test-runs'));
    expect(config.pool).toMatchObject({ provider: 'auto', size: 2, memoryMb: 8192, name: 'app', snapshotNamed: false });
    // the root's own snapshot: its folder name and a hash of its path
    expect(config.pool.snapshot).toMatch(/^app-[0-9a-f]{6}-ready$/);
    expect(config.watch.debounceMs).toBe(100);
    expect(config.triggers.runAll).toContain('package-lock.json');
    expect(config.notify).toEqual({ on: ['failure', 'recovery', 'flaky'], minIntervalMs: 5000, terminal: 'auto' });
  });

  it('accepts a short-form config.json as is', async () => {
    write('config.json', JSON.stringify({ provider: 'tart', snapshot: 'chatstats-ready', poolSize: 3, cpu: 4, memory: '8GB' }));
    const config = await loadConfig({ cwd: dir });
    expect(config.root).toBe(dir);
    // Its poolSize 3 cannot run on one Mac (2 macOS VMs per host): accepted, and run with 2.
    expect(config.pool).toMatchObject({ provider: 'tart', size: 2, snapshot: 'chatstats-ready', cpu: 4, memoryMb: 8192 });
    expect(config.discover.length).toBeGreaterThan(0);
  });

  it('refuses a Tart pool larger than 2 in watch.config, with the reason and the ways out', async () => {
    const file = write('watch.config.json', JSON.stringify({ root: './app', pool: { provider: 'tart', size: 3 } }));
    const message = await failure(file);
    expect(message).toContain(file);
    expect(message).toMatch(/pool\.size: expected at most 2 with provider "tart", got 3/);
    expect(message).toMatch(/2 VMs per host/);
    expect(message).toMatch(/orchard/);
    write('watch.config.json', JSON.stringify({ root: './app', pool: { provider: 'tart', size: 3, overrideHostLimit: true } }));
    expect((await loadConfig({ cwd: dir })).pool.size).toBe(3);
  });

  it('prefers watch.config.ts over config.json', async () => {
    write('config.json', JSON.stringify({ poolSize: 3 }));
    write('watch.config.ts', "export default { root: './app' };\n");
    expect((await loadConfig({ cwd: dir })).configFile).toBe(path.join(dir, 'watch.config.ts'));
  });

  it('names the file and the field for a wrong type', async () => {
    const file = write('watch.config.mjs', "export default { root: './app', pool: { size: 'three' } };\n");
    const message = await failure(file);
    expect(message).toContain(file);
    expect(message).toMatch(/pool\.size: .*expected number/);
  });

  it('refuses, at load, a pool whose last machine would forward a port past 65535, naming pool.size and pool.ports', async () => {
    const file = write('watch.config.json', JSON.stringify({ root: './app', pool: { provider: 'sandbox', size: 7, ports: [3030, 5173] } }));
    const message = await failure(file);
    expect(message).toContain(file);
    expect(message).toMatch(/pool\.size \/ pool\.ports: machine 7's port 5173 would be forwarded to host port 75173/);
    expect(message).toContain('pool.size ≤ 6');
    const fits = write('ok.config.json', JSON.stringify({ root: './app', pool: { provider: 'sandbox', size: 6, ports: [3030, 5173] } }));
    await expect(loadConfig({ file: fits })).resolves.toMatchObject({ pool: { size: 6 } });
  });

  it('names the allowed values for an unknown provider', async () => {
    const file = write('watch.config.json', JSON.stringify({ root: './app', pool: { provider: 'docker' } }));
    expect(await failure(file)).toMatch(/pool\.provider: expected one of "auto", "sandbox", "tart", "orchard"/);
  });

  it('says root is required when it is missing, and checks that it exists', async () => {
    expect(await failure(write('a.json', JSON.stringify({ pool: { size: 1 } })))).toMatch(/root: required/);
    expect(await failure(write('b.json', JSON.stringify({ root: './nope' })))).toMatch(/root: expected an existing folder/);
  });

  it('names unknown fields and nested paths', async () => {
    const message = await failure(write('c.json', JSON.stringify({ root: './app', tests: [{ id: 'x' }], poool: 1 })));
    expect(message).toMatch(/tests\[0\]\.command: /);
    expect(message).toMatch(/poool: unknown field/);
  });

  it('pool.passEnv: a list of variable names, [] by default; a bad name is named with its index', async () => {
    write('watch.config.json', JSON.stringify({ root: './app' }));
    expect((await loadConfig({ cwd: dir })).pool.passEnv).toEqual([]);
    const message = await failure(write('d.json', JSON.stringify({ root: './app', pool: { passEnv: ['CI', 'NOT-A-NAME'] } })));
    expect(message).toMatch(/pool\.passEnv\[1\]: an environment variable name/);
    expect(await failure(write('e.json', JSON.stringify({ root: './app', pool: { passEnv: 'CI' } })))).toMatch(
      /pool\.passEnv: .*expected array/,
    );
  });

  it('reports a config file that throws', async () => {
    const file = write('watch.config.ts', "throw new Error('boom from config');\nexport default {};\n");
    expect(await failure(file)).toMatch(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the config file threw while loading: boom from config`),
    );
  });

  it('the CLI exits 2 with the message on stderr', async () => {
    const file = write('watch.config.mjs', "export default { root: './app', pool: { size: -1 } };\n");
    const r = await runCli(['select', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/pool\.size: /);
  });

  it('the CLI exits 2 for unknown commands and flags', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const r = await runCli(['run', '--nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--nope'/);
  });
});
