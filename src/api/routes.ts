import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { followFile } from './followFile.ts';
import { ArtifactRefused, findTest, isRunId, listArtifacts, resolveArtifact, type RunList, testFolder } from './runsFolder.ts';
import { sendFile } from './sendFile.ts';
import { artifactType, SAFE_HEADERS, sendError, sendJson } from './respond.ts';
import { streamEvents } from './events.ts';
import type { DaemonApi, RunRequest } from './types.ts';

const MAX_BODY = 64 * 1024;

/** `/api/...`: path segments are URL-decoded one by one, so a test id may hold `/` as `%2F`. */
export async function handleApi(
  { daemon, runs }: { daemon: DaemonApi; runs: RunList },
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  let parts: string[];
  try {
    parts = url.pathname.split('/').slice(2).map(decodeURIComponent);
  } catch {
    return sendError(res, 400, 'a path segment is not valid URL encoding');
  }
  const [head, a, b, c, d, ...rest] = parts;
  const method = req.method ?? 'GET';
  if (method === 'POST') {
    // Only JSON, like /api/run: a cross-site form cannot send it without a preflight.
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      return sendError(res, 415, 'send JSON (Content-Type: application/json)');
    if (head === 'run' && parts.length === 1) return postRun(daemon, req, res);
    if (head === 'cancel' && parts.length === 1) return sendJson(res, 200, { cancelled: daemon.cancel() });
    return sendError(res, 404, `no such action: ${url.pathname}`);
  }
  if (method !== 'GET') return sendError(res, 405, `${method} is not allowed here`);
  if (head === 'state' && parts.length === 1) return sendJson(res, 200, daemon.state());
  if (head === 'history' && parts.length === 1) return sendJson(res, 200, daemon.history());
  if (head === 'flaky' && parts.length === 1) return sendJson(res, 200, daemon.flaky());
  if (head === 'history' && a !== undefined && parts.length === 2) {
    const one = daemon.historyOf(a);
    return one === null ? sendError(res, 404, `no history for ${a}`) : sendJson(res, 200, one);
  }
  if (head === 'events' && parts.length === 1) return streamEvents(daemon, req, res, { output: url.searchParams.get('output') === '1' });
  if (head === 'why' && a !== undefined && parts.length === 2) {
    const why = await daemon.why(a);
    return why === null ? sendError(res, 404, `unknown test id: ${a}`) : sendJson(res, 200, why);
  }
  if (head !== 'runs') return sendError(res, 404, `no such route: ${url.pathname}`);
  if (a === undefined) return sendJson(res, 200, await runs.list());
  // The summary as written (vmwatch's own JSON): streamed, not parsed and serialised again.
  if (a === 'current' && b === undefined) {
    const current = daemon.current();
    return current === null ? sendError(res, 404, 'no run in progress') : sendJson(res, 200, current);
  }
  // `latest`: the newest finished run, so a page needs no run list first.
  if (a === 'latest' && b === undefined) {
    const newest = (await runs.list())[0];
    if (newest === undefined) return sendError(res, 404, 'no finished run yet');
    return sendFile(req, res, path.join(daemon.runsDir, newest.runId, 'summary.json'), { type: 'application/json; charset=utf-8' });
  }
  if (b === undefined)
    return isRunId(a)
      ? sendFile(req, res, path.join(daemon.runsDir, a, 'summary.json'), {
          type: 'application/json; charset=utf-8',
          missing: `no finished run ${a}`,
        })
      : sendError(res, 404, `no finished run ${a}`);
  if (b !== 'tests' || c === undefined || d === undefined) return sendError(res, 404, `no such route: ${url.pathname}`);
  const log = d === 'output' && rest.length === 0 ? daemon.liveLog(a, c) : null;
  if (log?.live) {
    // Until it ends, or its log moves (a warm runner's own log is appended to output.log at the end).
    const still = (): boolean => {
      const now = daemon.liveLog(a, c);
      return now?.live === true && now.file === log.file;
    };
    return followOutput(res, req, log.file, still);
  }
  if (log) return sendFile(req, res, log.file, { type: 'text/plain; charset=utf-8' });
  const test = await findTest(daemon.runsDir, a, c);
  const folder = test === null ? null : await testFolder(daemon.runsDir, a, test.artifactsDir);
  if (folder === null) return sendError(res, 404, `no test ${c} in run ${a}`);
  const text = 'text/plain; charset=utf-8';
  if (d === 'output' && rest.length === 0) return sendFile(req, res, path.join(folder, 'output.log'), { type: text, within: folder });
  if (d !== 'files') return sendError(res, 404, `no such route: ${url.pathname}`);
  if (rest.length === 0) return sendJson(res, 200, await listArtifacts(folder));
  try {
    const file = await resolveArtifact(folder, rest.join('/'));
    const { type, attachment } = artifactType(file);
    return sendFile(req, res, file, { type, within: folder, ...(attachment ? { downloadAs: path.basename(file) } : {}) });
  } catch (err) {
    if (err instanceof ArtifactRefused) return sendError(res, 404, err.message);
    throw err;
  }
}

/** A running test's log: what it holds now, then each new part as it comes, until the test ends. */
async function followOutput(res: ServerResponse, req: IncomingMessage, file: string, live: () => boolean): Promise<void> {
  res.writeHead(200, { ...SAFE_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'x-vmwatch-live': '1' });
  const gone = new AbortController();
  req.on('close', () => gone.abort());
  await followFile(file, { live, onText: (text) => res.write(text), signal: gone.signal });
  res.end();
}

async function postRun(daemon: DaemonApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return sendError(res, 413, 'the request is too large');
    chunks.push(chunk);
  }
  const request = parseRunRequest(Buffer.concat(chunks).toString('utf8'));
  if (typeof request === 'string') return sendError(res, 400, request);
  const answer = daemon.run(request);
  return 'error' in answer ? sendError(res, 409, answer.error) : sendJson(res, 202, answer);
}

/** `{ "all": true }`, `{ "failed": true }` or `{ "tests": ["id", ...] }`; else what is wrong. */
function parseRunRequest(body: string): RunRequest | string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  const o = json as Record<string, unknown> | null;
  if (o !== null && typeof o === 'object') {
    if (o.all === true) return { all: true };
    if (o.failed === true) return { failed: true };
    if (Array.isArray(o.tests) && o.tests.length > 0 && o.tests.every((t) => typeof t === 'string' && t !== ''))
      return { tests: o.tests as string[] };
  }
  return 'expected { "all": true }, { "failed": true } or { "tests": ["<test id>", ...] }';
}
