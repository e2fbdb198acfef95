// A Vitest worker process started ahead, for a warm runner: vitestWarm.mjs imports this module
// from a data: URL (it runs inside the machine, where no file of vmwatch exists).
//
// Vitest 4 starts a `forks` worker for each run: node boots and loads Vitest's worker code before
// the first test file is read, a few hundred ms on a small machine. Here that process is started
// while the runner waits for its batch, loaded up to where Vitest's worker waits for its first
// message, and handed to Vitest's ForksPoolWorker when the batch starts its first worker, only
// when Vitest would start that worker exactly the same way: the same node flags, and the same
// environment but for VMWATCH_* (the child's process.env is replaced by what Vitest passes before
// Vitest sends it anything; its worker code reads the environment only from its first message
// on). Otherwise (another pool, other flags, another variable) it is killed and Vitest starts its
// own worker as always. It has run no test code: the machine holds no test state because of it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { isatty } from 'node:tty';

/** In the child: flags and argv as `fork(entry)` gives them, the batch's environment on request, then Vitest's worker code. */
const CHILD = `
process.execArgv.splice(-3, 3);
const { pathToFileURL } = await import('node:url');
const onParentGone = () => process.exit(0);
process.on('disconnect', onParentGone);
process.on('message', function onEnv(m) {
  if (m === null || typeof m !== 'object' || typeof m.vmwatchEnv !== 'object') return;
  process.off('message', onEnv);
  process.off('disconnect', onParentGone);
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, m.vmwatchEnv);
  process.send({ vmwatchEnvSet: true });
});
await import(pathToFileURL(process.argv[1]).href);
process.send({ vmwatchLoaded: true });
`;

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

/** Why `env` (the batch's) may not replace `ahead` (the child's) after start: a variable other than VMWATCH_* differs. */
function envDifference(ahead, env) {
  for (const key of new Set([...Object.keys(ahead), ...Object.keys(env)])) {
    if (!key.startsWith('VMWATCH_') && ahead[key] !== env[key]) return `the environment variable ${key} differs`;
  }
  return null;
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
  const entry = path.join(vitest.distPath, 'workers', 'forks.js');
  const child = spawn(process.execPath, [...flags, '--input-type=module', '-e', CHILD, entry], {
    env,
    stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  const exited = new Promise((resolve) => child.once('exit', () => resolve(false)));
  const message = (key) => Promise.race([exited, new Promise((resolve) => child.on('message', (m) => m?.[key] === true && resolve(true)))]);
  const loaded = message('vmwatchLoaded');
  child.on('error', () => {});
  // Whatever ends this runner (a refused batch, a crash) ends the worker too.
  process.once('exit', () => child.kill('SIGKILL'));
  let state = 'not used: the batch started no forks worker';
  let waiting = true;

  /** Whether the child may be this worker's process; if so, it now has the worker's environment. */
  const fits = async (worker) => {
    if (JSON.stringify(worker.execArgv) !== JSON.stringify(flags)) return 'not used: Vitest gives its worker other node flags';
    const differs = envDifference(env, worker.env ?? {});
    if (differs !== null) return `not used: ${differs}`;
    if (!(await loaded)) return 'not used: it ended before the batch';
    const set = message('vmwatchEnvSet');
    try {
      child.send({ vmwatchEnv: worker.env });
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
