import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Files whose change means the snapshot's installed dependencies are out of date. */
const LOCKFILE = new RegExp(
  '^(package-lock\\.json|npm-shrinkwrap\\.json|pnpm-lock\\.yaml|yarn\\.lock|' +
    'requirements.*\\.txt|poetry\\.lock|uv\\.lock|pyproject\\.toml|Pipfile\\.lock)$',
);

function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function setupHash(setup: string[]): string {
  return hashText(JSON.stringify(setup));
}

/** Lockfiles at the app's top level → content hash. */
export async function lockfileHashes(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(root)).filter((n) => LOCKFILE.test(n)).sort()) {
    out[name] = hashText(await readFile(path.join(root, name), 'utf8'));
  }
  return out;
}
