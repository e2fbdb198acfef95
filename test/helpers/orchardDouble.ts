import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { fileURLToPath } from 'node:url';
import { tartAvailable } from './tartDouble.ts';
import { requireOrSkip } from './requireOrSkip.ts';

const ORCHARD_SERVE = fileURLToPath(new URL('../fixtures/orchard/serve.mjs', import.meta.url));

export interface OrchardDoubleOptions {
  workers?: number;
  tls?: boolean;
  tickMs?: number;
  cloneDelayMs?: number;
  sshDelayMs?: number;
  restartDelayMs?: number;
  pingMs?: number;
}

interface OrchardReply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  json<T = unknown>(): T;
}

interface DoubleState {
  vms: Array<{ name: string; status: string; worker: string; ip: string | null; diskDir: string | null; sshSessions: number }>;
  machines: number;
  portForwards: number;
  sshSessions: number;
}

export interface OrchardDouble {
  url: string;
  serviceAccountName: string;
  serviceAccountToken: string;
  /** PEM, or null with tls: false. */
  certificate: string | null;
  child: ChildProcess;
  /** A request with the service account's credentials (or `auth`: a Basic header value, '' for none). */
  request(
    method: string,
    path: string,
    options?: { body?: string; auth?: string; headers?: Record<string, string> },
  ): Promise<OrchardReply>;
  /** A /_double/ knob (see test/fixtures/orchard/README.md). */
  knob(path: string, body?: unknown): Promise<OrchardReply>;
  state(): Promise<DoubleState>;
  /** Ends the double and every machine it runs. */
  stop(): Promise<void>;
}

/** Why the Orchard double's machines cannot run here (same needs as the Tart double's), or null. */
export function orchardAvailable(): string | null {
  return requireOrSkip('Orchard double tests', tartAvailable());
}

export function basicAuth(name: string, token: string): string {
  return `Basic ${Buffer.from(`${name}:${token}`).toString('base64')}`;
}

/** Starts `node test/fixtures/orchard/serve.mjs` with short delays; it dies with this process's pipe. */
export async function startOrchardDouble(options: OrchardDoubleOptions = {}): Promise<OrchardDouble> {
  const args = [
    ORCHARD_SERVE,
    '--workers',
    String(options.workers ?? 3),
    '--tick-ms',
    String(options.tickMs ?? 200),
    '--clone-delay-ms',
    String(options.cloneDelayMs ?? 20),
    '--ssh-delay-ms',
    String(options.sshDelayMs ?? 100),
    '--restart-delay-ms',
    String(options.restartDelayMs ?? 1000),
    '--ping-ms',
    String(options.pingMs ?? 30_000),
    '--exit-with-stdin',
    ...(options.tls === false ? ['--no-tls'] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const info = await new Promise<{ url: string; serviceAccountName: string; serviceAccountToken: string; certificate: string | null }>(
    (resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf('\n');
        if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
      });
      child.once('exit', (code) => reject(new Error(`the Orchard double exited (${code}) before it was ready: ${stderr}`)));
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const request: OrchardDouble['request'] = (method, path, opts = {}) =>
    new Promise((resolve, reject) => {
      const auth = opts.auth ?? basicAuth(info.serviceAccountName, info.serviceAccountToken);
      const headers = {
        ...(auth === '' ? {} : { authorization: auth }),
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...opts.headers,
      };
      const tlsOptions = info.certificate ? { ca: info.certificate, servername: 'orchard-controller' } : {};
      const req = (info.url.startsWith('https') ? https : http).request(`${info.url}${path}`, { method, headers, ...tlsOptions }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, json: <T>() => JSON.parse(body) as T }));
      });
      req.on('error', reject);
      req.end(opts.body);
    });
  return {
    ...info,
    child,
    request,
    knob: (path, body) =>
      request(body === undefined ? 'GET' : 'POST', `/_double/${path}`, body === undefined ? {} : { body: JSON.stringify(body) }),
    state: async () => (await request('GET', '/_double/state')).json<DoubleState>(),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
