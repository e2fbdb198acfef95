import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/report/types.ts';
import { runCli } from '../helpers/cliProcess.ts';
import { createDemoProject, type DemoProject } from '../helpers/demoProject.ts';
import { processesMentioning } from '../helpers/processes.ts';
import { BASE_IMAGE, startTartDouble, tartAvailable, type TartDouble } from '../helpers/tartDouble.ts';
import { testArtifactsDir } from '../../src/schedule/runId.ts';

const PY_TESTS = ['py-api-check', 'tests/test_cart.py', 'tests/test_prices.py', 'tests/test_receipt.py'];

describe.skipIf(tartAvailable() !== null)('vmwatch on Tart (the Tart double on PATH): snapshot, run, status, doctor', () => {
  let tart: TartDouble;
  let demo: DemoProject;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli([...args, '--config', demo.configFile], { env });

  beforeAll(() => {
    tart = startTartDouble({ bootDelayMs: 100 });
    tart.seedImage(BASE_IMAGE);
    demo = createDemoProject({
      pool: 'e2e-tart',
      // The double's VMs have no outbound network: a setup without downloads.
      setup: ['python3 -c "import shop" && echo ok > .setup-done'],
      overrides: {
        notify: false,
        discover: [{ pattern: 'tests/test_*.py', command: 'python3 -m unittest {file}' }],
        tests: [
          {
            id: 'py-api-check',
            command: 'python3 scripts/py_api_check.py',
            files: ['scripts/py_api_check.py'],
            covers: ['shop/catalog.json'],
          },
        ],
        pool: { provider: 'tart', name: 'e2e-tart', snapshot: 'e2e-tart-ready', base: BASE_IMAGE, size: 2, ports: [3030] },
      },
    });
    env = {
      PATH: tart.env.PATH!,
      TART_HOME: tart.home,
      VMWATCH_HOME: path.join(demo.dir, 'home'),
      DBUS_SESSION_BUS_ADDRESS: 'disabled:',
      DISPLAY: '',
    };
  });

  afterAll(async () => {
    await tart?.cleanup();
    demo?.cleanup();
  });

  it('snapshot build, then status says fresh; update with nothing changed reruns no setup', async () => {
    const build = await cli('snapshot', 'build');
    expect(build.code, build.stderr).toBe(0);
    expect(build.stdout).toMatch(/snapshot e2e-tart-ready built in/);
    const status = await cli('snapshot', 'status');
    expect(status.stdout).toMatch(/snapshot e2e-tart-ready \(tart\): fresh/);
    const update = await cli('snapshot', 'update');
    expect(update.code, update.stderr).toBe(0);
    expect(update.stderr + update.stdout).toMatch(/lockfiles and setup unchanged: syncing the tree only/);
  });

  it(
    'run --all: every test passes in Tart VMs over ssh (the two port-3030 users apart), ' + 'artifacts and per-VM counters come back',
    async () => {
      const r = await cli('run', '--all', '--json');
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout) as RunSummary;
      expect(summary.tests.map((t) => [t.id, t.status]).sort()).toEqual(PY_TESTS.map((id) => [id, 'passed']));
      expect(new Set(summary.tests.map((t) => t.vm))).toEqual(new Set(['vmwatch-e2e-tart-1', 'vmwatch-e2e-tart-2']));
      expect(readFileSync(path.join(testArtifactsDir(path.join(demo.runs, summary.runId), 'py-api-check'), 'output.log'), 'utf8')).toMatch(
        /3030/,
      );
      expect(summary.machines?.map((m) => m.boots)).toEqual([1, 1]);
      // nothing left: no pool VM, no VM process, no sshd of this Tart home
      const list = JSON.parse((await tart.tart(['list', '--format', 'json'])).stdout) as Array<{ Name: string }>;
      expect(list.map((v) => v.Name).filter((n) => !n.startsWith('ghcr.io/'))).toEqual(['e2e-tart-ready']);
      expect(processesMentioning(tart.home)).toEqual([]);
    },
  );

  it('a broken module fails its importers in the VM (exit 1)', async () => {
    const prices = path.join(demo.app, 'shop/prices.py');
    const original = readFileSync(prices, 'utf8');
    writeFileSync(prices, `${original}\nraise RuntimeError("broken in tart")\n`);
    const r = await cli('run', '--json');
    writeFileSync(prices, original);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout) as RunSummary;
    expect(summary.tests.every((t) => t.status === 'failed')).toBe(true);
    expect(
      readFileSync(path.join(testArtifactsDir(path.join(demo.runs, summary.runId), 'tests/test_prices.py'), 'output.log'), 'utf8'),
    ).toMatch(/broken in tart/);
  });

  it('doctor checks tart, its VM, the 2-per-host limit and the DHCP lease; pool status has no machines left', async () => {
    const doctor = await cli('doctor', '--json');
    const report = JSON.parse(doctor.stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> };
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName['provider']!.detail).toMatch(/^tart/);
    expect(byName['tart']).toMatchObject({ ok: true });
    expect(byName['tart']!.detail).toMatch(/version \d/);
    expect(byName['tart vm']).toMatchObject({ ok: true });
    expect(byName['vms/host']).toMatchObject({ ok: true });
    expect(byName['dhcp']!.detail).toMatch(/not macOS/);
    const pool = await cli('pool', 'status');
    expect(pool.stdout).toMatch(/pool e2e-tart \(tart\): no vmwatch running\n {2}no machines/);
  });
});
