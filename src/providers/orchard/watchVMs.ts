import { logger } from '../../log.ts';
import type { OrchardClient } from './OrchardClient.ts';
import { OrchardAuthError } from './orchardErrors.ts';
import type { OrchardVM, WatchEvent } from './types.ts';

const log = logger('orchard');

/**
 * One VM's `?watch=true` stream (application/x-ndjson): ADDED with the current VM, then
 * MODIFIED/DELETED as it changes. The controller never ends it; this ends when `signal` aborts.
 */
async function* watchVM(client: OrchardClient, name: string, signal: AbortSignal): AsyncGenerator<WatchEvent> {
  const res = await client.stream(`/vms/${encodeURIComponent(name)}`, { query: { watch: 'true' }, signal });
  let buffer = '';
  try {
    for await (const chunk of res) {
      buffer += (chunk as Buffer).toString('utf8');
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line !== '') yield JSON.parse(line) as WatchEvent;
      }
    }
  } finally {
    res.destroy();
  }
}

export type VMOutcome = { state: 'running' | 'failed' | 'pending'; vm: OrchardVM } | { state: 'deleted' };

/**
 * Follows the VM until it runs, fails or is deleted, or until `timeoutMs` passes while it is
 * still pending (the last VM seen is returned). A dropped stream is opened again a second later.
 */
export async function waitForVM(
  client: OrchardClient,
  name: string,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<VMOutcome> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new Error('timeout')), options.timeoutMs);
  const onAbort = (): void => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let last: OrchardVM | undefined;
  try {
    while (!stop.signal.aborted) {
      try {
        for await (const event of watchVM(client, name, stop.signal)) {
          if (event.type === 'DELETED') return { state: 'deleted' };
          last = event.object;
          if (last.status === 'running' || last.status === 'failed') return { state: last.status, vm: last };
        }
      } catch (err) {
        if (stop.signal.aborted) break;
        if (err instanceof OrchardAuthError) throw err;
        log.debug({ vm: name, err }, 'watch stream dropped; watching again');
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    options.signal?.throwIfAborted();
    last ??= (await client.getVM(name)) ?? undefined;
    return last
      ? { state: last.status === 'running' || last.status === 'failed' ? last.status : 'pending', vm: last }
      : { state: 'deleted' };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
}
