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
 * Files reached through runtime imports are found first (breadth-first, so by a shortest runtime
 * chain); then the files only type-only imports reach, from those. A runtime chain is thus named
 * over a shorter one through a type-only import, and a file reached only through a type-only
 * import counts only for a test that typechecks. One pass over the importers either way.
 */
export class ImporterChains {
  readonly changed: string;
  private readonly graph: ImporterLookup;
  /** Every file reached → the file it imports on its chain back to `changed`. */
  private readonly towards = new Map<string, string | undefined>();
  /** The reached files whose every chain has a type-only link. */
  private readonly typeOnly = new Set<string>();

  constructor(changed: string, graph: ImporterLookup) {
    this.changed = changed;
    this.graph = graph;
    const towards = this.towards.set(changed, undefined);
    const queue = [changed];
    const typeLinks: Array<[string, string]> = [];
    let i = 0;
    for (; i < queue.length; i++) {
      const file = queue[i] as string;
      for (const importer of graph.importersOf(file)) {
        if (towards.has(importer)) continue;
        if (graph.importKind(importer, file) === 'type-only') {
          typeLinks.push([importer, file]);
          continue;
        }
        towards.set(importer, file);
        queue.push(importer);
      }
    }
    for (const [importer, imported] of typeLinks) {
      if (towards.has(importer)) continue;
      towards.set(importer, imported);
      queue.push(importer);
    }
    for (; i < queue.length; i++) {
      const file = queue[i] as string;
      this.typeOnly.add(file);
      for (const importer of graph.importersOf(file)) {
        if (towards.has(importer)) continue;
        towards.set(importer, file);
        queue.push(importer);
      }
    }
  }

  /** Every file that imports the changed file through some chain (not the changed file): runtime-reached first. */
  importers(): string[] {
    return [...this.towards.keys()].slice(1);
  }

  /** How `file` reaches the changed file, for a test that typechecks or not; undefined: it does not. */
  chainOf(file: string, typechecks: boolean): ImportChain | undefined {
    if (file === this.changed || !this.towards.has(file)) return undefined;
    const typeOnly = this.typeOnly.has(file);
    return typeOnly && !typechecks ? undefined : { via: between(file, this.changed, this.towards), typeOnly };
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

/** The files strictly between `file` and `changed` on its recorded chain. */
function between(file: string, changed: string, towards: Map<string, string | undefined>): string[] {
  const chain: string[] = [];
  for (let next = towards.get(file); next !== undefined && next !== changed; next = towards.get(next)) chain.push(next);
  return chain;
}
