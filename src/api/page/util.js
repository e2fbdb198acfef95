// Small helpers of the dashboard: the API, formatting.
export const enc = encodeURIComponent;

export async function api(path, init) {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error ?? `HTTP ${res.status}`);
  return res.headers.get('content-type')?.startsWith('application/json') ? res.json() : res.text();
}

export const post = (path, body) =>
  api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });

/** Read a text response as it streams (a running test's output), passing on the text so far. */
export async function stream(path, onText, signal) {
  const res = await fetch(path, { credentials: 'same-origin', signal });
  if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error ?? `HTTP ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text;
    text += value;
    onText(text);
  }
}

export const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');
export const secs = (ms) => (ms === undefined ? '' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
export const isImage = (file) => /\.(png|jpe?g|gif|webp)$/i.test(file);
export const isText = (file) => /\.(json|txt|log|xml|md|csv)$/i.test(file);
export const testUrl = (runId, testId) => `/api/runs/${enc(runId)}/tests/${enc(testId)}`;
export const fileUrl = (base, file) => `${base}/files/${file.split('/').map(enc).join('/')}`;
export const bad = (status) => status === 'failed' || status === 'error' || status === 'timedout';

/** `fn` at most once per `ms`, the last call winning (a burst of events → one refresh). */
export function throttle(fn, ms) {
  let timer = null;
  return () => {
    if (timer === null) timer = setTimeout(() => ((timer = null), fn()), ms);
  };
}

/** The run list's item for a summary that just came on the event stream (as GET /api/runs gives it). */
export function runItem(s) {
  const failing = s.tests.filter((t) => t.status !== 'passed' && t.status !== 'flaky').map((t) => t.id);
  return {
    runId: s.runId,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    total: s.tests.length,
    passed: s.passed,
    failed: s.failed,
    flaky: s.flaky,
    changedFiles: s.changedFiles.slice(0, 20),
    failedTests: failing.slice(0, 20),
  };
}
