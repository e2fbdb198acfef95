import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunSummary } from '../../src/report/types.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CLI, createDemoProject, finishedRuns, type DemoProject } from '../helpers/demoProject.ts';
import { processesMentioning, waitFor } from '../helpers/processes.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';
import { startTmux, tmuxUnavailable, type TmuxTerminal } from '../helpers/tmuxTerminal.ts';

const unavailable = sandboxUnavailable() ?? tmuxUnavailable();
if (unavailable !== null) console.warn(`[vmwatch tests] skipping the interactive terminal tests: ${unavailable}`);

describe.skipIf(unavailable !== null)('vmwatch watch in a real terminal (tmux): keys and the live status area', () => {
  let demo: DemoProject;
  let term: TmuxTerminal;

  beforeAll(async () => {
    demo = createDemoProject({ pool: 'e2e-tty', overrides: { notify: false } });
    term = startTmux(`${process.execPath} ${CLI} watch --config ${demo.configFile}`, {
      env: { VMWATCH_HOME: inject('demoHome'), VMWATCH_LOG: 'warn', PATH: process.env.PATH ?? '' },
      cwd: path.dirname(demo.configFile),
    });
    await term.waitForScreen(/vmwatch: watching .* ready/, 120_000);
  });

  /** Finished runs (folders with a summary), oldest first. */
  const runs = (): string[] => finishedRuns(demo.runs);

  afterAll(() => {
    term?.kill();
    demo?.cleanup();
  });

  it('shows the machines and the keys below the log, and w lists the keys', async () => {
    const screen = await term.waitForScreen(/machines .*vmwatch-e2e-tty-1 ready/);
    expect(screen).toMatch(/press w to show keys, q to quit/);
    term.keys('w');
    const help = await term.waitForScreen(/press a run all/);
    expect(help).toMatch(/press f rerun failed/);
    expect(help).toMatch(/press p filter by test id/);
    term.keys('w');
  });

  it('a runs every test; the last run and its summary show in the status area', async () => {
    term.keys('a');
    const screen = await term.waitForScreen(/last run +✓ 10 tests: 10 passed/, 90_000);
    expect(screen).toMatch(/✓ passed {2}src\/money\.test\.ts/);
  });

  it('p filters by test id: only matching tests run after that, and Enter reruns the last selection', async () => {
    term.keys('p');
    await term.waitForScreen(/pattern › ▏/);
    term.keys('money', { literal: true });
    await term.waitForScreen(/pattern › money▏/);
    term.keys('Enter');
    await term.waitForScreen(/filter +only tests matching "money"/);
    term.keys('a');
    const screen = await term.waitForScreen(/last run +✓ 1 test: 1 passed/, 60_000);
    expect(screen).toMatch(/9 test\(s\) left out by the filter "money"/);
    const before = runs();
    term.keys('Enter');
    const after = await waitFor(() => (runs().length > before.length ? runs() : null), 60_000, 'a rerun after Enter');
    const rerun = JSON.parse(readFileSync(path.join(demo.runs, after.at(-1)!, 'summary.json'), 'utf8')) as RunSummary;
    expect(rerun.tests.map((t) => [t.id, t.status])).toEqual([['src/money.test.ts', 'passed']]);
  });

  it('f reruns only the failed cases of the last run (node --test-name-pattern); the terminal names the failing case', async () => {
    const file = path.join(demo.app, 'src/money.test.ts');
    const original = readFileSync(file, 'utf8');
    const summaryOf = (run: string): RunSummary =>
      JSON.parse(readFileSync(path.join(demo.runs, run, 'summary.json'), 'utf8')) as RunSummary;
    const nextRun = (after: string[], what: string): Promise<string[]> =>
      waitFor(() => (runs().length > after.length ? runs() : null), 60_000, what);
    const before = runs();
    writeFileSync(file, `${original}\ntest('fails on purpose', () => assert.equal(1, 2));\n`);
    const failed = await nextRun(before, 'the run of the save');
    await term.waitForScreen(/✗ failed {2}src\/money\.test\.ts.*\n +✗ fails on purpose — Expected values to be strictly equal/, 30_000);
    const first = summaryOf(failed.at(-1)!);
    expect(first.tests.map((t) => [t.id, t.status])).toEqual([['src/money.test.ts', 'failed']]);
    expect(first.tests[0]!.cases!.filter((c) => c.status === 'passed').length).toBeGreaterThan(0);
    term.keys('f');
    const rerun = summaryOf((await nextRun(failed, 'the rerun after f')).at(-1)!);
    expect(rerun.tests.map((t) => [t.id, t.status])).toEqual([['src/money.test.ts', 'failed']]);
    expect(rerun.tests[0]!.cases!.filter((c) => c.status !== 'skipped').map((c) => [c.name, c.status])).toEqual([
      ['fails on purpose', 'failed'],
    ]);
    const fixing = runs();
    writeFileSync(file, original);
    const fixed = summaryOf((await nextRun(fixing, 'the run of the fix')).at(-1)!);
    expect(fixed.tests.map((t) => [t.id, t.status])).toEqual([['src/money.test.ts', 'passed']]);
  });

  it('q quits cleanly: the terminal is given back and no machine process is left', async () => {
    term.keys('q');
    await waitFor(() => term.exited() || null, 20_000, 'vmwatch to exit after q');
    expect(term.screen()).toMatch(/vmwatch: stopped; no machine left running/);
    // This run's machines only: their folders lie in this run's own VMWATCH_HOME (a temp folder).
    expect(processesMentioning(path.join(inject('demoHome'), 'sandbox', 'machines', 'vmwatch-e2e-tty-'))).toEqual([]);
  });
});
