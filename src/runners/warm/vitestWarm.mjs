// A warm Vitest, run inside a machine as `node --input-type=module -e <this> <setup>` with cwd =
// the app folder. It loads the app's own Vitest (`vitest/node` resolved from the app folder) with
// its config and plugins, then waits for one JSON line on stdin:
//   { write: [{ path, base64, mode }], remove: [path], env: {..}, run: { filters, namePattern? },
//     results?: { nonce, dir, maxBytes } }
// It applies the changes to the app folder (relative paths only, never through a link), runs the
// filters as `vitest run` would, prints the results folder as one frame (sendResults), and exits
// with Vitest's exit code. Exit 86: the changes were
// refused (nothing was changed, nothing ran: e.g. they touch a file the config imports); the caller then runs the batch the cold way.
// EOF without a message: exit 0 (the machine is being reverted).
// While it waits, it has a Vitest worker process started ahead (vitestWorkerAhead.mjs, passed as
// `workerAhead` in the setup), which then is the batch's first worker, and it transforms the test
// files and the app modules they import (Vite's transform cache, no module is run), so the batch
// pays only for the files the message changes: those are invalidated, and a file added or removed
// invalidates every transform (an import may resolve elsewhere now).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const REFUSED = 86;
/** The app folder: the results and artifacts folders are found from it, whatever a config's code does with the cwd. */
const APP = process.cwd();
const setup = JSON.parse(process.argv[1] ?? '{}');

function refuse(why) {
  process.stderr.write(`vmwatch warm runner: ${why}\n`);
  process.exit(REFUSED);
}

/** Root-relative, no `..`, no empty parts: its parent folders, outermost first; null for any other path. */
function plainParents(rel) {
  if (typeof rel !== 'string' || rel === '' || path.isAbsolute(rel)) return null;
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return null;
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** plainParents, refusing the message for any other path. */
function checkedParents(rel) {
  const parents = plainParents(rel);
  if (parents === null) refuse(`not a plain relative path: ${JSON.stringify(rel)}`);
  return parents;
}

function lstatOrNull(p) {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw err;
  }
}

/** Files the config bundle imported (the config itself and what it imports), root-relative. */
function loadedFiles(vitest) {
  const deps = [
    vitest.vite?.config?.configFileDependencies ?? [],
    ...(vitest.projects ?? []).map((p) => p.vite?.config?.configFileDependencies ?? []),
  ].flat();
  return new Set(deps.map((f) => path.relative(process.cwd(), f)));
}

/** At most this many modules are transformed ahead (a bound on memory and idle CPU). */
const PREWARM_MAX_MODULES = 5000;
/** Transforms in flight at once: leaves a core to the developer on small machines. */
const PREWARM_CONCURRENCY = 2;

/** The Vite environment a project's tests run in (Vitest's built-in environments). */
function environmentOf(project) {
  const name = project.config.environment;
  const envs = project.vite.environments;
  if (envs === undefined) return undefined; // Vite 5 (Vitest 3): nothing is transformed ahead
  return name === 'jsdom' || name === 'happy-dom' ? envs.client : envs.ssr;
}

/**
 * Transform the test files of every project (or those of `files`, a batch's filters) and the app
 * modules they import, breadth first, until `stop()`; nothing is executed. Returns { stop, done }
 * where done resolves to the module count.
 */
function prewarm(vitest, files) {
  let stopped = false;
  const started = performance.now();
  const done = (async () => {
    const specs = await vitest.globTestSpecifications(files);
    const queue = [];
    const seen = new Map(); // environment (one per project) -> urls queued
    let queued = 0;
    const push = (env, url) => {
      const urls = seen.get(env) ?? seen.set(env, new Set()).get(env);
      if (url.startsWith('/') && !url.includes('/node_modules/') && !urls.has(url) && queued < PREWARM_MAX_MODULES) {
        urls.add(url);
        queued += 1;
        queue.push([env, url]);
      }
    };
    for (const spec of specs) {
      const typecheck = spec.project.config.typecheck;
      // Type tests are checked by tsc, not transformed by Vite.
      if ((typecheck?.enabled && typecheck.only) || spec.pool === 'typescript') continue;
      const env = environmentOf(spec.project);
      if (env !== undefined) push(env, spec.moduleId);
    }
    let count = 0;
    const worker = async () => {
      while (!stopped && queue.length > 0) {
        const [env, url] = queue.shift();
        const result = await env.transformRequest(url).catch(() => null);
        if (result !== null) count += 1;
        const deps = result?.deps ?? [...(env.moduleGraph.urlToModuleMap.get(url)?.importedModules ?? [])].map((m) => m.url);
        for (const dep of deps) push(env, dep);
      }
    };
    await Promise.all(Array.from({ length: PREWARM_CONCURRENCY }, worker));
    if (!stopped && files === undefined)
      process.stdout.write(`vmwatch warm runner: prewarmed ${count} modules in ${Math.round(performance.now() - started)} ms\n`);
    return count;
  })().catch((err) => {
    process.stderr.write(`vmwatch warm runner: prewarm stopped: ${err?.message ?? err}\n`);
    return 0;
  });
  return {
    stop: () => {
      stopped = true;
      return done;
    },
  };
}

/**
 * After the message's files are written: drop their transforms. A file that is new or removed may
 * change where an import resolves, so then every transform goes (as if nothing had been prewarmed).
 */
function invalidate(vitest, message, existed) {
  const added = message.write.some((w) => !existed.has(w.path));
  if (added || message.remove.length > 0) {
    for (const project of vitest.projects) for (const env of Object.values(project.vite.environments)) env.moduleGraph.invalidateAll();
    return;
  }
  for (const { path: rel } of message.write) vitest.invalidateFile(path.resolve(rel));
}

/** Every check before anything is changed: a refusal leaves the tree as it was. */
function check(message, loaded) {
  for (const entry of [...message.write.map((w) => w.path), ...message.remove]) {
    for (const dir of checkedParents(entry)) {
      const st = lstatOrNull(dir);
      if (st !== null && !st.isDirectory()) refuse(`${dir} is not a folder (a link or a file)`);
    }
    const st = lstatOrNull(entry);
    if (st?.isDirectory()) refuse(`${entry} is a folder`);
    if (loaded.has(entry)) refuse(`${entry} changed, and the Vitest config imports it`);
  }
}

function apply(message) {
  for (const rel of message.remove) if (lstatOrNull(rel) !== null) fs.unlinkSync(rel);
  for (const { path: rel, base64, mode } of message.write) {
    for (const dir of checkedParents(rel)) if (lstatOrNull(dir) === null) fs.mkdirSync(dir);
    if (lstatOrNull(rel)?.isSymbolicLink()) fs.unlinkSync(rel);
    const fd = fs.openSync(
      rel,
      fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW,
      mode ?? 0o644,
    );
    try {
      fs.writeSync(fd, Buffer.from(base64, 'base64'));
      if (mode !== undefined) fs.fchmodSync(fd, mode);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/**
 * The results folder back in this output, as one frame after the run (the host's resultsFrame.ts):
 * every regular file, or `complete: false` when it holds anything else, more than asked, or
 * cannot be read. Written whole before the runner goes on (stdout to a pipe is asynchronous).
 */
async function sendResults(request) {
  if (request === undefined) return;
  let body;
  try {
    const folder = resultsFolder(request);
    body = Buffer.from(JSON.stringify(artifactsAbsent(request.artifacts) ? { ...folder, artifacts: 'absent' } : folder));
  } catch {
    body = Buffer.from(JSON.stringify({ complete: false }));
  }
  const frame = Buffer.concat([Buffer.from(`\nvmwatch warm runner: results ${request.nonce} ${body.length}\n`), body, Buffer.from('\n')]);
  await new Promise((resolve) => process.stdout.write(frame, resolve));
}

/** Nothing at the artifacts folder's path, and nothing above it but real folders (no link). */
function artifactsAbsent(rel) {
  const parents = plainParents(rel);
  if (parents === null) return false;
  try {
    const inApp = (p) => lstatOrNull(path.join(APP, p));
    return parents.every((d) => inApp(d)?.isDirectory() ?? true) && inApp(rel) === null;
  } catch {
    return false;
  }
}

function resultsFolder(request) {
  const incomplete = { complete: false };
  const folder = path.resolve(APP, request.dir);
  const dir = lstatOrNull(folder);
  if (dir === null) return { complete: true, files: {} };
  if (!dir.isDirectory()) return incomplete;
  const files = {};
  let bytes = 0;
  for (const name of fs.readdirSync(folder)) {
    const fd = fs.openSync(path.join(folder, name), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    try {
      const st = fs.fstatSync(fd);
      bytes += Math.ceil(st.size / 3) * 4 + name.length + 8;
      if (!st.isFile() || bytes > request.maxBytes) return incomplete;
      files[name] = fs.readFileSync(fd).toString('base64');
    } finally {
      fs.closeSync(fd);
    }
  }
  return { complete: true, files };
}

async function readMessage() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  return text === '' ? null : JSON.parse(text);
}

const messageRead = readMessage();
process.env.TEST = 'true';
process.env.VITEST = 'true';
process.env.NODE_ENV ??= 'test';
const appRequire = createRequire(path.join(process.cwd(), 'package.json'));
const vitestNode = await import(pathToFileURL(appRequire.resolve('vitest/node')).href);
const { options } = vitestNode.parseCLI(['vitest', 'run', ...(setup.args ?? [])]);
const vitest = await vitestNode.createVitest('test', { ...options, watch: false, run: true });
// What the config imported, for the host: a save to one of them restarts this runner.
const inApp = [...loadedFiles(vitest)].filter((f) => f !== '' && !f.startsWith('..') && !path.isAbsolute(f));
process.stdout.write(`vmwatch warm runner: loaded ${JSON.stringify(inApp)}\n`);
// The host shows the machine as warm from this line on.
process.stdout.write('vmwatch warm runner: ready\n');
const worker =
  setup.workerAhead === undefined
    ? null
    : (await import(`data:text/javascript;base64,${Buffer.from(setup.workerAhead).toString('base64')}`)).startWorkerAhead(
        vitest,
        vitestNode,
      );
if (setup.prewarm === false) process.stdout.write('vmwatch warm runner: not transforming ahead (a one-shot run)\n');
const ahead = setup.prewarm === false ? { stop: async () => 0 } : prewarm(vitest);
/** Kill the worker started ahead unless Vitest took it; say what became of it. */
function endWorkerAhead() {
  if (worker !== null) process.stdout.write(`vmwatch warm runner: worker started ahead: ${worker.why ?? worker.end()}\n`);
}

const message = await messageRead;
await ahead.stop();
if (message === null) {
  endWorkerAhead();
  await vitest.close();
  process.exit(0);
}
check(message, loadedFiles(vitest));
const existed = new Set(message.write.map((w) => w.path).filter((rel) => lstatOrNull(rel) !== null));
apply(message);
invalidate(vitest, message, existed);
Object.assign(process.env, message.env ?? {});
if (message.run.namePattern !== undefined) vitest.setGlobalTestNamePattern(message.run.namePattern);
// The batch's modules not transformed yet (all of them in a one-shot run) are transformed while its
// first files run, so the worker finds most of them ready instead of asking for each in turn.
const batchAhead = message.run.filters.length > 0 ? prewarm(vitest, message.run.filters) : { stop: async () => 0 };
try {
  await vitest.start(message.run.filters);
} catch (err) {
  process.exitCode = 1;
  if (err?.code !== 'VITEST_FILES_NOT_FOUND' && !/No test files found/.test(String(err?.message))) console.error(err);
  else console.error(`No test files found: ${message.run.filters.join(' ')}`);
}
process.stdout.write(`vmwatch warm runner: the batch's modules transformed ahead of its worker: ${await batchAhead.stop()}\n`);
endWorkerAhead();
// Closing runs the globalSetup teardowns, which may still write artifacts: the frame comes after.
await vitest.close();
await sendResults(message.results);
process.exit(process.exitCode ?? 0);
