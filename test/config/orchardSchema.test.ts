import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';

describe('pool.orchard and pool.providers in the config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-config-orchard-'));
    mkdirSync(path.join(dir, 'app'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (pool: unknown): string => {
    const f = path.join(dir, 'watch.config.json');
    writeFileSync(f, JSON.stringify({ root: './app', pool }));
    return f;
  };
  const load = (pool: unknown) => loadConfig({ file: file(pool) });
  /** The problem lines of a refused config (after "invalid config:"), and the file it names. */
  const problems = async (pool: unknown): Promise<string[]> => {
    const f = file(pool);
    const err = await loadConfig({ file: f }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    const message = (err as Error).message;
    expect(message.startsWith(`${f}: invalid config:\n`)).toBe(true);
    return message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
  };

  it('pool.orchard: defaults filled, every field optional (they fall back on ORCHARD_* and ~/.orchard)', async () => {
    expect((await load({ provider: 'orchard', size: 6, orchard: {} })).pool).toMatchObject({
      provider: 'orchard',
      size: 6,
      orchard: { pendingTimeoutMs: 120_000, labels: {} },
    });
    const full = {
      image: 'ghcr.io/acme/app-ready:latest',
      url: 'https://o:6120',
      serviceAccountName: 'a',
      serviceAccountToken: 'b',
      certificate: 'ca.pem',
      pendingTimeoutMs: 5000,
      labels: { gpu: 'no' },
    };
    expect((await load({ provider: 'orchard', orchard: full })).pool.orchard).toEqual(full);
    // A large Orchard pool is not held to the 2-VMs-per-Mac limit, which is Tart's.
    expect((await load({ provider: 'orchard', size: 12 })).pool.size).toBe(12);
  });

  it('pool.orchard: unknown and wrongly typed fields are named', async () => {
    expect(await problems({ provider: 'orchard', orchard: { token: 'x' } })).toEqual([
      expect.stringMatching(/^pool\.orchard\.token: unknown field/),
    ]);
    expect(await problems({ provider: 'orchard', orchard: { url: '' } })).toEqual([
      expect.stringMatching(/^pool\.orchard\.url: the controller URL, e\.g\. "https:\/\/orchard\.example\.com:6120"/),
    ]);
    expect(await problems({ provider: 'orchard', orchard: { pendingTimeoutMs: -1, labels: { a: 1 } } })).toEqual([
      expect.stringMatching(/^pool\.orchard\.pendingTimeoutMs: /),
      expect.stringMatching(/^pool\.orchard\.labels\.a: /),
    ]);
  });

  it('pool.providers: the sizes make pool.size, which may be left out or agree', async () => {
    const shares = [
      { provider: 'tart', size: 2 },
      { provider: 'orchard', size: 4, snapshot: 'ghcr.io/acme/app-ready:latest' },
    ];
    expect((await load({ providers: shares })).pool).toMatchObject({ provider: 'auto', size: 6, providers: shares });
    expect((await load({ size: 6, providers: shares })).pool.size).toBe(6);
    expect((await load({ provider: 'auto', providers: shares })).pool.size).toBe(6);
  });

  it('pool.providers: sizes that do not add up to pool.size are refused with both numbers', async () => {
    expect(
      await problems({
        size: 4,
        providers: [
          { provider: 'tart', size: 2 },
          { provider: 'orchard', size: 3 },
        ],
      }),
    ).toEqual(['pool.size: 4, but the sizes in pool.providers add up to 5; leave pool.size out or make them agree']);
  });

  it('pool.providers: pool.provider may not be given as well (except "auto")', async () => {
    expect(await problems({ provider: 'orchard', providers: [{ provider: 'orchard', size: 3 }] })).toEqual([
      'pool.provider: leave it out when pool.providers lists the providers (got "orchard")',
    ]);
  });

  it('pool.providers: each provider once', async () => {
    expect(
      await problems({
        providers: [
          { provider: 'orchard', size: 2 },
          { provider: 'sandbox', size: 1 },
          { provider: 'orchard', size: 2 },
        ],
      }),
    ).toEqual(['pool.providers: each provider may appear once (add up its sizes)']);
  });

  it('pool.providers: the Tart part keeps 2 VMs per Mac unless overrideHostLimit', async () => {
    const shares = [
      { provider: 'orchard', size: 4 },
      { provider: 'tart', size: 3 },
    ];
    const [line, ...rest] = await problems({ providers: shares });
    expect(rest).toEqual([]);
    expect(line).toMatch(
      new RegExp(
        '^pool\\.providers\\[1\\]\\.size: expected at most 2 Tart VMs on this Mac, got 3: macOS runs at most 2 VM' +
          's per host\\. Give the rest to "orchard", or set pool\\.overrideHostLimit: true',
      ),
    );
    expect((await load({ providers: shares, overrideHostLimit: true })).pool.size).toBe(7);
    expect((await load({ providers: [{ provider: 'tart', size: 2 }] })).pool.size).toBe(2);
  });

  it('pool.providers: all problems at once, in one message', async () => {
    const lines = await problems({
      provider: 'tart',
      size: 9,
      providers: [
        { provider: 'tart', size: 2 },
        { provider: 'tart', size: 1 },
      ],
    });
    expect(lines).toEqual([
      expect.stringMatching(/^pool\.size: 9, but the sizes in pool\.providers add up to 3/),
      expect.stringMatching(/^pool\.provider: leave it out/),
      expect.stringMatching(/^pool\.providers\[0\]\.size: expected at most 2 Tart VMs on this Mac, got 3/),
      'pool.providers: each provider may appear once (add up its sizes)',
    ]);
  });

  it('pool.providers: shape errors are named by the schema (empty list, unknown provider, bad size, unknown field)', async () => {
    expect(await problems({ providers: [] })).toEqual(['pool.providers: at least one { provider, size }']);
    expect(await problems({ providers: [{ provider: 'docker', size: 1 }] })).toEqual([
      'pool.providers[0].provider: expected one of "sandbox", "tart", "orchard"',
    ]);
    expect(await problems({ providers: [{ provider: 'orchard', size: 0 }] })).toEqual([
      expect.stringMatching(/^pool\.providers\[0\]\.size: /),
    ]);
    expect(await problems({ providers: [{ provider: 'orchard', size: 2, image: 'x' }] })).toEqual([
      expect.stringMatching(/^pool\.providers\[0\]\.image: unknown field/),
    ]);
  });
});
