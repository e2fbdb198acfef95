import { TART_VMS_PER_HOST } from './hostLimit.ts';
import type { ParsedConfig } from './schema.ts';

/**
 * A hybrid pool (`pool.providers`): its sizes make the pool's size (pool.size may be left out, or
 * must agree), pool.provider is not also given, and the Tart part keeps the 2-VMs-per-Mac limit.
 * Sets pool.size to the sum; returns the problems as "field: message" lines (none when fine).
 */
export function applyProviderShares(rawPool: unknown, pool: ParsedConfig['pool']): string[] {
  const shares = pool.providers;
  if (shares === undefined) return [];
  const given = typeof rawPool === 'object' && rawPool !== null ? (rawPool as Record<string, unknown>) : {};
  const problems: string[] = [];
  const sum = shares.reduce((n, s) => n + s.size, 0);
  if (given.size !== undefined && given.size !== sum) {
    problems.push(
      `pool.size: ${String(given.size)}, but the sizes in pool.providers add up to ${sum}; leave pool.size out or make them agree`,
    );
  }
  if (given.provider !== undefined && given.provider !== 'auto') {
    problems.push(`pool.provider: leave it out when pool.providers lists the providers (got "${String(given.provider)}")`);
  }
  const tart = shares.filter((s) => s.provider === 'tart').reduce((n, s) => n + s.size, 0);
  if (tart > TART_VMS_PER_HOST && !pool.overrideHostLimit) {
    const i = shares.findIndex((s) => s.provider === 'tart');
    problems.push(
      `pool.providers[${i}].size: expected at most ${TART_VMS_PER_HOST} Tart VMs on this Mac, got ${tart}: ` +
        `macOS runs at most ${TART_VMS_PER_HOST} VMs per host. ` +
        'Give the rest to "orchard", or set pool.overrideHostLimit: true only if this host really runs more',
    );
  }
  if (new Set(shares.map((s) => s.provider)).size !== shares.length) {
    problems.push('pool.providers: each provider may appear once (add up its sizes)');
  }
  pool.size = sum;
  return problems;
}
