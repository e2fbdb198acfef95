import type { FileSet } from '../types.ts';

/** Files pytest collects, or that it loads like them: `test_*.py`, `*_test.py`, `conftest.py`. */
function isPytestFile(file: string): boolean {
  const base = file.slice(file.lastIndexOf('/') + 1);
  return base === 'conftest.py' || /^test_.*\.py$/.test(base) || /_test\.py$/.test(base);
}

/**
 * The `conftest.py` files pytest applies to `file`: one in its folder and in each folder above it
 * up to the root (for a conftest.py itself, only those above). Fixtures and hooks reach a test
 * through them without an import, so a change to one is a change to every test below it.
 */
export function conftestsFor(file: string, files: FileSet): string[] {
  if (!isPytestFile(file)) return [];
  const found: string[] = [];
  let dir = file.slice(0, Math.max(0, file.lastIndexOf('/')));
  let first = true;
  for (;;) {
    const conftest = dir === '' ? 'conftest.py' : `${dir}/conftest.py`;
    if (!(first && file === conftest) && files.has(conftest)) found.push(conftest);
    first = false;
    if (dir === '') return found;
    dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/')));
  }
}
