// Lists that stay fast with thousands of rows: only the rows in view are in the DOM.
import { html, useState } from '/assets/preact-htm.js';
import { bad, secs, time } from './util.js';

const ROW = 24;

/** A scrolling list of fixed-height rows; `row(item, style)` renders one row at its place. */
export function VirtualList({ items, row, height = 420, testid }) {
  const [scrolled, setTop] = useState(0);
  // A list that shrank while scrolled far down: start from what is left of it.
  const top = Math.min(scrolled, Math.max(0, items.length * ROW - height));
  const first = Math.max(0, Math.floor(top / ROW) - 8);
  const last = Math.min(items.length, Math.ceil((top + height) / ROW) + 8);
  const shown = items.slice(first, last);
  const onScroll = (e) => setTop(e.currentTarget.scrollTop);
  return html`<div class="vlist" style=${`height:${Math.min(height, items.length * ROW)}px`} onScroll=${onScroll}>
    <ul data-testid=${testid} style=${`height:${items.length * ROW}px`}>
      ${shown.map((item, i) => row(item, `top:${(first + i) * ROW}px`))}
    </ul>
  </div>`;
}

export function Runs({ runs, selected, onSelect }) {
  const row = (r, style) => {
    const verdict = r.failed > 0 ? `${r.failed} failed` : 'all passed';
    return html`<li key=${r.runId} style=${style} class=${`run ${r.runId === selected ? 'selected' : ''}`} data-run=${r.runId}
      onClick=${() => onSelect(r.runId)}>
      ${time(r.finishedAt)} — <span class=${r.failed > 0 ? 'failed' : 'passed'}>${verdict}</span>
      <span class="muted"> (${r.total})</span>
    </li>`;
  };
  return html`<section>
    <h2>Runs <span class="muted">${runs.length}</span></h2>
    <${VirtualList} items=${runs} row=${row} testid="runs" />
  </section>`;
}

const order = (t) => (bad(t.status) ? 0 : t.status === 'passed' ? 2 : 1);

/** A run's tests, failures first, narrowed by the filter. */
export function Tests({ summary, filter, selected, onSelect }) {
  if (!summary) return html`<section><p class="muted">No run yet.</p></section>`;
  const tests = summary.tests.filter((t) => filter === '' || t.id.includes(filter)).sort((a, b) => order(a) - order(b));
  const row = (t, style) => html`<li key=${t.id} style=${style} class=${`test ${t.id === selected ? 'selected' : ''}`} data-test=${t.id}
    onClick=${() => onSelect(t.id)}>
    <span class=${t.status}>${t.status}</span> ${t.id} <span class="muted">${secs(t.durationMs)}</span>
  </li>`;
  return html`<section data-testid="run-detail">
    <h2>
      Run ${summary.runId}${' '}
      <span class="muted">${summary.passed} passed, ${summary.failed} failed, ${summary.tests.length} tests</span>
    </h2>
    <p class="muted">changed: ${summary.changedFiles.slice(0, 10).join(', ') || '—'}</p>
    <${VirtualList} items=${tests} row=${row} height=${360} testid="tests" />
  </section>`;
}

/** The run in progress: its results as they come, newest first. */
export function LiveRun({ live, onSelect }) {
  if (!live) return null;
  const results = [...live.results].reverse();
  const row = (r, style) => html`<li key=${r.id} style=${style} class="test" data-test=${r.id} onClick=${() => onSelect(r.id)}>
    <span class=${r.status}>${r.status}</span> ${r.id} <span class="muted">${secs(r.durationMs)}</span>
  </li>`;
  return html`<section data-testid="live-run">
    <h2>Run ${live.runId} <span class="muted">${live.results.length}/${live.total} done</span></h2>
    <${VirtualList} items=${results} row=${row} height=${200} testid="live-results" />
  </section>`;
}
