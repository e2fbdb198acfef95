/** What ordering needs to know about past runs. */
export interface OrderHistory {
  isFailing(id: string): boolean;
  /** undefined: never run (or never finished). */
  expectedMs(id: string): number | undefined;
}

/**
 * Run order: tests that failed last time first (the answer you are waiting for), then tests with
 * no history (their duration is unknown, and they may be new), then the rest by expected
 * duration, longest first, so the pool does not end with one long test running alone. Within a
 * group: longest first, then by id.
 */
export function orderTests<T>(items: readonly T[], idOf: (item: T) => string, history: OrderHistory): T[] {
  const rank = (id: string): number => (history.isFailing(id) ? 0 : history.expectedMs(id) === undefined ? 1 : 2);
  const keyed = items.map((item) => {
    const id = idOf(item);
    return { item, id, rank: rank(id), expected: history.expectedMs(id) ?? 0 };
  });
  keyed.sort((a, b) => a.rank - b.rank || b.expected - a.expected || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return keyed.map(({ item }) => item);
}
