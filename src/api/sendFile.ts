import { constants } from 'node:fs';
import { open, readlink } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SAFE_HEADERS, sendError } from './respond.ts';

export interface SendFileOptions {
  type: string;
  /** Sent as a download with this name (never shown by the browser). */
  downloadAs?: string;
  /** The file must really be inside this folder (a real path), checked on the opened file itself. */
  within?: string;
  /** The 404 message when there is no such file. */
  missing?: string;
}

/**
 * A file as it is now, to `res`. It is opened without following a link and without blocking (a
 * FIFO swapped in is refused, never waited on), checked to be a regular file (and, with `within`,
 * to be inside that folder, on Linux by the opened descriptor itself, so a folder swapped for a
 * link between a check and the open is caught), and sent with exactly the length it had then. A
 * `Range: bytes=A-B`, `A-` or `-N` (the last N bytes) gets that part. A read error ends the
 * answer; it never reaches the process.
 */
export async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, options: SendFileOptions): Promise<void> {
  const missing = options.missing ?? `no file ${path.basename(file)}`;
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => null);
  if (handle === null) return sendError(res, 404, missing);
  let streaming = false;
  try {
    const st = await handle.stat();
    if (!st.isFile()) return sendError(res, 404, missing);
    if (options.within !== undefined && !(await insideFolder(handle.fd, file, options.within)))
      return sendError(res, 404, `${path.basename(file)} is not inside its test's folder`);
    const range = byteRange(req.headers.range, st.size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...SAFE_HEADERS, 'content-range': `bytes */${st.size}` });
      return void res.end();
    }
    const [start, end] = range ?? [0, st.size - 1];
    const headers: Record<string, string> = {
      ...SAFE_HEADERS,
      'content-type': options.type,
      'content-length': String(Math.max(0, end - start + 1)),
      'accept-ranges': 'bytes',
    };
    if (range !== null) headers['content-range'] = `bytes ${start}-${end}/${st.size}`;
    if (options.downloadAs !== undefined)
      headers['content-disposition'] = `attachment; filename="${options.downloadAs.replace(/[^\w.-]/g, '_')}"`;
    res.writeHead(range === null ? 200 : 206, headers);
    if (end < start) return void res.end();
    streaming = true;
    await pipeline(handle.createReadStream({ start, end }), res).catch(() => res.destroy());
  } finally {
    if (!streaming) await handle.close().catch(() => {});
  }
}

/** Where the opened descriptor really is (Linux: /proc/self/fd), else the path's own real path. */
async function insideFolder(fd: number, file: string, folder: string): Promise<boolean> {
  const real = await readlink(`/proc/self/fd/${fd}`).catch(() => path.resolve(file));
  return real.startsWith(`${folder}${path.sep}`);
}

/** One range of a `Range` header: [start, end] inclusive; null for none (or several, or an invalid one); 'unsatisfiable'. */
function byteRange(header: string | undefined, size: number): [number, number] | null | 'unsatisfiable' {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  // An empty file has no range to give: all of it (nothing) is the answer.
  if (m === null || (m[1] === '' && m[2] === '') || size === 0) return null;
  if (m[1] === '') {
    const n = Number(m[2]);
    return n === 0 ? 'unsatisfiable' : [Math.max(0, size - n), size - 1];
  }
  const start = Number(m[1]);
  if (m[2] !== '' && Number(m[2]) < start) return null; // not a valid range: ignored, all of it (RFC 9110)
  return start >= size ? 'unsatisfiable' : [start, m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)];
}
