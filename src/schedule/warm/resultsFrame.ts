import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/**
 * A warm runner sends its results folder back in its own output, so the host reads them from the
 * log it already has instead of copying the folder out of the machine (an rsync and a mount per
 * batch). After the batch the runner prints one frame:
 *
 *   `\nvmwatch warm runner: results NONCE LENGTH\n` + LENGTH bytes of JSON + `\n`
 *
 * The JSON is `{ complete, files: { NAME: BASE64 }, artifacts? }`: every regular file of the
 * results folder, or `complete: false` when it holds anything else (a link, a folder) or more than
 * `maxBytes`; `artifacts: 'absent'` when nothing is at the artifacts folder's path, so there is
 * nothing to copy out of the machine either (a test that lies about it only loses its own files).
 * NONCE is new for each batch and travels only in the batch message on the runner's stdin, so
 * what a test prints does not pass for the frame (no trust boundary: a test can write the results
 * folder itself). Anything short of a whole, valid frame (cut by the log cap, interleaved,
 * absent) is not used: the folder is then copied out as for a cold batch.
 */
export interface ResultsRequest {
  nonce: string;
  /** The results folder, relative to the app folder. */
  dir: string;
  /** Above this many bytes of base64, the runner sends `complete: false` and no files. */
  maxBytes: number;
  /** The artifacts folder, relative to the app folder: the frame says when nothing is there. */
  artifacts?: string;
}

export interface ResultsFrame {
  /** Null when the runner could not send them all (`complete: false`) or named one unsafely: copy the folder out. */
  files: Map<string, Buffer> | null;
  /** The runner found nothing at the artifacts folder's path (a whole frame only). */
  noArtifacts: boolean;
  /** Byte range of the frame in the log, left out when the log is copied into output.log. */
  start: number;
  end: number;
}

/** Up to this much of the results travels in the log; more is copied out of the machine. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export function resultsRequest(dir: string, outputMaxBytes: number | undefined, artifacts?: string): ResultsRequest {
  // The frame comes last, in the part of the log the cap keeps whole (its last half).
  const cap = outputMaxBytes === undefined ? MAX_FRAME_BYTES : Math.floor(outputMaxBytes / 4);
  const request = { nonce: randomBytes(16).toString('hex'), dir, maxBytes: Math.min(MAX_FRAME_BYTES, cap) };
  return artifacts === undefined ? request : { ...request, artifacts };
}

const PLAIN_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,200}$/;

/**
 * The frame for `nonce` in the log `file`, null when there is none. A frame that is not whole and
 * well-formed (cut short by the runner's end or the log cap) has no files, and its range runs to
 * where it should have ended, or to the end of the log.
 */
export async function readResultsFrame(file: string, nonce: string): Promise<ResultsFrame | null> {
  const log = await readFile(file).catch(() => null);
  if (log === null) return null;
  const marker = Buffer.from(`\nvmwatch warm runner: results ${nonce} `);
  const start = log.lastIndexOf(marker);
  if (start < 0) return null;
  const headerEnd = log.indexOf(0x0a, start + marker.length);
  const length = headerEnd < 0 ? Number.NaN : Number(log.subarray(start + marker.length, headerEnd).toString('latin1'));
  const bodyEnd = headerEnd + 1 + length;
  if (!Number.isSafeInteger(length) || length <= 0 || bodyEnd >= log.length || log[bodyEnd] !== 0x0a) {
    const end = Number.isSafeInteger(bodyEnd) ? Math.min(bodyEnd + 1, log.length) : log.length;
    return { files: null, noArtifacts: false, start, end };
  }
  try {
    const body: unknown = JSON.parse(log.subarray(headerEnd + 1, bodyEnd).toString('utf8'));
    const noArtifacts = typeof body === 'object' && body !== null && (body as { artifacts?: unknown }).artifacts === 'absent';
    return { files: filesOf(body), noArtifacts, start, end: bodyEnd + 1 };
  } catch {
    return { files: null, noArtifacts: false, start, end: bodyEnd + 1 };
  }
}

function filesOf(body: unknown): Map<string, Buffer> | null {
  if (typeof body !== 'object' || body === null) return null;
  const { complete, files } = body as { complete?: unknown; files?: unknown };
  if (complete !== true || typeof files !== 'object' || files === null) return null;
  const out = new Map<string, Buffer>();
  for (const [name, base64] of Object.entries(files)) {
    if (!PLAIN_NAME.test(name) || typeof base64 !== 'string') return null;
    out.set(name, Buffer.from(base64, 'base64'));
  }
  return out;
}
