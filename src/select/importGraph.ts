import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { extractJsImports, JS_EXTENSIONS, resolveJsImport, type FileSet } from './importsJs.ts';
import { extractPythonImports, pythonSourceRoots, resolvePythonImport, type PythonImport } from './importsPython.ts';
import { mapLimit } from './listFiles.ts';

type Parsed = { lang: 'js'; specifiers: string[] } | { lang: 'py'; imports: PythonImport[] };

export interface ImportGraphOptions {
  /** Reads a root-relative file; defaults to fs/promises. */
  readSource?: (file: string) => Promise<string>;
}

const READ_CONCURRENCY = 32;
/** Bigger sources (bundles, generated code) are kept as files but not scanned for imports. */
const MAX_SOURCE_CHARS = 2 * 1024 * 1024;

/**
 * Which project file imports which, for JS/TS (relative specifiers) and Python. Files are
 * root-relative with posix separators. Every project file should be known, sources or not: a
 * `./data.json` import resolves only to a known file.
 *
 * Deleted files: `update(file, false)` keeps `file` as a tombstone, so imports still resolve
 * to it and `importersOf(file)` still answers with its former importers; the plan for that
 * change can select them. Once the change is handled, the caller drops it with `remove(file)`.
 * `update(file, false)` on a file the graph never knew (a one-shot run after a deletion) adds the
 * tombstone, so call it for each changed file that no longer exists before selecting.
 */
export class ImportGraph {
  readonly root: string;
  private readonly live = new Set<string>();
  private readonly tombstones = new Set<string>();
  private readonly parsed = new Map<string, Parsed>();
  private readonly versions = new Map<string, number>();
  private forward = new Map<string, Set<string>>();
  private reverse = new Map<string, Set<string>>();
  private stale = true;
  private sourceRoots: string[] = [''];
  private readonly readSource: (file: string) => Promise<string>;
  private readonly known: FileSet = { has: (file) => this.live.has(file) || this.tombstones.has(file) };

  constructor(root: string, options: ImportGraphOptions = {}) {
    this.root = root;
    this.readSource = options.readSource ?? ((file) => readSourceFile(path.join(root, file)));
  }

  /** Reads every source among `files` (bounded concurrency) and links their imports. */
  static async build(root: string, files: Iterable<string>, options: ImportGraphOptions = {}): Promise<ImportGraph> {
    const graph = new ImportGraph(root, options);
    const all = [...new Set(files)];
    for (const file of all) graph.live.add(file);
    await mapLimit(all, READ_CONCURRENCY, (file) => graph.read(file));
    return graph;
  }

  /** A file that exists (not a tombstone). */
  has(file: string): boolean {
    return this.live.has(file);
  }

  /** Project files `file` imports directly, sorted. */
  importsOf(file: string): string[] {
    return sorted(this.edges().forward.get(file));
  }

  /** Project files that import `file` directly, sorted; for a tombstone, its former importers. */
  importersOf(file: string): string[] {
    return sorted(this.edges().reverse.get(file));
  }

  /** A new file: known from now on, and read if it is a source. */
  addFile(file: string): Promise<void> {
    return this.update(file, true);
  }

  /** `file` changed: re-read it if it exists, else keep it as a tombstone (see the class comment). */
  async update(file: string, exists: boolean): Promise<void> {
    if (!exists) {
      this.bump(file);
      this.live.delete(file);
      this.parsed.delete(file);
      this.tombstones.add(file);
      this.stale = true;
      return;
    }
    if (!this.live.has(file)) {
      this.live.add(file);
      this.tombstones.delete(file);
      this.stale = true;
    }
    await this.read(file);
  }

  /** Forgets `file` entirely, tombstone included; importers' edges to it go. */
  remove(file: string): void {
    this.bump(file);
    this.live.delete(file);
    this.tombstones.delete(file);
    this.parsed.delete(file);
    this.stale = true;
  }

  private bump(file: string): number {
    const version = (this.versions.get(file) ?? 0) + 1;
    this.versions.set(file, version);
    return version;
  }

  /** Parses `file` unless a later update or removal overtook the read. */
  private async read(file: string): Promise<void> {
    const lang = languageOf(file);
    if (lang === undefined) return;
    const version = this.bump(file);
    const source = await this.readSource(file).catch(() => '');
    if (this.versions.get(file) !== version || !this.live.has(file)) return;
    this.parsed.set(file, lang === 'js' ? { lang, specifiers: extractJsImports(source) } : { lang, imports: extractPythonImports(source) });
    if (!this.stale) this.link(file);
  }

  /** The edges, relinked in full after the set of files changed (resolution depends on it). */
  private edges(): { forward: Map<string, Set<string>>; reverse: Map<string, Set<string>> } {
    if (this.stale) {
      this.stale = false;
      this.sourceRoots = pythonSourceRoots([...this.live, ...this.tombstones]);
      this.forward = new Map();
      this.reverse = new Map();
      for (const file of this.parsed.keys()) this.link(file);
    }
    return { forward: this.forward, reverse: this.reverse };
  }

  /** Replaces the outgoing edges of one file. */
  private link(file: string): void {
    for (const target of this.forward.get(file) ?? []) this.reverse.get(target)?.delete(file);
    const targets = new Set(this.resolve(file));
    targets.delete(file);
    this.forward.set(file, targets);
    for (const target of targets) {
      let importers = this.reverse.get(target);
      if (importers === undefined) this.reverse.set(target, (importers = new Set()));
      importers.add(file);
    }
  }

  private resolve(file: string): string[] {
    const parsed = this.parsed.get(file);
    if (parsed === undefined) return [];
    if (parsed.lang === 'py') return parsed.imports.flatMap((imp) => resolvePythonImport(file, imp, this.known, this.sourceRoots));
    return parsed.specifiers.flatMap((specifier) => resolveJsImport(file, specifier, this.known) ?? []);
  }
}

function languageOf(file: string): 'js' | 'py' | undefined {
  const extension = path.posix.extname(file);
  if (extension === '.py') return 'py';
  return JS_EXTENSIONS.includes(extension) ? 'js' : undefined;
}

async function readSourceFile(file: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  return text.length > MAX_SOURCE_CHARS ? '' : text;
}

function sorted(set: Set<string> | undefined): string[] {
  return set === undefined ? [] : [...set].sort();
}
