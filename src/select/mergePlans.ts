import type { Plan, SelectedTest } from './types.ts';

/**
 * Two plans as one: the union of tests (reasons merged) and of changed files. A test asked for
 * whole in either plan runs whole; asked for by cases in both, it runs the union of those cases.
 */
export function mergePlans(a: Plan, b: Plan): Plan {
  const reasons = new Map<string, Set<string>>();
  const cases = new Map<string, Set<string> | null>();
  for (const t of [...a.tests, ...b.tests]) {
    const set = reasons.get(t.id) ?? new Set<string>();
    for (const r of t.reasons) set.add(r);
    reasons.set(t.id, set);
    const known = cases.get(t.id);
    if (t.cases === undefined || known === null) cases.set(t.id, null);
    else cases.set(t.id, new Set([...(known ?? []), ...t.cases]));
  }
  const withCases = (id: string, r: Set<string>): SelectedTest => {
    const only = cases.get(id);
    return only ? { id, reasons: [...r], cases: [...only] } : { id, reasons: [...r] };
  };
  return {
    changedFiles: [...new Set([...a.changedFiles, ...b.changedFiles])].sort(),
    all: a.all || b.all,
    tests: [...reasons].sort(([x], [y]) => x.localeCompare(y)).map(([id, r]) => withCases(id, r)),
    uncovered: [...new Set([...a.uncovered, ...b.uncovered])].sort(),
  };
}
