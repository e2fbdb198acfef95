// The daemon as the page sees it, kept up to date by the event stream. Each event changes only
// what it concerns; when the stream reconnects (events may have been missed), all is read again.
import { useEffect, useRef, useState } from '/assets/preact-htm.js';
import { api, enc, runItem, throttle } from './util.js';

/**
 * State, runs, the run in progress (`live`), the flaky list, and the summary shown. `view` is a
 * ref to what the page shows now: `{ runId, selected }` (run-end decides what to show next).
 */
export function useDaemon(view) {
  const [state, setState] = useState(null);
  const [runs, setRuns] = useState([]);
  const [live, setLive] = useState(null);
  const [flaky, setFlaky] = useState(null);
  const [summary, setSummary] = useState(null);
  const [runId, setRunId] = useState(null);
  /** The newest summary, asked for at once with the run list (it must not wait for the list). */
  const latest = useRef(null);
  const liveNow = useRef(null);
  liveNow.current = live;
  const shown = runId ?? runs[0]?.runId ?? summary?.runId ?? null;

  useEffect(() => {
    const readCurrent = () => api('/api/runs/current').then(setLive, () => setLive(null));
    const refreshState = throttle(
      () =>
        api('/api/state').then(
          (s) => {
            setState({ ...s, receivedAt: Date.now() });
            // A run this page has not seen start (opened mid-run): read it.
            if (s.current && liveNow.current?.runId !== s.current.runId) readCurrent();
          },
          () => {},
        ),
      250,
    );
    const refreshFlaky = () => api('/api/flaky').then(setFlaky, () => {});
    const readAll = () => {
      refreshState();
      refreshFlaky();
      readCurrent();
      latest.current = api('/api/runs/latest').catch(() => null);
      latest.current.then((s) => s && setSummary((now) => now ?? s));
      api('/api/runs').then(setRuns, () => {});
    };
    readAll();
    const events = new EventSource('/api/events');
    let opened = false;
    events.onopen = () => (opened ? readAll() : (opened = true));
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
      // Shown next: the finished run, when the page follows the newest run or shows a test of it
      // picked while it ran.
      const v = view.current;
      if (v.runId === null || (v.selected?.from === 'live' && v.selected.runId === s.runId)) {
        setSummary(s);
        if (v.runId !== null) setRunId(s.runId);
      }
      refreshState();
      refreshFlaky();
    });
    return () => events.close();
  }, []);

  useEffect(() => {
    if (shown === null || summary?.runId === shown) return undefined;
    let wanted = true;
    const one = () => api(`/api/runs/${enc(shown)}`);
    (latest.current ?? Promise.resolve(null))
      .then((s) => (s?.runId === shown ? s : one()))
      .then(
        (s) => wanted && setSummary(s),
        () => wanted && setSummary(null),
      );
    // A later choice wins: an answer for a run no longer shown is dropped.
    return () => (wanted = false);
  }, [shown]);

  return { state, runs, live, flaky, summary: summary?.runId === shown ? summary : null, shown, runId, setRunId };
}
