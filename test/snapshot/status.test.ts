import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { writeSnapshotMeta } from '../../src/snapshot/meta.ts';
import { snapshotStatus } from '../../src/snapshot/status.ts';

describe('snapshots belong to one app folder', () => {
  let dir: string;
  let previousHome: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-snap-'));
    previousHome = process.env.VMWATCH_HOME;
    process.env.VMWATCH_HOME = path.join(dir, 'home');
    for (const p of ['one/app', 'two/app']) mkdirSync(path.join(dir, p), { recursive: true });
  });
  afterEach(() => {
    if (previousHome === undefined) delete process.env.VMWATCH_HOME;
    else process.env.VMWATCH_HOME = previousHome;
    rmSync(dir, { recursive: true, force: true });
  });

  const load = async (project: string, pool: Record<string, unknown> = {}) => {
    const file = path.join(dir, project, 'watch.config.json');
    writeFileSync(file, JSON.stringify({ root: './app', pool: { provider: 'sandbox', ...pool } }));
    return loadConfig({ file });
  };
  const built = (config: Awaited<ReturnType<typeof load>>, root: string) =>
    writeSnapshotMeta({
      name: config.pool.snapshot,
      provider: 'sandbox',
      builtAt: '2026-01-01T00:00:00Z',
      guestPath: config.guestPath,
      setupHash: '',
      lockfiles: {},
      provides: [],
      root,
    });

  it('two apps in folders of the same name get different snapshots', async () => {
    const one = await load('one');
    const two = await load('two');
    expect(one.pool.name).toBe(two.pool.name);
    expect(one.pool.snapshot).not.toBe(two.pool.snapshot);
  });

  it("refuses another root's snapshot under the default name, and says what to do", async () => {
    const one = await load('one');
    await built(one, path.join(dir, 'elsewhere'));
    const err = await snapshotStatus(one, 'sandbox').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/was built for .*elsewhere, not for .*one\/app; run 'vmwatch snapshot build'/);
  });

  it('a snapshot named in the config may be shared, but says it was built for another folder (stale)', async () => {
    const one = await load('one', { snapshot: 'shared-ready' });
    await built(one, path.join(dir, 'two', 'app'));
    const status = await snapshotStatus(one, 'sandbox');
    expect(status.state).toBe('stale');
    expect(status.reasons).toContain(`built for another app folder (${path.join(dir, 'two', 'app')})`);
  });
});
