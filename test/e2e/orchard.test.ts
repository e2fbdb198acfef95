import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/report/types.ts';
import { runCli } from '../helpers/cliProcess.ts';
import { createDemoProject, type DemoProject } from '../helpers/demoProject.ts';
import { orchardAvailable, startOrchardDouble, type OrchardDouble } from '../helpers/orchardDouble.ts';
import { testArtifactsDir } from '../../src/schedule/runId.ts';

const skip = orchardAvailable();
if (skip) console.warn(`[vmwatch tests] skipping the Orchard e2e test: ${skip}`);

const PY_TESTS = ['py-api-check', 'tests/test_cart.py', 'tests/test_prices.py', 'tests/test_receipt.py'];

describe.skipIf(skip !== null)(`vmwatch run on an Orchard fleet (the double)${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let double: OrchardDouble;
  let demo: DemoProject;
  let home: string;
  let env: Record<string, string>;

  /** The demo's Python tests only: the VMs have no outbound network, so no setup runs. */
  const writeConfig = (orchard: Record<string, unknown>): void => {
    const config = {
      root: './app',
      guestPath: '/mnt/chatstats/app',
      setup: [],
      notify: false,
      discover: [{ pattern: 'tests/test_*.py', command: 'python3 -m unittest {file}' }],
      tests: [{ id: 'py-api-check', command: 'python3 scripts/py_api_check.py', files: ['scripts/py_api_check.py'] }],
      pool: {
        provider: 'orchard',
        name: 'e2e-orchard',
        size: 6,
        orchard: { image: 'ghcr.io/cirruslabs/macos-sequoia-base:latest', ...orchard },
      },
    };
    writeFileSync(demo.configFile, `export default ${JSON.stringify(config, null, 2)};\n`);
  };
  const orchard = (token?: string) => ({
    url: double.url,
    serviceAccountName: double.serviceAccountName,
    serviceAccountToken: token ?? double.serviceAccountToken,
    certificate: double.certificate,
    pendingTimeoutMs: 20_000,
  });

  beforeAll(async () => {
    double = await startOrchardDouble({ workers: 3 });
    demo = createDemoProject({ pool: 'e2e-orchard' });
    home = mkdtempSync(path.join(tmpdir(), 'vmwatch-orchard-e2e-'));
    env = { VMWATCH_HOME: home, DBUS_SESSION_BUS_ADDRESS: 'disabled:', DISPLAY: '', ORCHARD_HOME: home };
  });
  afterAll(async () => {
    await double?.stop();
    demo?.cleanup();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('doctor: controller reachable, account with its roles, workers online, free capacity', async () => {
    writeConfig(orchard());
    const r = await runCli(['doctor', '--config', demo.configFile], { env });
    expect(r.stdout).toMatch(/✓ orchard\s+controller https:\/\/127\.0\.0\.1:\d+ \(from pool\.orchard\.url\) reachable, certificate pinned/);
    expect(r.stdout).toMatch(/✓ account\s+service account "vmwatch" has compute:read and compute:write/);
    expect(r.stdout).toMatch(/✓ workers\s+3 online/);
    expect(r.stdout).toMatch(/✓ capacity\s+.*6 macOS VM slot\(s\), 6 free.*the pool wants 6/);
  });

  it('a wrong token: a clear error naming the credential, exit 2, no VM created', async () => {
    writeConfig(orchard('wrong-token'));
    const r = await runCli(['run', '--all', '--config', demo.configFile], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused service account "vmwatch" \(401\).*token is wrong.*pool\.orchard\.serviceAccountToken/);
    expect((await double.request('GET', '/v1/vms')).json()).toEqual([]);
  });

  it("run --all: a pool of 6 over 3 workers runs the demo app's Python tests; the VMs are gone afterwards", async () => {
    writeConfig(orchard());
    const r = await runCli(['run', '--all', '--json', '--config', demo.configFile], { env });
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    const summary = JSON.parse(r.stdout) as RunSummary;
    expect(summary.tests.map((t) => t.id).sort()).toEqual(PY_TESTS);
    expect(summary.tests.every((t) => t.status === 'passed')).toBe(true);
    expect(summary.machines?.length).toBe(6);
    expect(
      readFileSync(path.join(testArtifactsDir(path.join(demo.runs, summary.runId), 'tests/test_prices.py'), 'output.log'), 'utf8'),
    ).toMatch(/OK/);
    expect((await double.request('GET', '/v1/vms')).json()).toEqual([]);
  });
});
