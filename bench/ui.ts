import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Page } from 'playwright-core';
import { RUN_LIST_FILE, runListItem } from '../src/report/runListItem.ts';
import type { RunSummary } from '../src/report/types.ts';
import { round, stats } from './lib/stats.ts';

const CHROMIUM = '/usr/bin/chromium';

/** `runs` finished runs of `tests` tests each (2 cases per test, 1 in 100 failing), as summary.json and run.json files. */
function generateRuns(dir: string, runs: number, tests: number): string[] {
  const ids: string[] = [];
  const start = Date.UTC(2026, 11, 1, 8, 0, 0);
  for (let r = 0; r < runs; r++) {
    const at = new Date(start + r * 61_000);
    const p = (n: number, w = 2): string => String(n).padStart(w, '0');
    const day = `${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}`;
    const runId = `${day}-${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}-${p(r % 1000, 3)}`;
    ids.push(runId);
    const list = Array.from({ length: tests }, (_, i) => {
      const failed = (i + r) % 100 === 0;
      const id = `src/module${i % 50}/feature${i}.test.ts`;
      return {
        id,
        status: failed ? 'failed' : 'passed',
        exitCode: failed ? 1 : 0,
        durationMs: 200 + ((i * 37 + r) % 900),
        startedAt: at.toISOString(),
        finishedAt: at.toISOString(),
        vm: `vmwatch-bench-${(i % 3) + 1}`,
        reasons: ['changed src/module.ts'],
        artifactsDir: path.join(dir, runId, 'tests', encodeURIComponent(id)),
        cases: [
          { name: `feature ${i} › works`, status: 'passed', durationMs: 20 },
          failed
            ? { name: `feature ${i} › edge`, status: 'failed', durationMs: 5, failure: { message: 'expected 1 to be 2' } }
            : { name: `feature ${i} › edge`, status: 'passed', durationMs: 5 },
        ],
      };
    });
    const failedCount = list.filter((t) => t.status === 'failed').length;
    mkdirSync(path.join(dir, runId), { recursive: true });
    const summary = {
      runId,
      startedAt: at.toISOString(),
      finishedAt: new Date(at.getTime() + 30_000).toISOString(),
      changedFiles: ['src/module.ts'],
      tests: list,
      passed: tests - failedCount,
      failed: failedCount,
    };
    writeFileSync(path.join(dir, runId, 'summary.json'), JSON.stringify(summary));
    // As vmwatch writes it next to each summary.
    writeFileSync(path.join(dir, runId, RUN_LIST_FILE), JSON.stringify(runListItem(runId, summary as unknown as RunSummary)));
  }
  return ids;
}

interface ServerChild {
  url: string;
  rss0: number;
  send(line: string): void;
  next(prefix: string): Promise<string>;
  stop(): Promise<void>;
}

async function startServer(runsDir: string, tests: number): Promise<ServerChild> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', path.resolve('bin/run-ts.mjs'), path.resolve('bench/lib/uiServer.ts'), runsDir, String(tests)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const waiting: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const i = waiting.findIndex((w) => line.startsWith(w.prefix));
    const found = i >= 0 ? waiting.splice(i, 1)[0] : undefined;
    found?.resolve(line.slice(found.prefix.length));
  });
  const next = (prefix: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench ui: no "${prefix}" from the server in 60 s`)), 60_000);
      waiting.push({ prefix: `${prefix} `, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  const rss0 = next('rss0');
  const ready = next('ready');
  return {
    rss0: Number(await rss0),
    url: await ready,
    send: (line) => child.stdin!.write(`${line}\n`),
    next,
    stop: async () => {
      child.stdin!.end();
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Marks when the main view's parts first show, and when each live result row appears (epoch ms). */
const OBSERVER = `
  window.__marks = {}; window.__seen = {};
  new MutationObserver(() => {
    const m = window.__marks;
    if (!m.runs && document.querySelector('[data-testid="runs"] li')) m.runs = performance.now();
    if (!m.tests && document.querySelector('[data-testid="tests"] li')) m.tests = performance.now();
    for (const li of document.querySelectorAll('[data-testid="live-results"] li')) {
      const id = li.getAttribute('data-test');
      if (!(id in window.__seen)) window.__seen[id] = performance.timeOrigin + performance.now();
    }
  }).observe(document, { subtree: true, childList: true });
`;

interface Load {
  /** Navigation start → load event (the HTML and every script). */
  loadMs: number;
  /** Navigation start → the run list and the newest run's tests shown. */
  mainViewMs: number;
  /** The last of the API answers the main view needs arrived → it is shown: the render itself. */
  renderMs: number;
}

async function loadOnce(page: Page, url: string): Promise<Load> {
  await page.goto(url);
  await page.waitForFunction('window.__marks.tests !== undefined && window.__marks.runs !== undefined', null, { timeout: 60_000 });
  return page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const shown = Math.max(window.__marks.runs, window.__marks.tests);
    const data = performance.getEntriesByType('resource')
      .filter((e) => ['/api/runs', '/api/runs/latest'].includes(new URL(e.name).pathname))
      .map((e) => e.responseEnd);
    return { loadMs: nav.loadEventEnd, mainViewMs: shown, renderMs: shown - Math.max(...data) };
  })()`);
}

/** Click the `n`th run of the list and wait until its tests are shown: ms, in the page. */
function switchRun(page: Page, n: number): Promise<number> {
  return page.evaluate(`(async () => {
    const li = document.querySelectorAll('[data-testid="runs"] li')[${n}];
    const runId = li.getAttribute('data-run');
    const t0 = performance.now();
    li.click();
    for (;;) {
      const h = document.querySelector('[data-testid="run-detail"] h2');
      if (h && h.textContent.includes(runId) && document.querySelector('[data-testid="tests"] li')) return performance.now() - t0;
      await new Promise((r) => requestAnimationFrame(r));
    }
  })()`);
}

/**
 * The dashboard over a history of `runs` runs × `tests` tests: first page load (HTML + assets),
 * the main view (run list and the latest run's tests shown), switching runs, a result on the event
 * stream → its row in the DOM, and the server's memory (idle, and after the page was served).
 */
export async function benchUi({ quick }: { quick: boolean }): Promise<Record<string, unknown>> {
  if (!existsSync(CHROMIUM)) return { skipped: `no ${CHROMIUM} (apt-get install chromium)` };
  const runs = quick ? 100 : 500;
  const tests = 2000;
  const dir = mkdtempSync(path.join(tmpdir(), 'vmwatch-bench-ui-'));
  const generateStarted = Date.now();
  generateRuns(dir, runs, tests);
  process.stderr.write(`bench ui: ${runs} runs × ${tests} tests written in ${Date.now() - generateStarted} ms\n`);
  const server = await startServer(dir, tests);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    server.send('rss');
    const rssIdle = Number(await server.next('rss'));
    const loads: Load[] = [];
    const switches: number[] = [];
    for (let i = 0; i < (quick ? 3 : 6); i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
      const page = await context.newPage();
      await page.addInitScript(OBSERVER);
      loads.push(await loadOnce(page, server.url));
      switches.push(await switchRun(page, 1 + i));
      await context.close();
    }
    // bypassCSP: the probes below are evaluated as strings, which the page's CSP forbids (eval).
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    await page.addInitScript(OBSERVER);
    await loadOnce(page, server.url);
    server.send(`start 20990101-000000-000 ${tests}`);
    const latencies: number[] = [];
    for (let i = 0; i < (quick ? 10 : 30); i++) {
      const id = `live${i}.test.ts`;
      server.send(`result ${id}`);
      const emitted = Number(await server.next(`emitted ${id}`));
      const seen = await page.waitForFunction(`window.__seen[${JSON.stringify(id)}]`, null, { timeout: 10_000 });
      latencies.push(((await seen.jsonValue()) as number) - emitted);
    }
    server.send('rss');
    const rssServed = Number(await server.next('rss'));
    const cold = loads[0]!;
    const warm = loads.slice(1);
    const load = stats(warm.map((l) => l.loadMs));
    const main = stats(warm.map((l) => l.mainViewMs));
    const render = stats(warm.map((l) => l.renderMs));
    const sw = stats(switches);
    const toDom = stats(latencies);
    return {
      history: { runs, tests },
      firstLoadMs: { ...load, coldServer: round(cold.loadMs), target: 300, met: load.median <= 300 },
      mainViewMs: { ...main, coldServer: round(cold.mainViewMs) },
      mainViewRenderMs: { ...render, target: 200, met: render.median <= 200 },
      switchRunMs: { ...sw, target: 200, met: sw.median <= 200 },
      resultToDomMs: { ...toDom, target: 100, met: toDom.median <= 100 },
      serverRssMb: {
        beforeServer: server.rss0,
        idle: rssIdle,
        afterServing: rssServed,
        idleCost: round(rssIdle - server.rss0),
        servedCost: round(rssServed - server.rss0),
        target: 15,
        met: rssIdle - server.rss0 <= 15,
      },
    };
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
