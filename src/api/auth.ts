import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'vmwatch_token';

/** A fresh random token for one daemon: 32 bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The token a request carries: `Authorization: Bearer`, `X-Vmwatch-Token`, the cookie, or `?token=`. */
export function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const header = req.headers['x-vmwatch-token'];
  const cookie = (req.headers.cookie ?? '')
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([name]) => name === TOKEN_COOKIE)?.[1];
  return bearer ?? (typeof header === 'string' ? header : undefined) ?? cookie ?? url.searchParams.get('token') ?? undefined;
}

/** Constant-time comparison, so the answer time says nothing about how much of a guess was right. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Against DNS rebinding: the Host header must name the loopback address or `localhost` with our
 * port, and an Origin, when sent, must be that same origin. Returns why not, or null.
 */
export function rejectedHost(req: IncomingMessage, port: number): string | null {
  const allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const host = req.headers.host ?? '';
  if (!allowed.has(host)) return `Host ${JSON.stringify(host)} is not this dashboard (127.0.0.1:${port})`;
  const origin = req.headers.origin;
  if (origin !== undefined && !allowed.has(origin.replace(/^http:\/\//, '')))
    return `Origin ${JSON.stringify(origin)} is not this dashboard (http://127.0.0.1:${port})`;
  if (origin !== undefined && !origin.startsWith('http://')) return `Origin ${JSON.stringify(origin)} is not http://`;
  return null;
}
