import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

export interface FollowOptions {
  /** Read from this byte on (0: the whole file). */
  from?: number;
  /** Still being written: when it turns false, the rest is read once more and following ends. */
  live: () => boolean;
  /** Told each new piece of text (UTF-8, never split inside a character). */
  onText: (text: string, offset: number) => void;
  /** How often to look for more (ms). */
  everyMs?: number;
  /** At most this much is read per look; more is skipped with a note (a test printing 1 GB). */
  maxPerRead?: number;
  signal?: AbortSignal;
}

/**
 * Follow a log that a running test appends to, like `tail -f`, until the test ends (or `signal`):
 * each new part is passed on as text. Reads go by offset from a handle opened once, so a file
 * replaced under it is not followed; a file that does not exist yet is waited for.
 */
export async function followFile(file: string, options: FollowOptions): Promise<void> {
  const everyMs = options.everyMs ?? 200;
  const maxPerRead = options.maxPerRead ?? 256 * 1024;
  const decoder = new StringDecoder('utf8');
  let offset = options.from ?? 0;
  let handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => null);
  try {
    for (;;) {
      if (options.signal?.aborted) return;
      const last = !options.live();
      handle ??= await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => null);
      if (handle !== null) {
        const { size } = await handle.stat();
        if (size - offset > maxPerRead) {
          options.onText(`\n[vmwatch: ${size - offset - maxPerRead} bytes of output skipped]\n`, offset);
          offset = size - maxPerRead;
        }
        if (size > offset) {
          const buffer = Buffer.alloc(size - offset);
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
          const text = decoder.write(buffer.subarray(0, bytesRead));
          if (text !== '') options.onText(text, offset);
          offset += bytesRead;
        }
      }
      if (last) {
        const rest = decoder.end();
        if (rest !== '') options.onText(rest, offset);
        return;
      }
      await pause(everyMs, options.signal);
    }
  } finally {
    await handle?.close().catch(() => {});
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
