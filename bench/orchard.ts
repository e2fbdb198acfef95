import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import type { VMPool } from '../src/pool/VMPool.ts';
import { orchardAvailable } from '../test/helpers/orchardDouble.ts';
import { GUEST_PATH, orchardTestBed, type OrchardTestBed } from '../test/providers/orchard/orchardTestBed.ts';
import { bridgeOverhead } from './lib/orchardBridgeOverhead.ts';
import { round, stats } from './lib/stats.ts';

const WORKERS = 3;
const TESTS = 12;

/**
 * The Orchard provider on the Orchard double (3 simulated workers, 2 VMs each, real sshd machines):
 * (a) per-test overhead through the controller's port-forward bridge against direct ssh to the
 * same VM, and (b) throughput of `sleep` tests with a pool of 6 VMs against a pool of 2.
 */
export async function benchOrchard(opts: { quick: boolean }): Promise<Record<string, unknown>> {
  const why = orchardAvailable();
  if (why !== null) return { skipped: why };
  const bed = await orchardTestBed({ workers: WORKERS });
  try {
    process.stderr.write('bench: orchard: bridge vs direct ssh…\n');
    const bridge = await bridgeOverhead(bed.double, bed.provider(), bed.home, opts.quick ? 5 : 20);
    const sleepS = opts.quick ? 2 : 10;
    process.stderr.write(`bench: orchard: ${TESTS} tests of sleep ${sleepS} with 2 VMs…\n`);
    const two = await throughput(bed, 2, TESTS, sleepS);
    process.stderr.write(`bench: orchard: ${TESTS} tests of sleep ${sleepS} with 6 VMs…\n`);
    const six = await throughput(bed, 6, TESTS, sleepS);
    const efficiency = round(six.testsPerSecond / two.testsPerSecond / 3, 3);
    return {
      workers: WORKERS,
      bridgeVsDirect: bridge,
      throughput: {
        tests: TESTS,
        testCommand: `sleep ${sleepS}`,
        ...(opts.quick
          ? {
              note:
                `--quick: ${sleepS} s tests instead of 10 s (the same ${TESTS} tests, so the pool of 6 still runs two rounds); ` +
                'the fixed per-test cost weighs more',
            }
          : {}),
        pool2: two,
        pool6: six,
        scalingEfficiency: efficiency,
        target: { scalingEfficiency: 0.9, met: efficiency >= 0.9 },
        means:
          'scalingEfficiency = (tests/s with 6 VMs ÷ tests/s with 2) ÷ 3; each test = acquire, the command, an artifact pull, ' +
          'release (revert = delete + create + key install + sync-ahead, in the background)',
      },
    };
  } finally {
    await bed.cleanup();
  }
}

/**
 * A pool of `size` (sync-ahead of the test bed's app after each boot and revert), all ready, then
 * `tests` tests through p-limit(size): acquire, `sleep S` writing an artifact, pull it, release.
 */
async function throughput(
  bed: OrchardTestBed,
  size: number,
  tests: number,
  sleepS: number,
): Promise<Record<string, unknown> & { testsPerSecond: number }> {
  const pool = bed.pool(size, { provider: bed.provider() });
  const initStarted = performance.now();
  const acquireWait: number[] = [];
  const perTest: number[] = [];
  const failures: string[] = [];
  let wallMs = 0;
  let initMs = 0;
  let machines: Array<Record<string, unknown>> = [];
  try {
    await pool.init();
    await allReady(pool);
    initMs = performance.now() - initStarted;
    const limit = pLimit(size);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: tests }, (_, i) =>
        limit(async () => {
          const t0 = performance.now();
          const vm = await pool.acquire();
          const t1 = performance.now();
          acquireWait.push(t1 - t0);
          try {
            const r = await vm.exec(`sleep ${sleepS} && mkdir -p test-runs && echo ${i} > test-runs/out.txt`, {
              timeoutMs: (sleepS + 60) * 1000,
            });
            if (r.outcome !== 'exited' || r.exitCode !== 0)
              failures.push(`test ${i} on ${vm.name}: ${r.outcome} ${r.exitCode} ${r.error ?? ''}`.trim());
            else await vm.copyFromVM(`${GUEST_PATH}/test-runs`, path.join(bed.home, 'runs', `pool${size}`, String(i)));
          } finally {
            await pool.release(vm);
          }
          perTest.push(performance.now() - t1);
        }),
      ),
    );
    wallMs = performance.now() - started;
    // The last reverts finish before the pool goes (outside the figures), so destroy cuts none short.
    await allReady(pool);
    machines = pool.status().map((s) => ({ name: s.name, ...s.metrics }));
  } finally {
    await pool.destroy();
  }
  const rounds = Math.ceil(tests / size);
  const idealMs = rounds * sleepS * 1000;
  const testsPerSecond = round(tests / (wallMs / 1000), 3);
  return {
    size,
    initMs: round(initMs),
    wallMs: round(wallMs),
    testsPerSecond,
    rounds,
    idealWallMs: idealMs,
    wallOverIdeal: round(wallMs / idealMs, 3),
    acquireWaitMs: stats(acquireWait),
    leaseMs: stats(perTest),
    machines,
    ...(failures.length > 0 ? { failures } : {}),
  };
}

async function allReady(pool: VMPool): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!pool.status().every((s) => s.state === 'ready')) {
    const failed = pool.status().find((s) => s.state === 'failed');
    if (failed) throw new Error(`pool slot ${failed.name} failed: ${failed.error ?? 'no message'}`);
    if (Date.now() > deadline) throw new Error('the pool was not ready after 120 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}
