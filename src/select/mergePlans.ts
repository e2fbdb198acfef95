import type { Plan } from './types.ts';

/** Two plans as one: the union of tests (reasons merged) and of changed files. */
export function mergePlans(a: Plan, b: Plan): Plan {
  const reasons = new Map<string, Set<string>>();
  for (const t of [...a.tests, ...b.tests]) {
    const set = reasons.get(t.id) ?? new Set<string>();
    for (const r of t.reasons) set.add(r);
    reasons.set(t.id, set);
  }
  return {
    changedFiles: [...new Set([...a.changedFiles, ...b.changedFiles])].sort(),
    all: a.all || b.all,
    tests: [...reasons].sort(([x], [y]) => x.localeCompare(y)).map(([id, r]) => ({ id, reasons: [...r] })),
    uncovered: [...new Set([...a.uncovered, ...b.uncovered])].sort(),
  };
}
