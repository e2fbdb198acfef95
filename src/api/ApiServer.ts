import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../log.ts';
import { newToken, rejectedHost, tokenCookie, tokenMatches, tokensOf } from './auth.ts';
import { handleApi } from './routes.ts';
import { SAFE_HEADERS, sendError } from './respond.ts';
import { RunList } from './runsFolder.ts';
import type { DaemonApi } from './types.ts';

const log = logger('api');

/**
 * The page's scripts, all shipped with vmwatch (no CDN, no build step): its own, and Preact with
 * htm in one ES module (htm's `preact/standalone`, resolved next to the installed htm).
 */
const ASSETS: Record<string, string> = {
  '/': fileURLToPath(new URL('./page/index.html', import.meta.url)),
  ...Object.fromEntries(
    ['app.js', 'daemon.js', 'lists.js', 'detail.js', 'util.js'].map((f) => [
      `/assets/${f}`,
      fileURLToPath(new URL(`./page/${f}`, import.meta.url)),
    ]),
  ),
  '/assets/preact-htm.js': path.join(path.dirname(createRequire(import.meta.url).resolve('htm')), '..', 'preact', 'standalone.mjs'),
};

/**
 * The daemon's local API (and the page that uses it): `node:http` on 127.0.0.1 only. Every
 * request needs the daemon's token (header, cookie or `?token=`) and a Host and Origin of this
 * very address (against DNS rebinding); the token given in the URL is kept in a cookie.
 */
export class ApiServer {
  readonly token: string;
  readonly #daemon: DaemonApi;
  readonly #runs: RunList;
  readonly #server: Server;
  #port = 0;
  /** The page and its scripts (~40 KB), read once. */
  readonly #assets = new Map<string, Buffer>();

  constructor(daemon: DaemonApi, options: { token?: string } = {}) {
    this.#daemon = daemon;
    this.#runs = new RunList(daemon.runsDir);
    this.token = options.token ?? newToken();
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        // The path only: a query may hold the token.
        log.warn({ err, path: (req.url ?? '').split('?')[0] }, 'dashboard request failed');
        if (!res.headersSent) sendError(res, 500, 'internal error (see the vmwatch log)');
        else res.destroy();
      });
    });
    // Enough for a few pages with their event streams; a flood of connections is refused, not served.
    this.#server.maxConnections = 128;
  }

  /** Listen on 127.0.0.1 (`port` 0: a free one); resolves with the dashboard's URL, token included. */
  async listen(port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    return this.url;
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/?token=${this.token}`;
  }

  /** Stop listening and end every open connection (event streams included). */
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rejected = rejectedHost(req, this.#port);
    if (rejected !== null) return sendError(res, 403, rejected);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${this.#port}`);
    } catch {
      return sendError(res, 400, 'not a valid request path');
    }
    if (!tokenMatches(tokensOf(req, url, this.#port), this.token))
      return sendError(res, 401, 'a token is needed: open the URL vmwatch watch printed');
    const asset = ASSETS[url.pathname];
    if (asset !== undefined && req.method === 'GET') return this.#asset(res, url, asset);
    if (url.pathname.startsWith('/api/')) return handleApi({ daemon: this.#daemon, runs: this.#runs }, req, res, url);
    sendError(res, 404, `no such page: ${url.pathname}`);
  }

  /** The page (a token that came in the URL is kept in this port's cookie) or one of its scripts. */
  async #asset(res: ServerResponse, url: URL, file: string): Promise<void> {
    let body = this.#assets.get(file);
    if (body === undefined) {
      body = await readFile(file);
      this.#assets.set(file, body);
    }
    const page = url.pathname === '/';
    const headers: Record<string, string> = {
      ...SAFE_HEADERS,
      'content-type': page ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8',
      'content-length': String(body.length),
    };
    if (page && url.searchParams.has('token'))
      headers['set-cookie'] = `${tokenCookie(this.#port)}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    res.end(body);
  }
}
