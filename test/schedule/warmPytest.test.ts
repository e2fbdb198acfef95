import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { hasStaleWarmRunner } from '../../src/schedule/warm/staleWarmRunner.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';
import { tempSandbox, type TempSandbox } from '../helpers/tempSandbox.ts';
import { WARM_GUEST, WarmApp } from '../helpers/warmApp.ts';

const FILES: Record<string, string> = {
  'pytest.ini': '[pytest]\n',
  // The root conftest imports an app module: the warm runner has that module loaded.
  'conftest.py': 'import settings\n\nimport pytest\n\n@pytest.fixture\ndef mode():\n    return settings.MODE\n',
  'settings.py': 'MODE = "one"\n',
  'shop/__init__.py': '',
  'shop/price.py': 'def price():\n    return 1\n',
  'tests/test_price.py':
    'from shop.price import price\n\ndef test_price():\n    assert price() == 1\n\ndef test_other():\n    assert True\n',
  'tests/test_mode.py': 'def test_mode(mode):\n    assert mode == "two"\n',
  'tests/test_artifact.py':
    'import os\n\ndef test_artifact():\n    os.makedirs("test-runs", exist_ok=True)\n' +
    '    with open("test-runs/out.txt", "w") as f:\n        f.write("made")\n',
};

// Debian's python3-pytest lives in the system interpreter (a pyenv python3 on PATH may lack it).
const parsed = configSchema.parse({
  root: '.',
  discover: [{ pattern: 'tests/test_*.py', runner: 'pytest', python: '/usr/bin/python3', timeoutMs: 60_000 }],
});

describe.skipIf(sandboxUnavailable() !== null)('warm runners: real pytest started ahead in sandbox machines', () => {
  let sb: TempSandbox;
  let w: WarmApp;

  beforeAll(() => {
    sb = tempSandbox({ guestPath: WARM_GUEST, files: {} });
  });
  afterAll(async () => sb.cleanup());
  beforeEach(async () => {
    w = new WarmApp(sb, parsed, FILES);
    await w.pool.init();
  });
  afterEach(async () => w.stop());

  it('a warm hit runs the edited module and tests, per case; a case filter runs only the named case', async () => {
    await w.waitWarm();
    w.edit('shop/price.py', 'def price():\n    return 2\n');
    const { byId, cases, outcome } = await w.run(['tests/test_price.py']);
    expect(byId['tests/test_price.py']).toMatchObject({ status: 'failed', warm: true });
    expect(cases('tests/test_price.py')).toEqual({ test_price: 'failed', test_other: 'passed' });
    // The results came in the runner's output (cut out of the log), not by a copy.
    const log = w.batchLogs(outcome);
    expect(log).toMatch(/test_price/);
    expect(log).not.toMatch(/vmwatch warm runner: results/);
    // No test wrote an artifacts folder, and the runner said so: nothing was copied out.
    expect(outcome.results[0]!.timings.noArtifacts).toBe(true);

    await w.waitWarm();
    const filtered = await w.run(['tests/test_price.py'], { cases: { 'tests/test_price.py': ['test_other'] } });
    expect(filtered.byId['tests/test_price.py']).toMatchObject({ status: 'passed', warm: true });
    expect(filtered.cases('tests/test_price.py')).toEqual({ test_other: 'passed' });
  }, 120_000);

  it("a warm batch's artifacts folder is copied out as a cold one's is", async () => {
    await w.waitWarm();
    const { byId, outcome } = await w.run(['tests/test_artifact.py']);
    expect(byId['tests/test_artifact.py']).toMatchObject({ status: 'passed', warm: true });
    expect(outcome.results[0]!.timings.noArtifacts).toBeUndefined();
    expect(w.artifact(outcome, 'out.txt')).toBe('made');
  }, 120_000);

  it('a change to a module the root conftest imported runs the batch cold, on the new module (the runner said it loaded it)', async () => {
    await w.waitWarm();
    w.edit('settings.py', 'MODE = "two"\n');
    const { byId, outcome } = await w.run(['tests/test_mode.py']);
    expect(byId['tests/test_mode.py'], w.batchLogs(outcome)).toMatchObject({ status: 'passed' });
    expect(byId['tests/test_mode.py']!.warm).toBeUndefined();
    // The host knew (no round trip to a runner that refuses).
    expect(w.batchLogs(outcome)).not.toMatch(/refused|imported before the batch/);
  }, 120_000);

  it('a change to a module the root conftest imported restarts an idle warm runner: the next batch runs warm on it', async () => {
    await w.waitWarm();
    const stale = (): string[] => w.pool.recycleIdle((vm) => hasStaleWarmRunner(vm, (at) => w.journal.changesSince(at)));
    w.edit('shop/price.py', 'def price():\n    return 1\n');
    expect(stale()).toEqual([]);
    w.edit('settings.py', 'MODE = "two"\n');
    expect(stale()).toEqual([w.pool.status()[0]!.name]);
    await w.waitWarm();
    const { byId } = await w.run(['tests/test_mode.py']);
    expect(byId['tests/test_mode.py']).toMatchObject({ status: 'passed', warm: true });
  }, 120_000);

  it('a change to conftest.py itself never reaches the warm runner', async () => {
    await w.waitWarm();
    w.edit('conftest.py', 'import pytest\n\n@pytest.fixture\ndef mode():\n    return "two"\n');
    const { byId } = await w.run(['tests/test_mode.py']);
    expect(byId['tests/test_mode.py']).toMatchObject({ status: 'passed' });
    expect(byId['tests/test_mode.py']!.warm).toBeUndefined();
  }, 120_000);
});
