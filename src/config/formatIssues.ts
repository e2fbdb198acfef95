import type { z } from 'zod';

/** `pool.size`, `tests[0].command`: the field path a user can find in the file. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** One line per problem: `<field>: <what was expected>`. */
export function formatIssues(issues: ReadonlyArray<z.core.$ZodIssue>): string[] {
  return issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length === 0 ? '' : `${formatPath(issue.path)}.`;
      return `${issue.keys.map((k) => `${where}${k}`).join(', ')}: unknown field (check the spelling; see the README's config reference)`;
    }
    if (issue.code === 'invalid_value') {
      return `${formatPath(issue.path)}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    return `${formatPath(issue.path)}: ${issue.message}`;
  });
}
