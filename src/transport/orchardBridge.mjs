import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import WebSocket, { createWebSocketStream } from 'ws';

// Plain JavaScript (types in orchardBridge.d.mts): ssh starts this once per connection, so it
// must start fast — no TypeScript loader (measured: 0.4–0.7 s through jiti, ~0.2 s plain).

/** Not "Orchard/0…" (see OrchardClient); any User-Agent makes the controller use binary messages. */
const USER_AGENT = 'vmwatch-orchard-bridge/0.1';

/**
 * ssh's ProxyCommand for an Orchard VM: stdin/stdout ↔ the controller's port-forward WebSocket
 * (`GET /v1/vms/{vm}/port-forward?port=P&wait=S`, raw TCP in binary messages). The controller
 * waits up to `wait` seconds for the VM to run and its port to answer. A refusal is printed on
 * stderr (ssh shows it) with the controller's reason, and the exit code is 1. Resolves with the
 * exit code when either side closes.
 */
export function runBridge(config, vm, port, waitS, io) {
  const url = new URL(`${config.url.replace(/^http/, 'ws')}/v1/vms/${encodeURIComponent(vm)}/port-forward`);
  url.searchParams.set('port', String(port));
  url.searchParams.set('wait', String(waitS));
  const auth = Buffer.from(`${config.serviceAccountName}:${config.serviceAccountToken}`).toString('base64');
  const ws = new WebSocket(url, {
    headers: { authorization: `Basic ${auth}`, 'user-agent': USER_AGENT },
    perMessageDeflate: false,
    handshakeTimeout: (waitS + 30) * 1000,
    ...(config.certificate === undefined ? {} : { ca: config.certificate, servername: 'orchard-controller' }),
  });
  const say = (text) => {
    io.stderr.write(`orchard-bridge: ${text}\n`);
  };
  return new Promise((resolve) => {
    let settled = false;
    const done = (code) => {
      if (settled) return;
      settled = true;
      resolve(code);
    };
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        let reason = '';
        try {
          reason = JSON.parse(body).message ?? '';
        } catch {
          // empty body: 401 bad credentials, 404 no such VM, 500 the port never answered
        }
        const hint = {
          401: 'check the service account and its roles',
          404: 'no such VM on the controller',
          500: `nothing answered on port ${port} in ${waitS} s`,
        }[res.statusCode ?? 0];
        say(`port-forward to VM ${vm} port ${port} refused: ${res.statusCode} ${reason || hint || ''}`.trim());
        done(1);
      });
    });
    ws.on('error', (err) => {
      say(`port-forward to VM ${vm} failed: ${err.message}`);
      done(1);
    });
    ws.on('open', () => {
      const duplex = createWebSocketStream(ws);
      duplex.on('error', () => done(0));
      io.stdin.pipe(duplex);
      duplex.pipe(io.stdout);
      duplex.on('end', () => done(0));
      duplex.on('close', () => done(0));
    });
    ws.on('close', () => done(0));
  });
}

/** `orchard-bridge --config FILE --vm NAME [--port 22] [--wait 60]` (bin/orchard-bridge.mjs). */
export async function bridgeMain(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      vm: { type: 'string' },
      port: { type: 'string', default: '22' },
      wait: { type: 'string', default: '60' },
    },
  });
  if (!values.config || !values.vm) {
    process.stderr.write('usage: orchard-bridge --config FILE --vm NAME [--port 22] [--wait 60]\n');
    return 2;
  }
  const config = JSON.parse(readFileSync(values.config, 'utf8'));
  return runBridge(config, values.vm, Number(values.port), Number(values.wait), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
