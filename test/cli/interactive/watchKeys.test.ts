import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { onWatchKey, type WatchKeysContext } from '../../../src/cli/interactive/watchKeys.ts';
import { discoverTests } from '../../../src/select/discover.ts';
import type { Plan } from '../../../src/select/types.ts';

function context(overrides: Partial<WatchKeysContext> = {}) {
  const config = configSchema.parse({
    root: '.',
    tests: [{ id: 'e2e', command: 'x' }],
    discover: [
      { pattern: 'v/*.ts', runner: 'vitest' },
      { pattern: 'c/*.ts', command: 'tsx {file}' },
    ],
  });
  const testCases = discoverTests(config, ['v/a.ts', 'v/b.ts', 'c/c.ts']);
  const submitted: Plan[] = [];
  const said: string[] = [];
  let quit = 0;
  let opened = 0;
  let filter: string | null = null;
  const ctx: WatchKeysContext = {
    testCases: () => testCases,
    discover: config.discover,
    failing: () => ['v/a.ts', 'c/c.ts', 'e2e', 'gone.ts'],
    failedCases: (id) => (id === 'v/a.ts' || id === 'c/c.ts' ? ['suite › case'] : []),
    lastPlan: () => null,
    setFilter: (pattern) => (filter = pattern),
    say: (line) => said.push(line),
    submit: (plan) => submitted.push(plan),
    openUi: () => opened++,
    quit: () => quit++,
    ...overrides,
  };
  return { ctx, submitted, said, quits: () => quit, opens: () => opened, filter: () => filter };
}

describe('watch keys', () => {
  it('f reruns the failing tests that still exist, filtered to their failed cases where the runner can filter', () => {
    const t = context();
    onWatchKey({ kind: 'rerunFailed' }, t.ctx);
    expect(t.submitted[0]!.tests).toEqual([
      { id: 'v/a.ts', reasons: ['rerun failed (f)'], cases: ['suite › case'] },
      { id: 'c/c.ts', reasons: ['rerun failed (f)'] },
      { id: 'e2e', reasons: ['rerun failed (f)'] },
    ]);
  });

  it('a runs everything, Enter says when nothing ran yet, p sets and clears the filter, q asks to quit (no signal sent)', () => {
    const t = context();
    onWatchKey({ kind: 'runAll' }, t.ctx);
    expect(t.submitted[0]!.tests.map((x) => x.id)).toEqual(['c/c.ts', 'e2e', 'v/a.ts', 'v/b.ts']);
    onWatchKey({ kind: 'rerunLast' }, t.ctx);
    onWatchKey({ kind: 'filter', pattern: 'v/' }, t.ctx);
    expect(t.filter()).toBe('v/');
    onWatchKey({ kind: 'filter', pattern: '' }, t.ctx);
    expect(t.filter()).toBeNull();
    onWatchKey({ kind: 'openUi' }, t.ctx);
    expect(t.opens()).toBe(1);
    onWatchKey({ kind: 'quit' }, t.ctx);
    expect(t.quits()).toBe(1);
    expect(t.said).toEqual(['nothing has run yet: press a to run all', 'filter: only tests matching "v/"', 'filter cleared']);
  });
});
