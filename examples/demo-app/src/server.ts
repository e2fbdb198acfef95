import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildReport, demoLedger } from './report.ts';
import { formatCents, split, toCents } from './money.ts';

/** The demo API:  GET /health,  GET /report,  GET /balance/:account,  GET /split?amount=10.00&parts=3 */
export function createApp(): Server {
  const ledger = demoLedger();
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method !== 'GET') return send(405, { error: 'GET only' });
      if (url.pathname === '/health') return send(200, { ok: true, pid: process.pid });
      if (url.pathname === '/report') return send(200, buildReport(ledger));
      const balance = /^\/balance\/([\w-]+)$/.exec(url.pathname);
      if (balance?.[1]) {
        const account = balance[1];
        if (!ledger.accounts().includes(account)) return send(404, { error: `no account ${account}` });
        return send(200, { account, balance: formatCents(ledger.balance(account)) });
      }
      if (url.pathname === '/split') {
        const shares = split(toCents(url.searchParams.get('amount') ?? ''), Number(url.searchParams.get('parts')));
        return send(200, { shares: shares.map((c) => formatCents(c)) });
      }
      return send(404, { error: `no route ${url.pathname}` });
    } catch (error) {
      return send(400, { error: (error as Error).message });
    }
  });
}

/**
 * Starts the API on `port` (0 = any free port) and resolves once it listens.
 * Rejects with the listen error (e.g. code EADDRINUSE) instead of crashing.
 */
export function start(port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createApp();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}
