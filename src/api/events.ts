import type { IncomingMessage, ServerResponse } from 'node:http';
import { SAFE_HEADERS } from './respond.ts';
import type { DaemonApi } from './types.ts';

/**
 * `/api/events`: Server-Sent Events, one per daemon event (`output` events with `?output=1`
 * only), and a comment every 15 s to keep proxies open.
 */
export function streamEvents(daemon: DaemonApi, req: IncomingMessage, res: ServerResponse, options: { output: boolean }): void {
  res.writeHead(200, { ...SAFE_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
  res.write(': vmwatch events\n\n');
  const unsubscribe = daemon.subscribe(
    (event) => {
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    },
    { output: options.output },
  );
  const beat = setInterval(() => res.write(': beat\n\n'), 15_000);
  beat.unref();
  const end = (): void => {
    clearInterval(beat);
    unsubscribe();
  };
  req.on('close', end);
  res.on('error', end);
}
