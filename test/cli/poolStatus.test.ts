import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cliProcess.ts';

describe('vmwatch pool status', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-pool-status-'));
  const home = path.join(dir, 'home');
  const config = path.join(dir, 'watch.config.json');
  writeFileSync(
    config,
    JSON.stringify({ root: '.', pool: { name: 'status-test' }, discover: [{ pattern: 't/*.test.ts', runner: 'vitest' }] }),
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const status = (...extra: string[]) =>
    runCli(['pool', 'status', '--config', config, ...extra], { env: { VMWATCH_HOME: home }, cwd: dir });

  it("shows each machine of the running watch's pool with its state and whether its runner is warm", async () => {
    const metrics = { boots: 1, reverts: 2, failures: 0, busyMs: 1500 };
    const slots = [
      { index: 1, name: 'vmwatch-status-test-1', state: 'ready', readiness: 'warm', metrics },
      { index: 2, name: 'vmwatch-status-test-2', state: 'running', readiness: 'warming', metrics },
      { index: 3, name: 'vmwatch-status-test-3', state: 'ready', readiness: 'cold', metrics },
      { index: 4, name: 'vmwatch-status-test-4', state: 'failed', metrics: { ...metrics, failures: 3 }, error: 'boot failed' },
    ];
    mkdirSync(path.join(home, 'pools'), { recursive: true });
    // This test's own process stands for the watch holding the pool.
    writeFileSync(path.join(home, 'pools', 'status-test.pid'), `${process.pid}\n`);
    writeFileSync(path.join(home, 'pools', 'status-test.status.json'), JSON.stringify({ pid: process.pid, slots }));
    const shown = await status();
    expect(shown.code).toBe(0);
    const lines = shown.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`pool status-test (sandbox): in use by pid ${process.pid}`);
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/).slice(0, 3))).toEqual([
      ['vmwatch-status-test-1', 'ready', 'warm'],
      ['vmwatch-status-test-2', 'running', 'warming'],
      ['vmwatch-status-test-3', 'ready', 'cold'],
      ['vmwatch-status-test-4', 'failed', 'boots'],
    ]);
    // The columns line up, 'warming' included.
    expect(new Set(lines.slice(1).map((l) => l.indexOf('boots'))).size).toBe(1);
    expect(lines[4]).toMatch(/failures 3 {2}busy 1\.5s {2}\(boot failed\)$/);
    const json = JSON.parse((await status('--json')).stdout) as { live: { slots: Array<{ readiness?: string }> } };
    expect(json.live.slots.map((s) => s.readiness)).toEqual(['warm', 'warming', 'cold', undefined]);
  });

  it('says no vmwatch runs when the pool is not held', async () => {
    rmSync(path.join(home, 'pools', 'status-test.pid'));
    const shown = await status();
    expect(shown).toMatchObject({ code: 0, stdout: 'pool status-test (sandbox): no vmwatch running\n  no machines\n' });
  });
});
