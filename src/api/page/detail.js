// One test: its failing cases, output (followed while it runs), artifacts, why it ran, its trend.
import { html, useEffect, useRef, useState } from '/assets/preact-htm.js';
import { api, enc, fileUrl, isImage, isText, post, secs, stream, testUrl, time } from './util.js';

function Output({ base, running }) {
  const [text, setText] = useState(null);
  const stillRunning = useRef(running);
  stillRunning.current = running;
  useEffect(() => {
    const stop = new AbortController();
    let timer;
    const again = (ms) => (timer = setTimeout(follow, ms));
    // While it runs, its log may not exist yet (the machine is being synced) or may move (a warm
    // runner that refused its batch, then the cold run): follow again until the test is over.
    const follow = () =>
      stream(`${base}/output`, setText, stop.signal).then(
        () => stop.signal.aborted || (stillRunning.current && again(300)),
        (e) => {
          if (stop.signal.aborted) return;
          if (stillRunning.current) {
            setText((t) => t ?? 'waiting for its output…');
            again(500);
          } else setText(`(no output: ${e.message})`);
        },
      );
    if (running) follow();
    else api(`${base}/output`).then(setText, (e) => stop.signal.aborted || setText(`(no output: ${e.message})`));
    return () => {
      stop.abort();
      clearTimeout(timer);
    };
  }, [base, running]);
  return html`<pre data-testid="output">${text ?? 'loading…'}</pre>`;
}

function Artifacts({ base }) {
  const [files, setFiles] = useState([]);
  const [viewed, setViewed] = useState(null);
  useEffect(() => void api(`${base}/files`).then(setFiles, () => setFiles([])), [base]);
  const view = (f) =>
    api(fileUrl(base, f)).then(
      (body) => setViewed({ f, text: typeof body === 'string' ? body : JSON.stringify(body, null, 2) }),
      (e) => setViewed({ f, text: `(cannot show: ${e.message})` }),
    );
  const shown = files.filter((f) => f !== 'output.log');
  const item = (f) => html`<li key=${f}>
    <a href=${fileUrl(base, f)} download=${f.split('/').pop()}>${f}</a>
    ${isText(f) && html` <button class="small" onClick=${() => view(f)}>view</button>`}
    ${isImage(f) && html`<div><img data-testid="artifact-image" alt=${f} src=${fileUrl(base, f)} /></div>`}
  </li>`;
  return html`<h3>Artifacts</h3>
    <ul data-testid="artifacts">
      ${shown.length === 0 ? html`<li class="muted">none (a test leaves files in the app's artifacts folder)</li>` : shown.map(item)}
    </ul>
    ${viewed && html`<p class="muted">${viewed.f}</p><pre data-testid="artifact-text">${viewed.text}</pre>`}`;
}

/** Why it ran in this run (its reasons), and how it imports what differs from HEAD now (`why`). */
function Why({ test }) {
  const [why, setWhy] = useState(null);
  useEffect(() => void api(`/api/why/${enc(test.id)}`).then(setWhy, () => setWhy(null)), [test.id]);
  const chains = why?.chains ?? [];
  return html`<h3>Why it ran</h3>
    <ul data-testid="why">
      ${(test.reasons ?? []).map((r) => html`<li>${r}</li>`)}
      ${chains.map((c) => html`<li class="muted">${c.join(' → ')}</li>`)}
    </ul>`;
}

/** Durations of the last runs (newest right), a dot per run coloured by its status. */
function Trend({ testId, refresh }) {
  const [trend, setTrend] = useState([]);
  useEffect(
    () =>
      void api(`/api/history/${enc(testId)}`).then(
        (h) => setTrend(h.trend ?? []),
        () => setTrend([]),
      ),
    [testId, refresh],
  );
  if (trend.length === 0) return null;
  const w = 360;
  const h = 80;
  const max = Math.max(...trend.map((p) => p[1]), 1);
  const x = (i) => (trend.length === 1 ? w / 2 : 6 + (i * (w - 12)) / (trend.length - 1));
  const y = (ms) => h - 6 - (ms / max) * (h - 12);
  const line = trend.map((p, i) => `${x(i).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ');
  return html`<h3>Duration, last ${trend.length} runs <span class="muted">(max ${secs(max)})</span></h3>
    <svg data-testid="trend" width=${w} height=${h} viewBox=${`0 0 ${w} ${h}`} role="img">
      <polyline points=${line} fill="none" stroke="#5a6375" stroke-width="1.5" />
      ${trend.map(
        (p, i) => html`<circle cx=${x(i)} cy=${y(p[1])} r="3" class=${`dot ${p[2]}`}>
          <title>${time(new Date(p[0]).toISOString())}: ${secs(p[1])}, ${p[2]}</title>
        </circle>`,
      )}
    </svg>`;
}

export function TestDetail({ runId, test, running }) {
  const base = testUrl(runId, test.id);
  const failed = (test.cases ?? []).filter((c) => c.status === 'failed');
  return html`<section data-testid="test-detail">
    <h2>${test.id} <span class=${running ? 'running' : test.status}>${running ? 'running' : test.status}</span></h2>
    <button onClick=${() => post('/api/run', { tests: [test.id] })} data-testid="rerun-test">Rerun this test</button>
    ${test.error && html`<p class="failed">${test.error}</p>`}
    ${failed.map((c) => html`<p class="case failed" data-testid="failed-case">✗ ${c.name} — ${c.failure?.message ?? ''}</p>`)}
    <${Output} base=${base} running=${running} />
    ${!running && html`<${Artifacts} base=${base} />`}
    <${Why} test=${test} />
    <${Trend} testId=${test.id} refresh=${runId} />
  </section>`;
}
