// The dashboard: Preact + htm (one file, shipped with vmwatch), over the local API and its events.
import { html, render, useEffect, useState } from '/assets/preact-htm.js';

const enc = encodeURIComponent;
const api = async (path, init) => {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error ?? `HTTP ${res.status}`);
  return res.headers.get('content-type')?.startsWith('application/json') ? res.json() : res.text();
};
const post = (path, body) =>
  api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');
const isImage = (file) => /\.(png|jpe?g|gif|webp)$/i.test(file);

const runningItem = (r) => html`<li key=${r.id}>${r.id} on ${r.vm ?? '…'}</li>`;

function Machines({ state }) {
  if (!state) return null;
  const machine = (m) => html`<li key=${m.name}>${m.name}: ${m.state}${m.readiness ? ` (${m.readiness})` : ''}</li>`;
  return html`<section data-testid="machines">
    <h2>Machines</h2>
    <ul>${state.machines.map(machine)}</ul>
    ${state.running.length > 0 && html`<h2>Running</h2><ul data-testid="running">${state.running.map(runningItem)}</ul>`}
    ${state.queued.length > 0 && html`<h2>Queued</h2><ul>${state.queued.map((id) => html`<li key=${id}>${id}</li>`)}</ul>`}
  </section>`;
}

function RunItem({ run: r, selected, onSelect }) {
  const verdict = r.failed > 0 ? `${r.failed} failed` : 'all passed';
  return html`<li class=${`run ${selected ? 'selected' : ''}`} data-run=${r.runId} onClick=${() => onSelect(r.runId)}>
    ${time(r.finishedAt)} — <span class=${r.failed > 0 ? 'failed' : 'passed'}>${verdict}</span>
    <span class="muted"> (${r.total})</span>
  </li>`;
}

function Runs({ runs, selected, onSelect }) {
  const item = (r) => html`<${RunItem} key=${r.runId} run=${r} selected=${r.runId === selected} onSelect=${onSelect} />`;
  return html`<section>
    <h2>Runs</h2>
    <ul data-testid="runs">${runs.map(item)}</ul>
  </section>`;
}

function Test({ runId, test }) {
  const [output, setOutput] = useState(null);
  const [files, setFiles] = useState([]);
  const base = `/api/runs/${enc(runId)}/tests/${enc(test.id)}`;
  useEffect(() => {
    api(`${base}/output`).then(setOutput, (e) => setOutput(`(no output: ${e.message})`));
    api(`${base}/files`).then(setFiles, () => setFiles([]));
  }, [base]);
  return html`<section data-testid="test-detail">
    <h2>${test.id} <span class=${test.status}>${test.status}</span></h2>
    <button onClick=${() => post('/api/run', { tests: [test.id] })} data-testid="rerun-test">Rerun this test</button>
    ${(test.cases ?? [])
      .filter((c) => c.status === 'failed')
      .map((c) => html`<p class="case failed" data-testid="failed-case">✗ ${c.name} — ${c.failure?.message ?? ''}</p>`)}
    <pre data-testid="output">${output ?? 'loading…'}</pre>
    <h2>Artifacts</h2>
    <ul data-testid="artifacts">
      ${files.map(
        (f) => html`<li key=${f}>
          <a href=${`${base}/files/${f.split('/').map(enc).join('/')}`} download=${f.split('/').pop()}>${f}</a>
          ${isImage(f) && html`<div><img alt=${f} src=${`${base}/files/${f.split('/').map(enc).join('/')}`} /></div>`}
        </li>`,
      )}
    </ul>
  </section>`;
}

function TestItem({ test: t, selected, onSelect }) {
  const seconds = (t.durationMs / 1000).toFixed(1);
  return html`<li class=${`test ${selected ? 'selected' : ''}`} data-test=${t.id} onClick=${() => onSelect(t.id)}>
    <span class=${t.status}>${t.status}</span> ${t.id} <span class="muted">${seconds} s</span>
  </li>`;
}

function Run({ summary, filter, selectedTest, onSelectTest }) {
  if (!summary) return html`<section><p class="muted">No run selected.</p></section>`;
  const tests = summary.tests.filter((t) => filter === '' || t.id.includes(filter));
  const order = (t) => (t.status === 'passed' ? 1 : 0);
  const item = (t) => html`<${TestItem} key=${t.id} test=${t} selected=${t.id === selectedTest} onSelect=${onSelectTest} />`;
  return html`<section data-testid="run-detail">
    <h2>Run ${summary.runId}</h2>
    <p class="muted">changed: ${summary.changedFiles.join(', ') || '—'}</p>
    <ul>${[...tests].sort((a, b) => order(a) - order(b)).map(item)}</ul>
  </section>`;
}

function App() {
  const [state, setState] = useState(null);
  const [runs, setRuns] = useState([]);
  const [runId, setRunId] = useState(null);
  const [summary, setSummary] = useState(null);
  const [testId, setTestId] = useState(null);
  const [filter, setFilter] = useState('');
  const [note, setNote] = useState('');
  const refresh = () => {
    api('/api/state').then(setState, () => {});
    api('/api/runs').then(setRuns, () => {});
  };
  useEffect(() => {
    refresh();
    const events = new EventSource('/api/events');
    for (const type of ['state', 'run-start', 'result', 'run-end']) events.addEventListener(type, refresh);
    return () => events.close();
  }, []);
  const shown = runId ?? runs[0]?.runId ?? null;
  useEffect(() => {
    if (shown !== null) api(`/api/runs/${enc(shown)}`).then(setSummary, () => setSummary(null));
  }, [shown, runs[0]?.runId]);
  const act = (p, body) =>
    post(p, body).then(
      (a) => setNote(a.cancelled === false ? 'nothing to cancel' : ''),
      (e) => setNote(e.message),
    );
  const test = summary?.tests.find((t) => t.id === testId);
  const selectRun = (id) => {
    setRunId(id);
    setTestId(null);
  };
  return html`
    <header>
      <h1>vmwatch</h1>
      <button data-testid="run-all" onClick=${() => act('/api/run', { all: true })}>Run all</button>
      <button data-testid="rerun-failed" onClick=${() => act('/api/run', { failed: true })}>Rerun failed</button>
      <button data-testid="cancel" onClick=${() => act('/api/cancel')}>Cancel</button>
      <input placeholder="filter by test id" value=${filter} onInput=${(e) => setFilter(e.target.value)} data-testid="filter" />
      <span>${note}</span>
    </header>
    <main>
      <div>
        <${Machines} state=${state} />
        <${Runs} runs=${runs} selected=${shown} onSelect=${selectRun} />
      </div>
      <div>
        <${Run} summary=${summary} filter=${filter} selectedTest=${testId} onSelectTest=${setTestId} />
        ${test && html`<${Test} key=${`${shown}/${test.id}`} runId=${shown} test=${test} />`}
      </div>
    </main>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
