import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portOf, start } from './server.ts';

// Port 0 = any free port, so this test never collides with anything.
// (scripts/api-smoke.ts is the one that insists on the fixed port 3030.)
test('the API answers on a free port', async () => {
  const server = await start(0);
  try {
    const base = `http://127.0.0.1:${portOf(server)}`;
    const health = await fetch(`${base}/health`);
    assert.equal(health.status, 200);
    assert.equal((await health.json()).ok, true);

    const balance = await (await fetch(`${base}/balance/sales`)).json();
    assert.deepEqual(balance, { account: 'sales', balance: '€1,549.99' });

    assert.equal((await fetch(`${base}/balance/nope`)).status, 404);
    assert.equal((await fetch(`${base}/split?amount=abc&parts=2`)).status, 400);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
