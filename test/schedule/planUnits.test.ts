import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { lptShards, planUnits } from '../../src/schedule/planUnits.ts';
import type { TestJob } from '../../src/schedule/types.ts';
import { discoverTests } from '../../src/select/discover.ts';

function job(id: string): TestJob {
  return { test: { id, kind: 'discovered', command: '', file: id, runner: 'vitest', rule: 0 }, reasons: ['changed'] };
}

const ids = (shards: TestJob[][]): string[][] => shards.map((shard) => shard.map((j) => j.test.id));

describe('lptShards', () => {
  it('gives each file to the least loaded shard, longest first', () => {
    const expected: Record<string, number> = { a: 7000, b: 5000, c: 4000, d: 3000, e: 3000, f: 2000 };
    const shards = lptShards(['a', 'b', 'c', 'd', 'e', 'f'].map(job), 2, (id) => expected[id]);
    const loads = shards.map((shard) => shard.reduce((sum, j) => sum + expected[j.test.id]!, 0));
    expect(loads.sort()).toEqual([12_000, 12_000]);
    expect(ids(shards)).toEqual([
      ['a', 'd', 'f'],
      ['b', 'c', 'e'],
    ]);
  });

  it('never makes more shards than files, and keeps the given order inside a shard', () => {
    expect(ids(lptShards([job('x'), job('y')], 5, () => undefined))).toEqual([['x'], ['y']]);
    const shards = lptShards(['z', 'y', 'x', 'w'].map(job), 1, () => 10);
    expect(ids(shards)).toEqual([['z', 'y', 'x', 'w']]);
  });

  it('splits only while each shard expects at least minShardMs of work', () => {
    const files = ['a', 'b', 'c', 'd'].map(job);
    // 4 × 300 ms = 1.2 s of tests: one runner start beats three
    expect(ids(lptShards(files, 3, () => 300, 2000))).toEqual([['a', 'b', 'c', 'd']]);
    // 4 × 1.5 s = 6 s: three shards of at least 2 s would need 6 s; two do
    expect(lptShards(files, 3, () => 1500, 2000)).toHaveLength(3);
    expect(lptShards(files, 3, () => 1400, 2000)).toHaveLength(2);
    // 0: one shard per machine whatever the durations
    expect(lptShards(files, 3, () => 1, 0)).toHaveLength(3);
  });

  it('treats a file with no history as the median of those with one', () => {
    const expected: Record<string, number> = { a: 9000, b: 1000, c: 1000 };
    // new: ~1000 (median); a alone on one machine, the rest on the other
    expect(ids(lptShards(['a', 'b', 'c', 'new'].map(job), 2, (id) => expected[id]))).toEqual([['a'], ['b', 'c', 'new']]);
  });
});

describe('planUnits', () => {
  const config = configSchema.parse({
    root: '.',
    tests: [{ id: 'e2e', command: 'npm run e2e' }],
    discover: [
      { pattern: 'src/**/*.test.ts', runner: 'vitest', minShardMs: 0 },
      { pattern: 'legacy/*.test.js', command: 'node --test {file}' },
      { pattern: 'ports/*.test.ts', runner: 'vitest', batch: false },
      { pattern: 'junit/*.sh', command: 'sh run.sh {files}', junit: 'out/junit.xml', minShardMs: 0 },
      { pattern: 'junit1/*.sh', command: 'sh {file}', junit: 'out/junit.xml' },
    ],
  });
  const files = [
    'src/a.test.ts',
    'src/b.test.ts',
    'src/c.test.ts',
    'legacy/l.test.js',
    'ports/p.test.ts',
    'ports/q.test.ts',
    'junit/1.sh',
    'junit/2.sh',
    'junit1/3.sh',
  ];
  const jobs = discoverTests(config, files).map((test) => ({ test, reasons: ['changed'] }));

  it('shards the batchable files of a rule over the machines, and keeps the rest one per machine', () => {
    const units = planUnits(jobs, { discover: config.discover, machines: 2, expectedMs: () => undefined });
    const shape = units.map((unit) => ({
      ids: unit.jobs.map((j) => j.test.id),
      runner: unit.rule?.runner ?? null,
      batchOf: unit.batchOf ?? null,
    }));
    expect(shape).toEqual([
      { ids: ['e2e'], runner: null, batchOf: null },
      { ids: ['junit/1.sh'], runner: 'command', batchOf: 3 },
      { ids: ['junit/2.sh'], runner: 'command', batchOf: 3 },
      { ids: ['junit1/3.sh'], runner: 'command', batchOf: null },
      { ids: ['legacy/l.test.js'], runner: null, batchOf: null },
      { ids: ['ports/p.test.ts'], runner: 'vitest', batchOf: null },
      { ids: ['ports/q.test.ts'], runner: 'vitest', batchOf: null },
      { ids: ['src/a.test.ts', 'src/c.test.ts'], runner: 'vitest', batchOf: 0 },
      { ids: ['src/b.test.ts'], runner: 'vitest', batchOf: 0 },
    ]);
  });

  it('by default keeps a few fast files in one shard, and splits files that take long', () => {
    const plain = configSchema.parse({ root: '.', discover: [{ pattern: 'src/**/*.test.ts', runner: 'vitest' }] });
    const srcJobs = discoverTests(plain, files).map((test) => ({ test, reasons: ['changed'] }));
    const shards = (ms: number) => planUnits(srcJobs, { discover: plain.discover, machines: 3, expectedMs: () => ms }).length;
    expect(shards(50)).toBe(1);
    expect(shards(5000)).toBe(3);
  });

  it('runs a whole rule in one process when there is one machine', () => {
    const units = planUnits(jobs, { discover: config.discover, machines: 1, expectedMs: () => undefined });
    expect(units.find((unit) => unit.batchOf === 0)?.jobs.map((j) => j.test.id)).toEqual([
      'src/a.test.ts',
      'src/b.test.ts',
      'src/c.test.ts',
    ]);
  });
});
