import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { STATUS_CODES } from 'node:http';
import type { OrchardConnection } from './orchardConfig.ts';
import { OrchardAuthError, OrchardError } from './orchardErrors.ts';
import type { OrchardVM, OrchardWorker } from './types.ts';

/** Orchard's own client gives up after 30 s (pkg/client/client.go). */
const REQUEST_TIMEOUT_MS = 30_000;
/** Not "Orchard/0…": that prefix makes PUT /vms/{n} mean a worker's status update. */
const USER_AGENT = 'vmwatch-orchard/0.1';

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * REST calls to an Orchard controller (`/v1`), with Basic auth and the controller's certificate
 * pinned as the only root CA under the server name `orchard-controller` (as Orchard's client
 * does). Errors are turned into messages that say what to fix: which credential, which role.
 */
export class OrchardClient {
  readonly connection: OrchardConnection;
  readonly #agent: http.Agent;

  constructor(connection: OrchardConnection) {
    this.connection = connection;
    this.#agent = this.#secure() ? new https.Agent({ keepAlive: true, ...this.tlsOptions() }) : new http.Agent({ keepAlive: true });
  }

  /** TLS options for any connection to the controller (also the port-forward WebSocket). */
  tlsOptions(): { ca?: string; servername?: string } {
    const cert = this.connection.certificate;
    return cert === undefined ? {} : { ca: cert, servername: 'orchard-controller' };
  }

  authorization(): string {
    const { serviceAccountName, serviceAccountToken } = this.connection;
    return `Basic ${Buffer.from(`${serviceAccountName}:${serviceAccountToken}`).toString('base64')}`;
  }

  url(path: string, query: Record<string, string> = {}): URL {
    const url = new URL(`${this.connection.url}/v1${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url;
  }

  /** A JSON request; resolves with the parsed body (undefined when empty). */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.#send(method, path, options);
    const text = await readAll(res);
    if (res.statusCode !== 200) throw this.#error(method, path, res.statusCode ?? 0, text);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** A streaming GET (the watch): the response once its headers arrive, or the error. */
  async stream(path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    const res = await this.#send('GET', path, { ...options, timeoutMs: 0 });
    if (res.statusCode === 200) return res;
    throw this.#error('GET', path, res.statusCode ?? 0, await readAll(res));
  }

  createVM(spec: Record<string, unknown>, signal?: AbortSignal): Promise<OrchardVM> {
    return this.request('POST', '/vms', { body: spec, ...(signal ? { signal } : {}) });
  }

  /** The VM, or null when it does not exist. */
  async getVM(name: string): Promise<OrchardVM | null> {
    try {
      return await this.request<OrchardVM>('GET', `/vms/${encodeURIComponent(name)}`);
    } catch (err) {
      if (err instanceof OrchardError && err.status === 404) return null;
      throw err;
    }
  }

  listVMs(): Promise<OrchardVM[]> {
    return this.request('GET', '/vms');
  }

  /** Deletes the VM; false when it did not exist. */
  async deleteVM(name: string): Promise<boolean> {
    try {
      await this.request('DELETE', `/vms/${encodeURIComponent(name)}`);
      return true;
    } catch (err) {
      if (err instanceof OrchardError && err.status === 404) return false;
      throw err;
    }
  }

  async listWorkers(): Promise<OrchardWorker[]> {
    return (await this.request<OrchardWorker[] | null>('GET', '/workers')) ?? [];
  }

  close(): void {
    this.#agent.destroy();
  }

  #secure(): boolean {
    return this.connection.url.startsWith('https:');
  }

  #send(method: string, path: string, options: RequestOptions): Promise<IncomingMessage> {
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { authorization: this.authorization(), 'user-agent': USER_AGENT, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const req = (this.#secure() ? https : http).request(
        url,
        { method, headers, agent: this.#agent, ...this.tlsOptions(), ...(options.signal ? { signal: options.signal } : {}) },
        resolve,
      );
      if (timeoutMs > 0)
        req.setTimeout(timeoutMs, () =>
          req.destroy(
            new OrchardError(
              `${method} ${url.pathname}: the Orchard controller at ${this.connection.url} did not answer within ${timeoutMs / 1000} s`,
            ),
          ),
        );
      req.on('error', (err) => reject(err instanceof OrchardError || options.signal?.aborted ? err : this.#unreachable(err)));
      req.end(body);
    });
  }

  #unreachable(err: NodeJS.ErrnoException): OrchardError {
    const { url, sources } = this.connection;
    const code = err.code ?? '';
    if (/CERT|SELF_SIGNED|ALTNAME|UNABLE_TO_VERIFY|SSL|TLS/.test(code) || /certificate/i.test(err.message)) {
      const pinned = sources.certificate
        ? `the certificate from ${sources.certificate} (pinned, server name orchard-controller)`
        : "the system's CAs (no certificate configured)";
      return new OrchardError(
        `the Orchard controller at ${url} failed the TLS check against ${pinned}: ${err.message}. ` +
          "Set pool.orchard.certificate to the controller's certificate (its data dir's controller.crt), " +
          "or recreate the context with 'orchard context create'.",
        { cause: err },
      );
    }
    return new OrchardError(
      `cannot reach the Orchard controller at ${url} (from ${sources.url}): ${err.message}. Is the controller running, and the URL right?`,
      { cause: err },
    );
  }

  #error(method: string, path: string, status: number, text: string): OrchardError | OrchardAuthError {
    const message = messageOf(text);
    const { url, serviceAccountName: name, sources } = this.connection;
    if (status === 401 && message === undefined) {
      return new OrchardAuthError(
        `the Orchard controller at ${url} refused service account "${name}" (401): the account does not exist or the token is wrong. ` +
          `Check the name (${sources.serviceAccountName}) and the token (${sources.serviceAccountToken}).`,
      );
    }
    if (status === 401) {
      return new OrchardAuthError(
        `service account "${name}" (${sources.serviceAccountName}) lacks a role on the Orchard controller at ${url}: ${message}. ` +
          'vmwatch needs compute:read and compute:write; an admin can create such an account with ' +
          `'orchard create service-account ${name} --roles compute:read --roles compute:write'.`,
      );
    }
    return new OrchardError(`${method} /v1${path}: ${status} ${STATUS_CODES[status] ?? ''}${message ? ` (${message})` : ''}`, { status });
  }
}

function messageOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed.message === 'string' && parsed.message !== '' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => (text += d));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}
