import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { configSchema } from '../../src/config/schema.ts';
import { discoverTests } from '../../src/select/discover.ts';
import { listProjectFiles } from '../../src/select/git/listFiles.ts';
import { ImportGraph } from '../../src/select/graph/importGraph.ts';
import { selectTests } from '../../src/select/selectTests.ts';

export interface EditTarget {
  /** Root-relative module. */
  file: string;
  /** Test files that import it (directly or through a chain), by vmwatch's import graph. */
  importedBy: number;
}

export interface PickEditsOptions {
  /** Test files, root-relative glob. */
  testPattern: string;
  /** Modules eligible for an edit (root-relative, posix). */
  eligible: (file: string) => boolean;
  /** Fewest and most test files that must import a module for it to be picked. */
  minTests: number;
  maxTests: number;
  count: number;
}

/**
 * Modules to edit, from vmwatch's own import graph of the checkout: every eligible module with
 * between minTests and maxTests importing test files, then `count` of them spread evenly over that
 * range (fewest to most importers), so the edits cover narrow and wide changes alike.
 */
export async function pickEdits(
  root: string,
  options: PickEditsOptions,
): Promise<{ targets: EditTarget[]; candidates: number; tests: number }> {
  const files = await listProjectFiles(root);
  const graph = await ImportGraph.build(root, files);
  const config = {
    ...configSchema.parse({ root: '.', discover: [{ pattern: options.testPattern, runner: 'vitest' }] }),
    root,
    configFile: path.join(root, 'watch.config.ts'),
  };
  const tests = discoverTests(config, files);
  const testIds = new Set(tests.map((t) => t.id));
  const candidates: EditTarget[] = [];
  for (const file of files) {
    if (testIds.has(file) || !options.eligible(file)) continue;
    const importedBy = selectTests({ tests, config, graph, changedFiles: [file] }).tests.length;
    if (importedBy >= options.minTests && importedBy <= options.maxTests) candidates.push({ file, importedBy });
  }
  candidates.sort((a, b) => a.importedBy - b.importedBy || a.file.localeCompare(b.file));
  const targets: EditTarget[] = [];
  for (let i = 0; i < Math.min(options.count, candidates.length); i++) {
    const at = options.count === 1 ? 0 : Math.round((i * (candidates.length - 1)) / (options.count - 1));
    targets.push(candidates[at]!);
  }
  return { targets, candidates: candidates.length, tests: tests.length };
}

/** Edits files by appending comments, and puts every edited file back as it was. */
export class Edits {
  readonly #root: string;
  readonly #original = new Map<string, string>();
  #n = 0;

  constructor(root: string) {
    this.#root = root;
  }

  /** Appends a fresh comment line (the content always changes); returns the wall-clock time of the write. */
  save(file: string): number {
    const abs = path.join(this.#root, file);
    if (!this.#original.has(file)) this.#original.set(file, readFileSync(abs, 'utf8'));
    this.#n += 1;
    const at = Date.now();
    appendFileSync(abs, `// vmwatch runners benchmark edit ${this.#n}\n`);
    return at;
  }

  restore(file?: string): void {
    for (const [f, text] of this.#original) {
      if (file !== undefined && f !== file) continue;
      writeFileSync(path.join(this.#root, f), text);
      this.#original.delete(f);
    }
  }
}
