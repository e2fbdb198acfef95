import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer } from '../../src/api/ApiServer.ts';
import type { ApiEvent, DaemonApi, RunRequest } from '../../src/api/types.ts';
import type { RunSummary } from '../../src/report/types.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request (fetch cannot forge Host), with the token as a header unless told otherwise. */
function call(
  port: number,
  p: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: p, method: options.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...options.headers } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const RUN = '20261202-120000-000';
const TEST = 'src/a.test.ts';
const LIVE_RUN = '20261202-130000-000';

describe('the local API: token, Host/Origin, runs, artifacts confined to their test, run requests, events', () => {
  const runs = mkdtempSync(path.join(tmpdir(), 'vmwatch-api-runs-'));
  const secret = mkdtempSync(path.join(tmpdir(), 'vmwatch-api-secret-'));
  const testDir = path.join(runs, RUN, 'tests', 'src%2Fa.test.ts');
  const listeners = new Set<(e: ApiEvent) => void>();
  const requested: RunRequest[] = [];
  const liveLogs = new Map<string, { file: string; live: boolean }>();
  const daemon: DaemonApi = {
    runsDir: runs,
    state: () => ({ machines: [{ name: 'vmwatch-x-1', state: 'ready' }], queued: [], running: [] }),
    history: () => ({ [TEST]: { status: 'failed', durations: [12] } }),
    flaky: () => ({ cases: [], tests: [{ id: TEST, times: 2 }] }),
    historyOf: (id) => (id === TEST ? { status: 'failed', durations: [12], trend: [[1, 12, 'failed']] } : null),
    why: async (id) => (id === TEST ? { id, selected: true, reasons: ['changed'] } : null),
    run: (r) => {
      requested.push(r);
      return 'failed' in r ? { error: 'no test is failing' } : { submitted: 1 };
    },
    cancel: () => false,
    current: () => (liveLogs.size > 0 ? { runId: LIVE_RUN, total: 1, results: [] } : null),
    liveLog: (runId, testId) => (runId === LIVE_RUN ? (liveLogs.get(testId) ?? null) : null),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const server = new ApiServer(daemon);
  let port = 0;
  const auth = (): Record<string, string> => ({ 'x-vmwatch-token': server.token });

  beforeAll(async () => {
    mkdirSync(path.join(testDir, 'shots'), { recursive: true });
    writeFileSync(path.join(testDir, 'output.log'), 'expected 1 to be 2\n');
    writeFileSync(path.join(testDir, 'shots', 'page.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    writeFileSync(path.join(testDir, 'report.html'), '<script>alert(1)</script>');
    writeFileSync(path.join(secret, 'id_rsa'), 'PRIVATE KEY');
    symlinkSync(path.join(secret, 'id_rsa'), path.join(testDir, 'escape'));
    symlinkSync('shots/page.png', path.join(testDir, 'inside-link.png'));
    const summary = {
      runId: RUN,
      startedAt: '2026-12-02T12:00:00.000Z',
      finishedAt: '2026-12-02T12:00:01.000Z',
      total: 1,
      passed: 0,
      failed: 1,
      tests: [{ id: TEST, status: 'failed', durationMs: 12, artifactsDir: testDir }],
    } as unknown as RunSummary;
    writeFileSync(path.join(runs, RUN, 'summary.json'), JSON.stringify(summary));
    const url = await server.listen(0);
    port = server.port;
    expect(url).toBe(`http://127.0.0.1:${port}/?token=${server.token}`);
  });
  afterAll(async () => {
    await server.close();
    rmSync(runs, { recursive: true, force: true });
    rmSync(secret, { recursive: true, force: true });
  });

  it('refuses every route without the token, and takes it as a header, a bearer, a cookie or ?token=', async () => {
    for (const p of ['/', '/api/state', '/api/runs', `/api/runs/${RUN}`]) expect((await call(port, p)).status).toBe(401);
    expect((await call(port, '/api/state', { headers: { 'x-vmwatch-token': 'wrong' } })).status).toBe(401);
    expect((await call(port, '/api/state', { headers: auth() })).status).toBe(200);
    expect((await call(port, '/api/state', { headers: { authorization: `Bearer ${server.token}` } })).status).toBe(200);
    expect((await call(port, '/api/state', { headers: { cookie: `a=b; vmwatch_token_${port}=${server.token}` } })).status).toBe(200);
    // Another port's cookie is not ours; a stale cookie does not hide a fresh ?token=.
    expect((await call(port, '/api/state', { headers: { cookie: `vmwatch_token_1=${server.token}` } })).status).toBe(401);
    expect((await call(port, `/api/state?token=${server.token}`, { headers: { cookie: `vmwatch_token_${port}=stale` } })).status).toBe(200);
    expect((await call(port, '/api/state', { headers: { authorization: `bearer ${server.token}` } })).status).toBe(200);
    const page = await call(port, `/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']?.[0]).toMatch(new RegExp(`^vmwatch_token_${port}=[\\w-]+; HttpOnly; SameSite=Strict; Path=/$`));
    expect(page.body).toContain('<script type="module" src="/assets/app.js">');
    // The page's scripts are shipped with vmwatch and behind the token too.
    expect((await call(port, '/assets/app.js')).status).toBe(401);
    for (const asset of ['/assets/app.js', '/assets/preact-htm.js']) {
      const js = await call(port, asset, { headers: auth() });
      expect(js.status, asset).toBe(200);
      expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    }
    expect((await call(port, '/assets/preact-htm.js', { headers: auth() })).body).toMatch(/export\s*\{[^}]*html/);
  });

  it('refuses another Host or Origin (DNS rebinding, other sites), even with the token', async () => {
    const rebound = await call(port, '/api/state', { headers: { ...auth(), host: `evil.example:${port}` } });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error).toMatch(/Host "evil.example:\d+" is not this dashboard/);
    expect((await call(port, '/api/state', { headers: { ...auth(), origin: 'http://evil.example' } })).status).toBe(403);
    expect(
      (await call(port, '/api/state', { headers: { ...auth(), origin: `http://localhost:${port}`, host: `localhost:${port}` } })).status,
    ).toBe(200);
  });

  it('serves state, runs, a summary, the output, the history and why', async () => {
    expect(JSON.parse((await call(port, '/api/state', { headers: auth() })).body).machines[0].name).toBe('vmwatch-x-1');
    const list = JSON.parse((await call(port, '/api/runs', { headers: auth() })).body);
    expect(list).toEqual([expect.objectContaining({ runId: RUN, failed: 1, failedTests: [TEST] })]);
    expect(JSON.parse((await call(port, `/api/runs/${RUN}`, { headers: auth() })).body).tests[0].id).toBe(TEST);
    expect((await call(port, '/api/runs/20990101-000000-000', { headers: auth() })).status).toBe(404);
    expect(JSON.parse((await call(port, '/api/runs/latest', { headers: auth() })).body).runId).toBe(list[0].runId);
    const output = await call(port, `/api/runs/${RUN}/tests/${encodeURIComponent(TEST)}/output`, { headers: auth() });
    expect(output).toMatchObject({ status: 200, body: 'expected 1 to be 2\n' });
    expect(output.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse((await call(port, '/api/history', { headers: auth() })).body)[TEST].status).toBe('failed');
    expect(JSON.parse((await call(port, `/api/history/${encodeURIComponent(TEST)}`, { headers: auth() })).body).trend).toHaveLength(1);
    expect((await call(port, '/api/history/nope', { headers: auth() })).status).toBe(404);
    expect(JSON.parse((await call(port, '/api/flaky', { headers: auth() })).body).tests).toEqual([{ id: TEST, times: 2 }]);
    expect((await call(port, `/api/why/${encodeURIComponent(TEST)}`, { headers: auth() })).status).toBe(200);
    expect((await call(port, '/api/why/nope', { headers: auth() })).status).toBe(404);
  });

  it("serves a test's artifacts inside its folder only: traversal and links out are refused, HTML downloads", async () => {
    const files = (p: string) => call(port, `/api/runs/${RUN}/tests/${encodeURIComponent(TEST)}/files${p}`, { headers: auth() });
    expect(JSON.parse((await files('')).body)).toEqual(['output.log', 'report.html', 'shots/page.png']);
    const png = await files('/shots/page.png');
    expect(png).toMatchObject({ status: 200 });
    expect(png.headers['content-type']).toBe('image/png');
    expect((await files('/inside-link.png')).status).toBe(200);
    const escaped = await files('/escape');
    expect(escaped.status).toBe(404);
    expect(escaped.body).not.toContain('PRIVATE KEY');
    expect(JSON.parse(escaped.body).error).toMatch(/resolves outside the test's folder/);
    for (const p of [
      '/../../summary.json',
      '/%2E%2E/%2E%2E/summary.json',
      `/${encodeURIComponent('../../summary.json')}`,
      '/shots/../../x',
    ]) {
      const answer = await files(p);
      expect(answer.status, p).toBe(404);
    }
    const html = await files('/report.html');
    expect(html.headers['content-type']).toBe('application/octet-stream');
    expect(html.headers['content-disposition']).toBe('attachment; filename="report.html"');
  });

  it('answers a malformed request line with 400, and keeps serving', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.end(`GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (c) => (text += c.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect((await call(port, '/api/state', { headers: auth() })).status).toBe(200);
  });

  it("serves the last bytes of a file on a Range request (read_artifact's cap), and exactly the length it announced", async () => {
    const tail = await call(port, `/api/runs/${RUN}/tests/${encodeURIComponent(TEST)}/output`, {
      headers: { ...auth(), range: 'bytes=-5' },
    });
    expect(tail).toMatchObject({ status: 206, body: 'o be 2\n'.slice(-5) });
    expect(tail.headers['content-range']).toBe('bytes 14-18/19');
    const beyond = await call(port, `/api/runs/${RUN}/tests/${encodeURIComponent(TEST)}/output`, {
      headers: { ...auth(), range: 'bytes=99-' },
    });
    expect(beyond.status).toBe(416);
    // An empty file: the whole (empty) file, not a range that cannot be written.
    writeFileSync(path.join(testDir, 'empty.txt'), '');
    const empty = await call(port, `/api/runs/${RUN}/tests/${encodeURIComponent(TEST)}/files/empty.txt`, {
      headers: { ...auth(), range: 'bytes=-5' },
    });
    expect(empty).toMatchObject({ status: 200, body: '' });
    // An invalid range is ignored: all of it.
    const invalid = await call(port, `/api/runs/${RUN}/tests/${encodeURIComponent(TEST)}/output`, {
      headers: { ...auth(), range: 'bytes=5-2' },
    });
    expect(invalid).toMatchObject({ status: 200, body: 'expected 1 to be 2\n' });
  });

  it('refuses a test folder, an output.log or a FIFO that a link or a swap would take elsewhere, without hanging', async () => {
    const linkedRun = '20261202-150000-000';
    const linkedDir = path.join(runs, linkedRun, 'tests', 'linked');
    mkdirSync(path.dirname(linkedDir), { recursive: true });
    symlinkSync(secret, linkedDir);
    const fifoDir = path.join(runs, linkedRun, 'tests', 'fifo');
    mkdirSync(fifoDir);
    execFileSync('mkfifo', [path.join(fifoDir, 'output.log'), path.join(fifoDir, 'pipe.txt')]);
    const outputLinkDir = path.join(runs, linkedRun, 'tests', 'outlink');
    mkdirSync(outputLinkDir);
    symlinkSync(path.join(secret, 'id_rsa'), path.join(outputLinkDir, 'output.log'));
    const tests = ['linked', 'fifo', 'outlink'].map((id) => ({
      id,
      status: 'failed',
      durationMs: 1,
      artifactsDir: path.join(runs, linkedRun, 'tests', id),
    }));
    writeFileSync(
      path.join(runs, linkedRun, 'summary.json'),
      JSON.stringify({ runId: linkedRun, changedFiles: [], passed: 0, failed: 3, tests }),
    );
    for (const p of ['linked/files', 'linked/files/id_rsa', 'linked/output', 'fifo/output', 'fifo/files/pipe.txt', 'outlink/output']) {
      const answer = await call(port, `/api/runs/${linkedRun}/tests/${p}`, { headers: auth() });
      expect(answer.status, p).toBe(404);
      expect(answer.body, p).not.toContain('PRIVATE KEY');
    }
  });

  it('takes run requests as JSON, refuses malformed ones, and says when there is nothing to run', async () => {
    const post = (body: string, type = 'application/json') =>
      call(port, '/api/run', { method: 'POST', body, headers: { ...auth(), 'content-type': type } });
    expect((await post('{"tests":["src/a.test.ts"]}')).status).toBe(202);
    expect(requested.at(-1)).toEqual({ tests: ['src/a.test.ts'] });
    expect((await post('{"all":true}')).status).toBe(202);
    const failed = await post('{"failed":true}');
    expect(failed.status).toBe(409);
    expect(JSON.parse(failed.body).error).toBe('no test is failing');
    expect((await post('{"tests":[]}')).status).toBe(400);
    expect((await post('not json')).status).toBe(400);
    expect((await post('{"all":true}', 'text/plain')).status).toBe(415);
    expect((await call(port, '/api/run', { headers: auth() })).status).toBe(404);
    const cancel = (type: string) =>
      call(port, '/api/cancel', { method: 'POST', body: '{}', headers: { ...auth(), 'content-type': type } });
    expect(JSON.parse((await cancel('application/json')).body)).toEqual({ cancelled: false });
    // A cross-site form can send text/plain without a preflight: refused.
    expect((await cancel('text/plain')).status).toBe(415);
    // A body whose UTF-8 character arrives in two pieces is read whole.
    const split = await new Promise<number>((resolve, reject) => {
      const body = Buffer.from('{"tests":["café.test.ts"]}');
      const at = body.indexOf(0xc3) + 1;
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/api/run',
          method: 'POST',
          headers: { host: `127.0.0.1:${port}`, ...auth(), 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      req.write(body.subarray(0, at), () => setImmediate(() => req.end(body.subarray(at))));
    });
    expect(split).toBe(202);
    expect(requested.at(-1)).toEqual({ tests: ['café.test.ts'] });
  });

  it('says when no run is in progress', async () => {
    expect((await call(port, '/api/runs/current', { headers: auth() })).status).toBe(404);
  });

  it("streams a running test's output as it comes and ends when the test does; then serves its log", async () => {
    const log = path.join(runs, LIVE_RUN, 'tests', 'live', 'output.log');
    mkdirSync(path.dirname(log), { recursive: true });
    writeFileSync(log, '$ vitest run\nfirst line\n');
    liveLogs.set('live.test.ts', { file: log, live: true });
    const chunks: string[] = [];
    const ended = new Promise<{ headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: `/api/runs/${LIVE_RUN}/tests/live.test.ts/output`,
          headers: { host: `127.0.0.1:${port}`, ...auth() },
        },
        (res) => {
          res.on('data', (c: Buffer) => {
            chunks.push(c.toString());
            // The first part came: the test writes more (a character split across two writes), then ends.
            if (chunks.length === 1) {
              appendFileSync(log, Buffer.from('second ✓'.slice(0, 7)));
              appendFileSync(log, Buffer.concat([Buffer.from('✓').subarray(0, 1)]));
            } else if (chunks.join('').includes('second') && liveLogs.get('live.test.ts')?.live) {
              appendFileSync(log, Buffer.concat([Buffer.from('✓').subarray(1), Buffer.from(' done\n')]));
              liveLogs.set('live.test.ts', { file: log, live: false });
            }
          });
          res.on('end', () => resolve({ headers: res.headers, body: chunks.join('') }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    const answer = await ended;
    expect(answer.headers['x-vmwatch-live']).toBe('1');
    expect(JSON.parse((await call(port, '/api/runs/current', { headers: auth() })).body).runId).toBe(LIVE_RUN);
    expect(answer.body).toBe('$ vmwatch run\nfirst line\nsecond ✓ done\n'.replace('vmwatch', 'vitest'));
    expect(chunks.length).toBeGreaterThan(1);
    // Ended: the same route now answers with the whole log at once, and an unknown test of that run is 404.
    const whole = await call(port, `/api/runs/${LIVE_RUN}/tests/live.test.ts/output`, { headers: auth() });
    expect(whole).toMatchObject({ status: 200, body: answer.body });
    expect(whole.headers['x-vmwatch-live']).toBeUndefined();
    expect((await call(port, `/api/runs/${LIVE_RUN}/tests/other.test.ts/output`, { headers: auth() })).status).toBe(404);
  });

  it('lists runs newest first with counts and at most 20 failing ids, and picks up a run written later', async () => {
    const later = '20261202-235959-000';
    const tests = Array.from({ length: 30 }, (_, i) => ({ id: `t${i}.test.ts`, status: 'failed', durationMs: 1, artifactsDir: runs }));
    const before = JSON.parse((await call(port, '/api/runs', { headers: auth() })).body) as Array<{ runId: string }>;
    mkdirSync(path.join(runs, later));
    writeFileSync(
      path.join(runs, later, 'summary.json'),
      JSON.stringify({ runId: later, startedAt: '', finishedAt: '', changedFiles: [], passed: 0, failed: 30, tests }),
    );
    const list = JSON.parse((await call(port, '/api/runs', { headers: auth() })).body) as Array<Record<string, unknown>>;
    expect(list.map((r) => r.runId)).toEqual([later, ...before.map((r) => r.runId)]);
    expect(list[0]).toMatchObject({ total: 30, failed: 30 });
    expect(list[0]!.failedTests).toHaveLength(20);
    expect(list[0]).not.toHaveProperty('tests');
  });

  it('streams events as they happen', async () => {
    const received = new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/api/events', headers: { host: `127.0.0.1:${port}`, ...auth() } },
        (res) => {
          expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
            if (text.includes('\n\n') && listeners.size > 0 && !text.includes('event:')) {
              for (const l of listeners) l({ type: 'result', data: { id: TEST, status: 'failed' } });
            }
            if (text.includes('event: result')) {
              resolve(text);
              req.destroy();
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(await received).toContain(`event: result\ndata: {"id":"${TEST}","status":"failed"}\n\n`);
  });
});
