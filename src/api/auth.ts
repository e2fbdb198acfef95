import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The cookie that keeps the token, named after the port: browsers send a cookie of 127.0.0.1 to
 * every port of it, so two daemons (or a restarted one) must not read each other's.
 */
export const tokenCookie = (port: number): string => `vmwatch_token_${port}`;

/** A fresh random token for one daemon: 32 bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The tokens a request carries: `Authorization: Bearer`, `X-Vmwatch-Token`, `?token=`, the
 * cookie. Any one that matches will do (a stale cookie does not hide a fresh `?token=`).
 */
export function tokensOf(req: IncomingMessage, url: URL, port: number): string[] {
  const bearer = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const header = req.headers['x-vmwatch-token'];
  const cookie = (req.headers.cookie ?? '')
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([name]) => name === tokenCookie(port))?.[1];
  return [bearer, typeof header === 'string' ? header : undefined, url.searchParams.get('token') ?? undefined, cookie].filter(
    (t): t is string => t !== undefined,
  );
}

/** Constant-time comparison, so the answer time says nothing about how much of a guess was right. */
export function tokenMatches(given: readonly string[], token: string): boolean {
  const b = Buffer.from(token);
  return given.some((candidate) => {
    const a = Buffer.from(candidate);
    return a.length === b.length && timingSafeEqual(a, b);
  });
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
