// vmwatch's `node --test` reporter, passed as `--test-reporter=data:text/javascript;base64,<this>`
// with a file in the results folder as its destination (never written into the app). One
// `node --test` runs the whole batch; this reporter gives every event to its test file (the
// events' `file`, Node 20 and later) and, when a file ends, writes one JSON line for it:
//   {"file", "durationMs", "cases": [{"name", "status", "durationMs", "failure"?}], "error"?}
// so the files finished before a crash keep their results. `name` joins describe blocks with
// ' › '; describe blocks and tests that hold subtests are not cases. `error` says why a file with
// no failed case failed (a load error from its stderr, its exit code or signal). It also prints
// `[vmwatch] started "<file>"` and `[vmwatch] finished "<file>"` on stdout (a timeout per file).
const SEP = ' \u203a ';
const STDERR_KEEP = 64 * 1024;

const files = new Map();

function fileOf(path) {
  let f = files.get(path);
  if (f === undefined) {
    f = { stack: [], cases: [], parents: new Set(), stderr: '', started: Date.now() };
    files.set(path, f);
    process.stdout.write(`[vmwatch] started ${JSON.stringify(path)}\n`);
  }
  return f;
}

function failureOf(error) {
  const cause = error?.cause ?? error;
  const message = typeof cause?.message === 'string' ? cause.message : String(cause ?? 'failed');
  const stack = typeof cause?.stack === 'string' ? cause.stack : undefined;
  return { message: message.trim() === '' ? 'failed' : message, ...(stack ? { stack } : {}) };
}

function caseEnded(f, data, failed) {
  const n = data.nesting ?? 0;
  const path = [...f.stack.slice(0, n), data.name].join('\u0000');
  if (n > 0) f.parents.add(f.stack.slice(0, n).join('\u0000'));
  if (data.details?.type === 'suite') return;
  // A test that held subtests: its subtests are the cases, unless it failed on its own.
  const ownFailure = failed && data.details?.error?.failureType !== 'subtestsFailed';
  if (f.parents.has(path) && !ownFailure) return;
  const status = data.todo ? 'todo' : data.skip ? 'skipped' : failed ? 'failed' : 'passed';
  f.cases.push({
    name: [...f.stack.slice(0, n), data.name].join(SEP),
    status,
    durationMs: Math.round(data.details?.duration_ms ?? 0),
    ...(status === 'failed' ? { failure: failureOf(data.details?.error) } : {}),
  });
}

/** Why a file failed outside its cases: the error it printed, and how its process ended. */
function fileError(f, error) {
  const how =
    error?.signal != null
      ? `was killed by ${error.signal}`
      : error?.exitCode != null && error.exitCode !== 0
        ? `exited with code ${error.exitCode}`
        : 'failed';
  const printed = f.stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^(?:\w*Error|Error \[\w+\])\b.*:/.test(l));
  return printed ? `${printed} (the test file ${how})` : `the test file ${how} before it reported its tests`;
}

export default async function* vmwatchReporter(source) {
  for await (const event of source) {
    const data = event.data ?? {};
    if (typeof data.file !== 'string') continue;
    const f = fileOf(data.file);
    const fileLevel = data.name === data.file && (data.nesting ?? 0) === 0;
    switch (event.type) {
      case 'test:start':
        if (!fileLevel) {
          f.stack.length = data.nesting ?? 0;
          f.stack.push(data.name);
        }
        break;
      case 'test:pass':
      case 'test:fail':
        if (!fileLevel) caseEnded(f, data, event.type === 'test:fail');
        break;
      case 'test:stderr':
        if (f.stderr.length < STDERR_KEEP) f.stderr += String(data.message ?? '');
        break;
      case 'test:complete':
        if (fileLevel && !f.ended) {
          f.ended = true;
          const error = data.details?.error;
          const failedCase = f.cases.some((c) => c.status === 'failed');
          const record = {
            file: data.file,
            durationMs: Math.round(data.details?.duration_ms ?? Date.now() - f.started),
            cases: f.cases,
            ...(error && !failedCase ? { error: fileError(f, error) } : {}),
          };
          process.stdout.write(`[vmwatch] finished ${JSON.stringify(data.file)}\n`);
          yield `${JSON.stringify(record)}\n`;
        }
        break;
    }
  }
}
