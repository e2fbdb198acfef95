import { existsSync, readdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunSummary } from '../../src/report/types.ts';
import { runCli } from '../helpers/cliProcess.ts';
import { createDemoProject, DEMO_SNAPSHOT, type DemoProject } from '../helpers/demoProject.ts';
import { processesMentioning } from '../helpers/processes.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';
import { testArtifactsDir } from '../../src/schedule/runId.ts';

const ALL_TESTS = [
  'api-smoke',
  'py-api-check',
  'src/ledger.test.ts',
  'src/money.test.ts',
  'src/report.test.ts',
  'src/server.test.ts',
  'tests/test_cart.py',
  'tests/test_prices.py',
  'tests/test_receipt.py',
  'write-report',
];

describe.skipIf(sandboxUnavailable() !== null)('vmwatch run / select on the demo app', () => {
  let demo: DemoProject;
  let env: Record<string, string>;

  beforeAll(() => {
    demo = createDemoProject({ pool: 'e2e-run', overrides: { notify: false } });
    env = { VMWATCH_HOME: inject('demoHome'), DBUS_SESSION_BUS_ADDRESS: 'disabled:', DISPLAY: '' };
  });
  afterAll(() => demo.cleanup());

  it('run --all: every test passes, each in its own machine; the two port-3030 suites overlap in time', async () => {
    const r = await runCli(['run', '--all', '--json', '--config', demo.configFile], { env });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as RunSummary;
    expect(summary.tests.map((t) => t.id).sort()).toEqual(ALL_TESTS);
    expect(summary.tests.every((t) => t.status === 'passed')).toBe(true);
    expect([summary.passed, summary.failed]).toEqual([10, 0]);
    const api = summary.tests.find((t) => t.id === 'api-smoke')!;
    const py = summary.tests.find((t) => t.id === 'py-api-check')!;
    expect(api.vm).not.toBe(py.vm);
    const [a0, a1, p0, p1] = [api.startedAt!, api.finishedAt!, py.startedAt!, py.finishedAt!].map((t) => Date.parse(t));
    expect(a0! < p1! && p0! < a1!).toBe(true);
    // artifacts came back into <into>/<runId>/<testId>/, with the output log
    const runDir = path.join(demo.runs, summary.runId);
    expect(JSON.parse(readFileSync(path.join(testArtifactsDir(runDir, 'write-report'), 'report.json'), 'utf8'))).toBeTypeOf('object');
    expect(readFileSync(path.join(testArtifactsDir(runDir, 'api-smoke'), 'output.log'), 'utf8')).toMatch(/port 3030/);
    // discovered files ran in batches (one runner per machine), each reporting its cases
    const money = summary.tests.find((t) => t.id === 'src/money.test.ts')!;
    expect(existsSync(path.join(money.artifactsDir, 'output.log'))).toBe(true);
    expect(money.cases!.every((c) => c.status === 'passed')).toBe(true);
    expect(summary.tests.some((t) => (t.batchSize ?? 1) > 1)).toBe(true);
    expect(JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8'))).toEqual(summary);
    // per-machine counters of the pool of 3, and a JUnit report beside the summary
    expect(summary.machines?.map((m) => m.name).sort()).toEqual([1, 2, 3].map((i) => `vmwatch-e2e-run-${i}`));
    expect(summary.machines!.reduce((n, m) => n + m.boots, 0)).toBe(3);
    expect(summary.machines!.every((m) => m.busyMs > 0)).toBe(true);
    const junit = readFileSync(path.join(runDir, 'junit.xml'), 'utf8');
    // one testcase per case where the runner reported cases, else one per test
    const testcases = summary.tests.reduce((sum, t) => sum + (t.cases?.length || 1), 0);
    expect(summary.tests.filter((t) => (t.cases?.length ?? 0) > 0).length).toBe(7);
    expect(junit.match(/<testcase /g)?.length).toBe(testcases);
    expect(junit).toContain(`tests="${testcases}" failures="0" errors="0"`);
  });

  it('select --json: a Python leaf change selects exactly its importers, with reasons', async () => {
    appendFileSync(path.join(demo.app, 'shop/cart.py'), '\n# touched\n');
    const r = await runCli(['select', '--json', '--config', demo.configFile], { env });
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { changedFiles: string[]; tests: Array<{ id: string; reasons: string[] }> };
    expect(plan.changedFiles).toEqual(['shop/cart.py']);
    expect(plan.tests.map((t) => t.id)).toEqual(['py-api-check', 'tests/test_cart.py', 'tests/test_receipt.py']);
    expect(plan.tests.find((t) => t.id === 'tests/test_receipt.py')!.reasons).toEqual(['imports shop/cart.py']);
  });

  it('run: a broken TS module fails exactly the tests that import it (exit 1); other tests do not run', async () => {
    const money = path.join(demo.app, 'src/money.ts');
    const original = readFileSync(money, 'utf8');
    writeFileSync(money, `${original}\nthrow new Error('money is broken');\n`);
    try {
      const r = await runCli(['run', '--json', '--config', demo.configFile], { env });
      expect(r.code, r.stderr).toBe(1);
      const summary = JSON.parse(r.stdout) as RunSummary;
      const ran = summary.tests.map((t) => t.id).sort();
      expect(ran).toEqual([
        'api-smoke',
        'py-api-check',
        'src/ledger.test.ts',
        'src/money.test.ts',
        'src/report.test.ts',
        'src/server.test.ts',
        'tests/test_cart.py',
        'tests/test_receipt.py',
        'write-report',
      ]);
      for (const t of summary.tests.filter((t) => !t.id.endsWith('.py') && t.id !== 'py-api-check')) expect(t.status, t.id).toBe('failed');
      expect(summary.failed).toBe(6);
      expect(summary.changedFiles).toEqual(['shop/cart.py', 'src/money.ts']);
    } finally {
      writeFileSync(money, original);
    }
  });

  it('run with nothing affected: exit 0, says so, and the pool it started meanwhile is put away', async () => {
    const clean = createDemoProject({ pool: 'e2e-run-none', overrides: { notify: false } });
    try {
      const r = await runCli(['run', '--json', '--config', clean.configFile], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/no test is affected by 0 changed file/);
      expect(JSON.parse(r.stdout)).toMatchObject({ runId: null, tests: [] });
      const machines = path.join(env.VMWATCH_HOME!, 'sandbox', 'machines');
      const left = existsSync(machines) ? readdirSync(machines).filter((m) => m.startsWith('vmwatch-e2e-run-none-')) : [];
      expect(left).toEqual([]);
    } finally {
      clean.cleanup();
    }
  });

  it('run with nothing affected and a missing snapshot: says so without waiting for the build, which is put away', async () => {
    // The build's setup would take a minute: the run must not wait for it before selecting.
    const fresh = createDemoProject({ pool: 'e2e-run-none-build', setup: ['sleep 61.73'], overrides: { notify: false } });
    const { mkdtempSync, rmSync } = await import('node:fs');
    const home = mkdtempSync(path.join((await import('node:os')).tmpdir(), 'vmwatch-fresh-home-'));
    try {
      const r = await runCli(['run', '--config', fresh.configFile], { env: { ...env, VMWATCH_HOME: home } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/no test is affected by 0 changed file/);
      expect(r.stderr).toMatch(/is missing: building it now/);
      // Put away mid-build: no snapshot was saved, no machine or setup process is left.
      expect(existsSync(path.join(home, 'sandbox', 'snapshots', DEMO_SNAPSHOT, 'tree'))).toBe(false);
      const machines = path.join(home, 'sandbox', 'machines');
      expect(existsSync(machines) ? readdirSync(machines) : []).toEqual([]);
      expect(processesMentioning('sleep 61.73')).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
      fresh.cleanup();
    }
  }, 60_000);

  it('builds a missing snapshot first, showing progress', async () => {
    const fresh = createDemoProject({
      pool: 'e2e-autobuild',
      setup: ['echo built-by-setup > .setup-marker'],
      overrides: { notify: false, tests: [{ id: 'marker', command: 'cat .setup-marker' }], discover: [], triggers: { map: [] } },
    });
    const { mkdtempSync, rmSync } = await import('node:fs');
    const home = mkdtempSync(path.join((await import('node:os')).tmpdir(), 'vmwatch-fresh-home-'));
    try {
      const cfg = readFileSync(fresh.configFile, 'utf8').replace('"vmwatch-e2e-demo-ready"', '"autobuild-ready"');
      writeFileSync(fresh.configFile, cfg);
      const r = await runCli(['run', '--all', '--config', fresh.configFile], { env: { ...env, VMWATCH_HOME: home } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/snapshot "autobuild-ready" is missing: building it now/);
      expect(r.stderr).toMatch(/setup 1\/1: echo built-by-setup/);
      expect(r.stdout).toMatch(/✓ passed\s+marker/);
    } finally {
      rmSync(home, { recursive: true, force: true });
      fresh.cleanup();
    }
  });
});
