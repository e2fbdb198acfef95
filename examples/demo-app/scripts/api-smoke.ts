// Named suite "api-smoke": serves the API on the fixed port 3030 for ~1.2 s and hits it.
// It fails if 3030 is taken, so two port-3030 suites only pass side by side when each
// has its own machine (vmwatch gives each test its own network namespace / VM).
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { start } from '../src/server.ts';

const PORT = 3030;
const HOLD_MS = 1200;
const base = `http://127.0.0.1:${PORT}`;

let server: Server;
try {
  server = await start(PORT);
} catch (error) {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    console.error(`api-smoke: FAILED - port ${PORT} is already in use (EADDRINUSE); another server shares this machine`);
  } else {
    console.error(`api-smoke: FAILED - could not listen on port ${PORT}:`, error);
  }
  process.exit(1);
}

try {
  const startedAt = Date.now();
  let rounds = 0;
  while (Date.now() - startedAt < HOLD_MS) {
    const health = await (await fetch(`${base}/health`)).json();
    assert.deepEqual(health, { ok: true, pid: process.pid }, 'port 3030 is answered by our own server');

    const report = await (await fetch(`${base}/report`)).json();
    assert.equal(report.formattedTotal, '€734.49');

    const split = await (await fetch(`${base}/split?amount=10.00&parts=3`)).json();
    assert.deepEqual(split.shares, ['€3.34', '€3.33', '€3.33']);

    rounds += 1;
    await sleep(200);
  }
  console.log(`api-smoke: ok - ${rounds} rounds of requests on port ${PORT} over ${Date.now() - startedAt} ms`);
} catch (error) {
  console.error('api-smoke: FAILED -', error);
  process.exitCode = 1;
} finally {
  await new Promise((resolve) => server.close(resolve));
}
