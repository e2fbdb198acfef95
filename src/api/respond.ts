import type { ServerResponse } from 'node:http';

/** Headers on every answer: nothing is sniffed, framed, cached or sent elsewhere. */
export const SAFE_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': [
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "frame-ancestors 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; '),
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SAFE_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message });
}

/** The type an artifact is served with; HTML, SVG and anything unknown go as downloads, never rendered. */
export function artifactType(file: string): { type: string; attachment: boolean } {
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  const inline: Record<string, string> = {
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    gif: 'image/gif',
    webp: 'image/webp',
    json: 'application/json; charset=utf-8',
    txt: 'text/plain; charset=utf-8',
    log: 'text/plain; charset=utf-8',
    xml: 'text/plain; charset=utf-8',
    md: 'text/plain; charset=utf-8',
    csv: 'text/plain; charset=utf-8',
  };
  const type = inline[ext];
  return type === undefined ? { type: 'application/octet-stream', attachment: true } : { type, attachment: false };
}
