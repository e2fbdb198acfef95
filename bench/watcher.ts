import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { processesMentioning } from '../test/helpers/processes.ts';
import { isRunStart, startLoggedCli } from './lib/cliLog.ts';
import { demoBench } from './lib/demoHome.ts';
import { idleCost } from './lib/processTree.ts';
import { generateSelectRepo } from './lib/selectRepo.ts';
import { stats } from './lib/stats.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const WATCH_IGNORE = ['node_modules/**', '**/__pycache__/**'];

/** 200 saves of one file within 1 s, on the demo app: how many runs they give (target: 1). */
async function burst(): Promise<Record<string, unknown>> {
  const bench = demoBench('bench-burst', { notify: false, watch: { debounceMs: 150, ignore: WATCH_IGNORE } });
  const w = startLoggedCli(['watch', '--config', bench.project.configFile], { VMWATCH_HOME: bench.home });
  try {
    await w.cli.waitFor(/watching .* ready/, { timeoutMs: 120_000 });
    const file = path.join(bench.project.app, 'src/money.ts');
    const original = readFileSync(file, 'utf8');
    const from = w.lines.length;
    const started = Date.now();
    for (let i = 0; i < 200; i++) {
      writeFileSync(file, `${original}// save ${i}\n`);
      await sleep(Math.max(0, started + (i + 1) * 5 - Date.now()));
    }
    const spanMs = Date.now() - started;
    // Settle: wait for the run, then 3 s of quiet for any second run to show up.
    await w.waitLine(from, isRunStart, 30_000);
    await sleep(3000);
    const runs = w.lines.slice(from).filter(isRunStart).length;
    const batches = w.lines.slice(from).filter((l) => l.msg === 'batch').length;
    return { saves: 200, spanMs, batches, runs, target: { runs: 1, met: runs === 1 } };
  } finally {
    await w.stop();
    bench.cleanup();
  }
}

/** onBusy 'restart': a change to a running test's input; how long until it is cancelled (target ≤ 1 s to kill). */
async function cancelLatency(rounds: number): Promise<Record<string, unknown>> {
  const bench = demoBench('bench-cancel', {
    notify: false,
    watch: { debounceMs: 100, onBusy: 'restart', ignore: WATCH_IGNORE },
    tests: [{ id: 'slow', command: 'sleep 30 & wait', files: ['slow.txt'] }],
  });
  writeFileSync(path.join(bench.project.app, 'slow.txt'), 'v0\n');
  const w = startLoggedCli(['watch', '--config', bench.project.configFile], { VMWATCH_HOME: bench.home });
  const kill: number[] = [];
  const saveToCancelled: number[] = [];
  try {
    await w.cli.waitFor(/watching .* ready/, { timeoutMs: 120_000 });
    for (let i = 1; i <= rounds; i++) {
      const deadline = Date.now() + 30_000;
      while (processesMentioning('sleep 30').filter((p) => p.cmdline === 'sleep 30').length === 0) {
        if (Date.now() > deadline) throw new Error('the slow test never started');
        await sleep(20);
      }
      const from = w.lines.length;
      const savedAt = Date.now();
      writeFileSync(path.join(bench.project.app, 'slow.txt'), `v${i}\n`);
      const plan = (await w.waitLine(from, (l) => l.msg === 'plan')).line as { planAt: number };
      const done = await w.waitLine(from, (l) => l.msg === 'test finished' && l.status === 'cancelled');
      kill.push((done.line.time as number) - plan.planAt);
      saveToCancelled.push((done.line.time as number) - savedAt);
    }
  } finally {
    await w.stop();
    bench.cleanup();
  }
  const k = stats(kill);
  return { rounds, cancelToResultMs: k, saveToCancelledMs: stats(saveToCancelled), target: { cancelMs: 1000, met: k.median <= 1000 } };
}

/** Idle cost on a 10,000-file tree: the vmwatch watcher beside Vitest's watch mode, same tree, same machine. */
async function idle(files: number, sampleMs: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-bench-idle-'));
  const home = mkdtempSync(path.join(tmpdir(), 'vmwatch-bench-idle-home-'));
  try {
    const repo = generateSelectRepo(path.join(dir, 'repo'), { files, nodeModules: path.resolve('node_modules') });
    const configFile = path.join(dir, 'watch.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        root: './repo',
        notify: false,
        discover: [{ pattern: 'packages/**/*.test.ts', command: 'true' }],
        pool: { name: 'bench-idle', size: 1 },
        watch: { ignore: ['node_modules/**'] },
      }),
    );
    const w = startLoggedCli(['watch', '--config', configFile], { VMWATCH_HOME: home, VMWATCH_LOG: 'info' });
    let vmwatch: { rssMb: number; cpuPercent: number };
    try {
      await w.cli.waitFor(/watching .* ready/, { timeoutMs: 180_000 });
      // Past start-up and V8's memory reducer (a few GCs in the first ~15 s): the steady idle cost.
      await sleep(20_000);
      vmwatch = await idleCost(w.cli.child.pid!, sampleMs);
    } finally {
      await w.stop();
    }
    const vitest = spawn(process.execPath, [path.resolve('node_modules/vitest/vitest.mjs'), '--watch', '--changed'], {
      cwd: repo.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '' },
    });
    let out = '';
    vitest.stdout.on('data', (d: Buffer) => (out += d.toString()));
    vitest.stderr.on('data', (d: Buffer) => (out += d.toString()));
    let vitestCost: { rssMb: number; cpuPercent: number };
    try {
      const deadline = Date.now() + 180_000;
      while (!/Waiting for file changes|No affected test files|No test files found/i.test(out)) {
        if (Date.now() > deadline || vitest.exitCode !== null) throw new Error(`vitest --watch never got ready:\n${out.slice(-2000)}`);
        await sleep(100);
      }
      // Past start-up and V8's memory reducer (a few GCs in the first ~15 s): the steady idle cost.
      await sleep(20_000);
      vitestCost = await idleCost(vitest.pid!, sampleMs);
    } finally {
      vitest.kill('SIGKILL');
    }
    return {
      files: repo.files.length,
      sampleMs,
      vmwatch,
      vitestWatch: vitestCost,
      rssRatioVsVitest: Math.round((vmwatch.rssMb / vitestCost.rssMb) * 100) / 100,
      target: { rssMb: 150, met: vmwatch.rssMb <= 150, cpuNearZero: vmwatch.cpuPercent < 1 },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}

/** The watch-mode figures of the watch-mode issue: one run per burst, cancel latency, idle cost. */
export async function benchWatcher(opts: { quick: boolean }): Promise<Record<string, unknown>> {
  return {
    burst: await burst(),
    cancel: await cancelLatency(opts.quick ? 2 : 5),
    idle: await idle(opts.quick ? 2000 : 10_000, opts.quick ? 3000 : 10_000),
  };
}
