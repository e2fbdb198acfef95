// The dashboard: Preact + htm (one file, shipped with vmwatch), over the local API and its events.
// Each event updates only what it changes: a result is added to the live run, a finished run is
// put at the top of the list; state is fetched again at most every 250 ms.
import { html, render, useEffect, useRef, useState } from '/assets/preact-htm.js';
import { TestDetail } from './detail.js';
import { LiveRun, Runs, Tests } from './lists.js';
import { api, enc, post, runItem, secs, throttle } from './util.js';

/** Re-render every second while `on`: elapsed times tick. */
function useTick(on) {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!on) return undefined;
    const timer = setInterval(() => setTick((t) => t + 1), 1000);
    return () => clearInterval(timer);
  }, [on]);
}

function Machines({ state, onSelect }) {
  useTick((state?.running.length ?? 0) > 0);
  if (!state) return null;
  // The daemon's clock, as of this state: elapsed = its now (moved on by ours) - started.
  const now = state.now + (Date.now() - state.receivedAt);
  const machine = (m) => {
    const current = state.running.filter((r) => r.vm === m.name).map((r) => r.id);
    const counts = m.metrics ? `${m.metrics.boots} boots, ${m.metrics.reverts} reverts, ${m.metrics.failures} failures` : '';
    return html`<li key=${m.name} data-machine=${m.name} title=${counts}>
      ${m.name}: ${m.state}${m.readiness ? ` (${m.readiness})` : ''}
      ${current.length > 0 && html`<span class="muted"> — ${current.length === 1 ? current[0] : `batch of ${current.length}`}</span>`}
      ${m.error && html`<div class="failed">${m.error}</div>`}
    </li>`;
  };
  const running = (r) => html`<li key=${r.id} class="test" data-test=${r.id} onClick=${() => onSelect(r.id)}>
    ${r.id} on ${r.vm ?? '…'} <span class="muted">${secs(now - r.startedAt)}${r.expectedMs ? ` / ~${secs(r.expectedMs)}` : ''}</span>
  </li>`;
  return html`<section data-testid="machines">
    <h2>Machines</h2>
    <ul>${state.machines.map(machine)}</ul>
    ${state.running.length > 0 && html`<h2>Running</h2><ul data-testid="running">${state.running.map(running)}</ul>`}
    ${
      state.queued.length > 0 &&
      html`<h2>Queued <span class="muted">${state.queued.length}</span></h2>
      <ul>${state.queued.slice(0, 50).map((id) => html`<li key=${id}>${id}</li>`)}</ul>`
    }
  </section>`;
}

function Flaky({ flaky }) {
  if (!flaky || flaky.cases.length + flaky.tests.length === 0) return null;
  return html`<section data-testid="flaky">
    <h2>Flaky</h2>
    <ul>
      ${flaky.tests.slice(0, 30).map((t) => html`<li key=${t.id}><span class="flaky">${t.id}</span> passed on rerun ${t.times}×</li>`)}
      ${flaky.cases
        .slice(0, 30)
        .map((c) => html`<li key=${`${c.id} › ${c.name}`}>${c.id} › ${c.name} <span class="muted">flipped ${c.flips}×</span></li>`)}
    </ul>
  </section>`;
}

function App() {
  const [state, setState] = useState(null);
  const [runs, setRuns] = useState([]);
  const [runId, setRunId] = useState(null);
  const [summary, setSummary] = useState(null);
  const [live, setLive] = useState(null);
  const [testId, setTestId] = useState(null);
  const [filter, setFilter] = useState('');
  const [flaky, setFlaky] = useState(null);
  const [note, setNote] = useState('');
  const view = useRef({ runId: null, testId: null, liveRunId: null });
  const shown = runId ?? runs[0]?.runId ?? summary?.runId ?? null;

  useEffect(() => {
    const refreshState = throttle(
      () =>
        api('/api/state').then(
          (s) => setState({ ...s, receivedAt: Date.now() }),
          () => {},
        ),
      250,
    );
    const refreshFlaky = () => api('/api/flaky').then(setFlaky, () => {});
    refreshState();
    refreshFlaky();
    // Both at once: the newest run's tests need not wait for the run list.
    api('/api/runs').then(setRuns, () => {});
    api('/api/runs/latest').then(
      (s) => setSummary((now) => now ?? s),
      () => {},
    );
    const events = new EventSource('/api/events');
    const on = (type, fn) => events.addEventListener(type, (e) => fn(JSON.parse(e.data)));
    on('state', refreshState);
    on('run-start', (d) => {
      setLive({ runId: d.runId, total: d.tests.length, results: [] });
      refreshState();
    });
    on('result', (r) => {
      setLive((l) => l && { ...l, results: [...l.results, r] });
      refreshState();
    });
    on('run-end', (s) => {
      setLive(null);
      setRuns((list) => [runItem(s), ...list.filter((r) => r.runId !== s.runId)]);
      // Shown next: the finished run, when the page follows the newest run or shows a test of this one.
      const v = view.current;
      const ownTest = v.testId !== null && s.tests.some((t) => t.id === v.testId) && v.liveRunId === s.runId;
      if (v.runId === null || ownTest) {
        setSummary(s);
        if (v.runId !== null) setRunId(s.runId);
      }
      refreshState();
      refreshFlaky();
    });
    return () => events.close();
  }, []);
  // What the event handlers (set up once) need to know of the view now.
  view.current = { runId, testId, liveRunId: live?.runId ?? null };

  useEffect(() => {
    if (shown !== null && summary?.runId !== shown) api(`/api/runs/${enc(shown)}`).then(setSummary, () => setSummary(null));
  }, [shown]);

  const act = (p, body) =>
    post(p, body).then(
      (a) => setNote(a.cancelled === false ? 'nothing to cancel' : ''),
      (e) => setNote(e.message),
    );
  const selectRun = (id) => {
    setRunId(id);
    setTestId(null);
  };
  const running = state?.running.some((r) => r.id === testId) === true;
  const test = summary?.tests.find((t) => t.id === testId) ?? live?.results.find((r) => r.id === testId);
  const detailRun = test !== undefined && summary?.tests.includes(test) ? summary.runId : live?.runId;
  const detail =
    running && live
      ? html`<${TestDetail} key=${`live/${testId}`} runId=${live.runId} test=${{ id: testId }} running=${true} />`
      : test && detailRun && html`<${TestDetail} key=${`${detailRun}/${test.id}`} runId=${detailRun} test=${test} running=${false} />`;
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
        <${Machines} state=${state} onSelect=${setTestId} />
        <${Runs} runs=${runs} selected=${shown} onSelect=${selectRun} />
        <${Flaky} flaky=${flaky} />
      </div>
      <div>
        <${LiveRun} live=${live} onSelect=${setTestId} />
        <${Tests} summary=${summary?.runId === shown ? summary : null} filter=${filter} selected=${testId} onSelect=${setTestId} />
        ${detail}
      </div>
    </main>`;
}

// The token came in the URL and is now in this port's cookie: keep it out of the address bar and history.
if (location.search.includes('token=')) history.replaceState(null, '', '/');

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
