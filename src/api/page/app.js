// The dashboard: Preact + htm (one file, shipped with vmwatch), over the local API and its events.
// Each event updates only what it changes: a result is added to the live run, a finished run is
// put at the top of the list; state is fetched again at most every 250 ms.
import { html, render, useEffect, useRef, useState } from '/assets/preact-htm.js';
import { TestDetail } from './detail.js';
import { LiveRun, Runs, Tests } from './lists.js';
import { useDaemon } from './daemon.js';
import { post, secs } from './util.js';

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
  const [selected, select] = useState(null);
  const [filter, setFilter] = useState('');
  const [note, setNote] = useState('');
  const view = useRef({ runId: null, selected: null });
  const d = useDaemon(view);
  // What the event handlers (set up once) need to know of the view now.
  view.current = { runId: d.runId, selected };
  const act = (p, body) =>
    post(p, body).then(
      (a) => setNote(a.cancelled === false ? 'nothing to cancel' : ''),
      (e) => setNote(e.message),
    );
  const selectRun = (id) => {
    d.setRunId(id);
    select(null);
  };
  // A test picked in the run in progress (running or done) or in the run shown: its detail comes from there.
  const pickLive = (id) => d.live && select({ id, from: 'live', runId: d.live.runId });
  const pickRun = (id) => d.summary && select({ id, from: 'run', runId: d.summary.runId });
  const running = selected?.from === 'live' && d.state?.running.some((r) => r.id === selected.id) === true;
  const liveResult =
    selected?.from === 'live' && d.live?.runId === selected.runId ? d.live.results.find((r) => r.id === selected.id) : undefined;
  const runResult = d.summary?.runId === selected?.runId ? d.summary?.tests.find((t) => t.id === selected?.id) : undefined;
  const detailOf = (from, test, isRunning) =>
    html`<${TestDetail} key=${`${from}/${selected.runId}/${selected.id}`} runId=${selected.runId} test=${test} running=${isRunning} />`;
  let detail = null;
  if (selected !== null && running) detail = detailOf('running', { id: selected.id }, true);
  else if (runResult !== undefined) detail = detailOf('run', runResult, false);
  else if (liveResult !== undefined) detail = detailOf('live', liveResult, false);
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
        <${Machines} state=${d.state} onSelect=${pickLive} />
        <${Runs} runs=${d.runs} selected=${d.shown} onSelect=${selectRun} />
        <${Flaky} flaky=${d.flaky} />
      </div>
      <div>
        <${LiveRun} live=${d.live} onSelect=${pickLive} />
        <${Tests}
          summary=${d.summary}
          filter=${filter}
          selected=${selected?.runId === d.summary?.runId ? selected?.id : null}
          onSelect=${pickRun}
        />
        ${detail}
      </div>
    </main>`;
}

// The token came in the URL and is now in this port's cookie: keep it out of the address bar and history.
if (location.search.includes('token=')) history.replaceState(null, '', '/');

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
