// A Vitest worker process started ahead, for a warm runner: vitestWarm.mjs imports this module
// from a data: URL (it runs inside the machine, where no file of vmwatch exists).
//
// Vitest 4 starts a `forks` worker for each run: node boots and loads Vitest's worker code before
// the first test file is read, a few hundred ms on a small machine. Here that process is started
// while the runner waits for its batch, loaded up to where Vitest's worker waits for its first
// message, and handed to Vitest's ForksPoolWorker when the batch starts its first worker, only
// when Vitest would start that worker exactly the same way: a plain forks worker with the same
// entry point, the same node flags, and the same environment but for VMWATCH_* (those are set in
// the child before Vitest sends it anything; its worker code reads the environment only from its
// first message on). Otherwise (another pool, other flags, another variable) it is killed and
// Vitest starts its own worker as always. It is not started when the worker would preload code
// (--require, --import, --loader, --env-file in its flags or NODE_OPTIONS): that code would run
// before the batch's changes are applied. It has run no test code: the machine holds no test state
// because of it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isatty } from 'node:tty';

/**
 * The child, run as `node FLAGS <this file> ENTRY`: argv as `fork(ENTRY)` gives it (its flags are
 * already exactly FLAGS, so worker threads and forks of a test inherit the right ones), the
 * batch's VMWATCH_* variables on request, then Vitest's worker code.
 */
const CHILD = `
process.argv.splice(1, 1);
const { pathToFileURL } = await import('node:url');
const onParentGone = () => process.exit(0);
process.on('disconnect', onParentGone);
process.on('message', function onEnv(m) {
  if (m === null || typeof m !== 'object' || typeof m.vmwatchEnv !== 'object') return;
  process.off('message', onEnv);
  process.off('disconnect', onParentGone);
  for (const key of m.vmwatchEnv.unset) delete process.env[key];
  Object.assign(process.env, m.vmwatchEnv.set);
  process.send({ vmwatchEnvSet: true });
});
await import(pathToFileURL(process.argv[1]).href);
process.send({ vmwatchLoaded: true });
`;

/** Node flags that run code (or read a file) at startup, in a worker's flags or NODE_OPTIONS. */
const PRELOAD = /^(-r|--require|--import|--loader|--experimental-loader|--env-file|--env-file-if-exists)(=|$)/;

/** Node flags Vitest 4 gives a forks worker of `project` (createPool: resolveOptions, resolveConditions, execArgv). */
function workerFlags(vitest, project) {
  const viteConfig = project.vite.config;
  const conditions = [...new Set(viteConfig.ssr?.resolve?.conditions ?? [])]
    .filter((c) => (c === 'production' ? viteConfig.isProduction : c === 'development' ? !viteConfig.isProduction : true))
    .map((c) => (c === 'development|production' ? (viteConfig.isProduction ? 'production' : 'development') : c))
    .flatMap((c) => ['--conditions', c]);
  return [
    ...process.execArgv.filter((a) => a.startsWith('--cpu-prof') || a.startsWith('--heap-prof') || a.startsWith('--diagnostic-dir')),
    '--experimental-import-meta-resolve',
    ...(globalThis.Deno || process.versions.pnp ? [] : ['--require', path.resolve(vitest.distPath, '..', 'suppress-warnings.cjs')]),
    ...conditions,
    ...(project.config.execArgv ?? []),
  ];
}

/** The environment Vitest 4 gives a worker of `project` (createPool), as of now. */
function workerEnv(vitest, project) {
  return {
    ...process.env,
    TEST: 'true',
    VITEST: 'true',
    NODE_ENV: process.env.NODE_ENV || 'test',
    VITEST_MODE: vitest.config.watch ? 'WATCH' : 'RUN',
    FORCE_TTY: isatty(1) ? 'true' : '',
    ...vitest.config.env,
    ...project.config.env,
  };
}

/** What makes the child's environment (`ahead`) the batch's (`env`): VMWATCH_* only; a string saying why not otherwise. */
function envChange(ahead, env) {
  const change = { set: {}, unset: [] };
  for (const key of new Set([...Object.keys(ahead), ...Object.keys(env)])) {
    const [was, now] = [ahead[key], env[key]].map((v) => (v === undefined ? undefined : String(v)));
    if (was === now) continue;
    if (!key.startsWith('VMWATCH_')) return `the environment variable ${key} differs`;
    if (now === undefined) change.unset.push(key);
    else change.set[key] = now;
  }
  return change;
}

/**
 * Start the worker ahead for the first project that runs in Vitest's `forks` pool, and make
 * ForksPoolWorker take it. Returns { why, end() }: `why` says why none was started (else null);
 * `end()` kills it unless Vitest took it, and returns what happened to it, for the log.
 */
export function startWorkerAhead(vitest, vitestNode) {
  const proto = vitestNode.ForksPoolWorker?.prototype;
  const project = (vitest.projects ?? []).find((p) => p.config?.pool === 'forks' && p.config.browser?.enabled !== true);
  if (typeof proto?.start !== 'function' || typeof vitest.distPath !== 'string' || project === undefined)
    return { why: 'not Vitest 4 with a project in the forks pool', end: () => 'none started' };
  const flags = workerFlags(vitest, project);
  const env = workerEnv(vitest, project);
  const preloads = [...(project.config.execArgv ?? []), ...(env.NODE_OPTIONS ?? '').split(/\s+/)].find((f) => PRELOAD.test(f));
  if (preloads !== undefined) return { why: `the worker preloads code (${preloads})`, end: () => 'none started' };
  const entry = path.join(vitest.distPath, 'workers', 'forks.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmwatch-worker-'));
  fs.writeFileSync(path.join(dir, 'ahead.mjs'), CHILD);
  const child = spawn(process.execPath, [...flags, path.join(dir, 'ahead.mjs'), entry], {
    env,
    stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  const removeChildFile = () => fs.rmSync(dir, { recursive: true, force: true });
  const exited = new Promise((resolve) => child.once('exit', () => resolve(false)));
  const message = (key) => Promise.race([exited, new Promise((resolve) => child.on('message', (m) => m?.[key] === true && resolve(true)))]);
  const loaded = message('vmwatchLoaded');
  void loaded.then(removeChildFile);
  child.on('error', () => {});
  // Whatever ends this runner (a refused batch, a crash) ends the worker too.
  process.once('exit', () => {
    child.kill('SIGKILL');
    removeChildFile();
  });
  let state = 'not used: the batch started no forks worker';
  let waiting = true;

  /** Whether the child may be this worker's process; if so, it now has the worker's environment. */
  const fits = async (worker) => {
    if (Object.getPrototypeOf(worker) !== proto || worker.entrypoint !== entry) return 'not used: not a plain forks worker';
    if (JSON.stringify(worker.execArgv) !== JSON.stringify(flags)) return 'not used: Vitest gives its worker other node flags';
    const change = envChange(env, worker.env ?? {});
    if (typeof change === 'string') return `not used: ${change}`;
    if (!(await loaded)) return 'not used: it ended before the batch';
    const set = message('vmwatchEnvSet');
    try {
      child.send({ vmwatchEnv: change });
    } catch {
      return 'not used: it ended before the batch';
    }
    return (await set) ? null : 'not used: it ended before the batch';
  };

  const start = proto.start;
  proto.start = async function startWithWorkerAhead() {
    if (!waiting || this._fork !== undefined) return start.call(this);
    waiting = false;
    const notUsed = await fits(this);
    if (notUsed === null) this._fork = child;
    else child.kill('SIGKILL'); // before Vitest starts its own (an --inspect port, memory)
    await start.call(this);
    let took = false;
    try {
      took = this.fork === child;
    } catch {
      // no process: Vitest failed to start one
    }
    if (took) {
      state = 'ran the first test files';
      return;
    }
    state = notUsed ?? 'not used: Vitest did not take it';
    child.kill('SIGKILL');
  };
  return {
    why: null,
    end: () => {
      waiting = false;
      if (state !== 'ran the first test files') child.kill('SIGKILL');
      return state;
    },
  };
}
