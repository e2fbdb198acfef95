import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../errors.ts';
import { writeAtomic } from '../files/writeAtomic.ts';
import { projectStateDir } from '../paths.ts';

/** vmwatch's per-project state folder: `<root>/.vmwatch/` (never synced, never watched). */
const stateDir = projectStateDir;

/** The state file's content, or why it could not be used (a fresh start follows). */
export type StateRead<T> = { value: T; warning?: undefined } | { value: undefined; warning?: string };

/**
 * Reads `<root>/.vmwatch/<name>` as JSON and checks it with `accept`. A missing file is a quiet
 * fresh start; an unreadable, corrupt or foreign one is a fresh start with a warning.
 */
export async function readState<T>(root: string, name: string, accept: (json: unknown) => json is T): Promise<StateRead<T>> {
  const file = path.join(stateDir(root), name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { value: undefined };
    return { value: undefined, warning: `cannot read ${file} (${errorMessage(err)}); starting afresh` };
  }
  try {
    const json: unknown = JSON.parse(text);
    if (accept(json)) return { value: json };
  } catch {
    // falls through to the warning
  }
  return { value: undefined, warning: `${file} is corrupt or from another version; starting afresh` };
}

/**
 * Writes `<root>/.vmwatch/<name>` atomically (a temp file renamed over it), so a crash leaves
 * the old file or the new one, never half of one. The folder gets a `.gitignore` of `*` so git
 * (and so vmwatch's change detection) never sees it.
 */
export async function writeState(root: string, name: string, value: unknown): Promise<void> {
  const dir = stateDir(root);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, '.gitignore'), '*\n', { flag: 'wx' }).catch(() => {});
  await writeAtomic(path.join(dir, name), JSON.stringify(value));
}
