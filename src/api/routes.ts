import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { followFile } from './followFile.ts';
import { ArtifactRefused, findTest, listArtifacts, readSummary, resolveArtifact, type RunList } from './runsFolder.ts';
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
    if (head === 'run' && parts.length === 1) return postRun(daemon, req, res);
    if (head === 'cancel' && parts.length === 1) return sendJson(res, 200, { cancelled: daemon.cancel() });
    return sendError(res, 404, `no such action: ${url.pathname}`);
  }
  if (method !== 'GET') return sendError(res, 405, `${method} is not allowed here`);
  if (head === 'state' && parts.length === 1) return sendJson(res, 200, daemon.state());
  if (head === 'history' && parts.length === 1) return sendJson(res, 200, daemon.history());
  if (head === 'history' && a !== undefined && parts.length === 2) {
    const one = daemon.historyOf(a);
    return one === null ? sendError(res, 404, `no history for ${a}`) : sendJson(res, 200, one);
  }
  if (head === 'events' && parts.length === 1) return streamEvents(daemon, req, res);
  if (head === 'why' && a !== undefined && parts.length === 2) {
    const why = await daemon.why(a);
    return why === null ? sendError(res, 404, `unknown test id: ${a}`) : sendJson(res, 200, why);
  }
  if (head !== 'runs') return sendError(res, 404, `no such route: ${url.pathname}`);
  if (a === undefined) return sendJson(res, 200, await runs.list());
  if (b === undefined) {
    const summary = await readSummary(daemon.runsDir, a);
    return summary === null ? sendError(res, 404, `no finished run ${a}`) : sendJson(res, 200, summary);
  }
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
  if (log) return sendFile(res, log.file, 'text/plain; charset=utf-8');
  const test = await findTest(daemon.runsDir, a, c);
  const runDir = path.join(daemon.runsDir, a);
  if (test === null || !path.resolve(test.artifactsDir).startsWith(`${runDir}${path.sep}`))
    return sendError(res, 404, `no test ${c} in run ${a}`);
  if (d === 'output' && rest.length === 0) return sendFile(res, path.join(test.artifactsDir, 'output.log'), 'text/plain; charset=utf-8');
  if (d !== 'files') return sendError(res, 404, `no such route: ${url.pathname}`);
  if (rest.length === 0) return sendJson(res, 200, await listArtifacts(test.artifactsDir));
  try {
    const file = await resolveArtifact(test.artifactsDir, rest.join('/'));
    const { type, attachment } = artifactType(file);
    return sendFile(res, file, type, attachment ? path.basename(file) : undefined);
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

async function sendFile(res: ServerResponse, file: string, type: string, downloadAs?: string): Promise<void> {
  const st = await stat(file).catch(() => null);
  if (st === null || !st.isFile()) return sendError(res, 404, `no file ${path.basename(file)}`);
  const headers: Record<string, string> = { ...SAFE_HEADERS, 'content-type': type, 'content-length': String(st.size) };
  if (downloadAs !== undefined) headers['content-disposition'] = `attachment; filename="${downloadAs.replace(/[^\w.-]/g, '_')}"`;
  res.writeHead(200, headers);
  createReadStream(file).pipe(res);
}

async function postRun(daemon: DaemonApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
    return sendError(res, 415, 'send JSON (Content-Type: application/json)');
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > MAX_BODY) return sendError(res, 413, 'the request is too large');
  }
  const request = parseRunRequest(body);
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
