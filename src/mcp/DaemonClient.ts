import type { DaemonFile } from '../api/daemonFile.ts';

/** The running watch's local API, as `vmwatch mcp` uses it. */
export class DaemonClient {
  readonly #base: string;
  readonly #token: string;

  constructor(daemon: Pick<DaemonFile, 'url' | 'token'>) {
    this.#base = daemon.url;
    this.#token = daemon.token;
  }

  async get<T>(route: string): Promise<T> {
    return this.#answer<T>(await fetch(`${this.#base}${route}`, { headers: { 'x-vmwatch-token': this.#token } }), route);
  }

  /** A text file's last `maxBytes` (a Range request: a 1 GB artifact is never loaded), with its whole size. */
  async tail(route: string, maxBytes: number): Promise<{ text: string; size: number }> {
    const res = await fetch(`${this.#base}${route}`, { headers: { 'x-vmwatch-token': this.#token, range: `bytes=-${maxBytes}` } });
    if (res.status === 416) return { text: '', size: 0 };
    if (!res.ok) throw new Error(`${route}: ${await errorOf(res)}`);
    const text = await res.text();
    const size = Number(/\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1] ?? Buffer.byteLength(text));
    return { text, size };
  }

  async post<T>(route: string, body: unknown): Promise<T> {
    const res = await fetch(`${this.#base}${route}`, {
      method: 'POST',
      headers: { 'x-vmwatch-token': this.#token, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return this.#answer<T>(res, route);
  }

  async #answer<T>(res: Response, route: string): Promise<T> {
    if (!res.ok) throw new Error(`${route}: ${await errorOf(res)}`);
    return (await res.json()) as T;
  }
}

async function errorOf(res: Response): Promise<string> {
  const text = await res.text();
  try {
    return (JSON.parse(text) as { error?: string }).error ?? text;
  } catch {
    return `HTTP ${res.status} ${text.slice(0, 200)}`;
  }
}
