import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const DELETED = 'deleted';

async function hashFile(file: string): Promise<string> {
  try {
    return createHash('sha1')
      .update(await readFile(file))
      .digest('hex');
  } catch {
    return DELETED;
  }
}

/**
 * Drops files whose content is what it was the last time we saw it: an editor's save that
 * changed nothing, or the second event chokidar reports for one write, runs nothing.
 */
export class ContentHashFilter {
  readonly #root: string;
  readonly #seen = new Map<string, string>();

  constructor(root: string) {
    this.#root = root;
  }

  /** Remember `files` as they are now without reporting them (e.g. at start). */
  async remember(files: string[]): Promise<void> {
    await Promise.all(files.map(async (f) => this.#seen.set(f, await hashFile(path.join(this.#root, f)))));
  }

  async changed(files: string[]): Promise<string[]> {
    const hashes = await Promise.all(files.map((f) => hashFile(path.join(this.#root, f))));
    return files.filter((file, i) => {
      const before = this.#seen.get(file);
      this.#seen.set(file, hashes[i]!);
      return before !== hashes[i];
    });
  }
}
