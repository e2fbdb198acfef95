import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { RunSummary } from '../../src/report/types.ts';
import { startCli, type CliProcess } from '../helpers/cliProcess.ts';
import { createDemoProject, summaries, type DemoProject } from '../helpers/demoProject.ts';
import { waitFor } from '../helpers/processes.ts';
import { pytestUnavailable, SYSTEM_PYTHON as PYTHON } from '../helpers/pytestAvailable.ts';

const unavailable = pytestUnavailable();
if (unavailable !== null) console.warn(`[vmwatch tests] skipping the warm restart e2e test: ${unavailable}`);

/**
 * `vmwatch watch` with a pytest rule whose root conftest imports an app module: the warm runner
 * loads that module before any batch. Saving it must restart the idle warm runner at once (the
 * watch loop recycles its machine), though no test is selected by it.
 */
describe.skipIf(unavailable !== null)('vmwatch watch restarts an idle warm runner when a file it loaded changes', () => {
  let demo: DemoProject;
  let cli: CliProcess;

  afterAll(async () => {
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
    demo?.cleanup();
  });

  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(demo.app, file)), { recursive: true });
    writeFileSync(path.join(demo.app, file), text);
  };
  const run = (n: number): Promise<RunSummary> => waitFor(() => summaries(demo.runs)[n - 1] ?? null, 60_000, `run #${n}`);
  /** The pool's one machine is ready with a loaded warm runner (the status file `pool status` reads). */
  const machineWarm = (pool: string): Promise<unknown> =>
    waitFor(
      () => {
        const file = path.join(inject('demoHome'), 'pools', `${pool}.status.json`);
        if (!existsSync(file)) return null;
        const slot = (JSON.parse(readFileSync(file, 'utf8')) as { slots: Array<{ state: string; readiness?: string }> }).slots[0];
        return slot?.state === 'ready' && slot.readiness === 'warm' ? true : null;
      },
      60_000,
      'a ready, warm machine',
    );

  it('a save to a module the conftest loaded restarts it at once (no test selected for it); the next save sees it', async () => {
    const pool = 'e2e-warm-restart';
    demo = createDemoProject({
      pool,
      setup: [],
      overrides: {
        notify: false,
        watch: { debounceMs: 100, ignore: ['node_modules/**', '**/__pycache__/**', '.pytest_cache/**'] },
        discover: [{ pattern: 'pyt/test_*.py', runner: 'pytest', python: PYTHON, timeoutMs: 60_000 }],
        tests: [],
        triggers: { map: [] },
        pool: { name: pool, snapshot: `${pool}-ready`, size: 1 },
      },
    });
    // Imported by a computed name: no import edge selects a test for it; only the runner knows it loaded it.
    write(
      'conftest.py',
      'import importlib\nimport pytest\n\nvalues = importlib.import_module("pyt_" + "values")\n\n' +
        '@pytest.fixture\ndef value():\n    return values.VALUE\n',
    );
    write('pyt_values.py', 'VALUE = "one"\n');
    write('pyt/test_value.py', 'def test_value(value):\n    assert value == "two"\n');
    cli = startCli(['watch', '--config', demo.configFile], { env: { VMWATCH_HOME: inject('demoHome'), VMWATCH_LOG: 'debug' } });
    await cli.waitFor(/vmwatch: watching/, { timeoutMs: 120_000 });

    // The new files differ from HEAD: the first run fails (the value is "one").
    const first = await run(1);
    expect(first.tests).toMatchObject([{ id: 'pyt/test_value.py', status: 'failed' }]);
    await machineWarm(pool);

    const before = cli.stderr().length;
    write('pyt_values.py', 'VALUE = "two"\n');
    await cli.waitFor(/"msg":"restarting warm runners: a file they loaded changed"/, { stream: 'stderr', from: before, timeoutMs: 30_000 });
    await cli.waitFor(/"msg":"warm runner ready"/, { stream: 'stderr', from: before, timeoutMs: 60_000 });
    expect(summaries(demo.runs)).toHaveLength(1);

    // The restart started a new runner (before any batch asked for one), and it loaded the new module.
    expect(cli.stderr().slice(before)).toMatch(/"msg":"restarting warm runners[^\n]*\n(?:.*\n)*.*"msg":"warm runner started"/);
    write('pyt/test_value.py', 'def test_value(value):\n    assert value == "two"  # saved again\n');
    const last = await run(2);
    expect(last.tests).toMatchObject([{ id: 'pyt/test_value.py', status: 'passed' }]);
  }, 240_000);
});
