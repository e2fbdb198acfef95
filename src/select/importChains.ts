import type { ImportGraph } from './graph/importGraph.ts';
import type { ImportKind } from './types.ts';

/** What selection needs of the import graph. */
export type ImporterLookup = Pick<ImportGraph, 'importersOf' | 'importKind'>;

/** How a file reaches a changed file: the files between them, and whether only types connect them. */
export interface ImportChain {
  /** The files strictly between the importing file and the changed file, importer side first. */
  via: string[];
  /** Some link of the chain is a type-only import: at run time the file does not load the changed one. */
  typeOnly: boolean;
}

/**
 * The files that import one changed file through some chain, and the chain each is reached by.
 * A runtime chain (no type-only link) is preferred over a shorter one through a type-only import;
 * a file reached only through type-only imports counts only for a test that typechecks.
 */
export class ImporterChains {
  readonly changed: string;
  private readonly graph: ImporterLookup;
  /** Every importer (any kind of link) → the file it imports on a shortest path back. */
  private readonly any: Map<string, string | undefined>;
  /** The same over runtime links only; the same map when the graph has no type-only link here. */
  private runtimeOnly: Map<string, string | undefined> | undefined;

  constructor(changed: string, graph: ImporterLookup) {
    this.changed = changed;
    this.graph = graph;
    const { towards, sawTypeOnly } = importerTree(changed, graph, false);
    this.any = towards;
    if (!sawTypeOnly) this.runtimeOnly = towards;
  }

  /** Every file that imports the changed file through some chain (not the changed file), nearest first. */
  importers(): string[] {
    return [...this.any.keys()].filter((file) => file !== this.changed);
  }

  /** How `file` reaches the changed file, for a test that typechecks or not; undefined: it does not. */
  chainOf(file: string, typechecks: boolean): ImportChain | undefined {
    if (file === this.changed || !this.any.has(file)) return undefined;
    this.runtimeOnly ??= importerTree(this.changed, this.graph, true).towards;
    if (this.runtimeOnly.has(file)) return { via: between(file, this.changed, this.runtimeOnly), typeOnly: false };
    return typechecks ? { via: between(file, this.changed, this.any), typeOnly: true } : undefined;
  }

  /** The kind of each link of a chain from `file` through `via` to the changed file. */
  linkKinds(file: string, via: string[]): ImportKind[] {
    const path = [file, ...via, this.changed];
    return path.slice(1).map((imported, k) => this.graph.importKind(path[k] as string, imported) ?? 'runtime');
  }
}

/** The reason a test gives for running because `file`'s chain reaches `changed`. */
export function importsReason(changed: string, chain: ImportChain): string {
  const base = chain.via.length === 0 ? `imports ${changed}` : `imports ${changed} via ${chain.via.join(' -> ')}`;
  return chain.typeOnly ? `${base} (type-only)` : base;
}

/**
 * Breadth-first over importers from `changed`: each reached file → the file it imports on a
 * shortest path back to `changed`. Insertion order is distance order.
 */
function importerTree(changed: string, graph: ImporterLookup, runtimeOnly: boolean): { towards: Map<string, string | undefined>; sawTypeOnly: boolean } {
  const towards = new Map<string, string | undefined>([[changed, undefined]]);
  const queue = [changed];
  let sawTypeOnly = false;
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i] as string;
    for (const importer of graph.importersOf(file)) {
      if (towards.has(importer)) continue;
      if (graph.importKind(importer, file) === 'type-only') {
        sawTypeOnly = true;
        if (runtimeOnly) continue;
      }
      towards.set(importer, file);
      queue.push(importer);
    }
  }
  return { towards, sawTypeOnly };
}

/** The files strictly between `file` and `changed` on the recorded shortest path. */
function between(file: string, changed: string, towards: Map<string, string | undefined>): string[] {
  const chain: string[] = [];
  for (let next = towards.get(file); next !== undefined && next !== changed; next = towards.get(next)) chain.push(next);
  return chain;
}
