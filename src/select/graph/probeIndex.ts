/**
 * Which paths each file's import resolution looked at, and the reverse: who looked at a path.
 * Resolution depends only on which files exist, so when a path appears or goes away, only the
 * files that probed it can resolve differently.
 */
export class ProbeIndex {
  readonly #probesOf = new Map<string, Set<string>>();
  readonly #probers = new Map<string, Set<string>>();

  /** Replaces what `file` probed. */
  set(file: string, probes: Set<string>): void {
    for (const probe of this.#probesOf.get(file) ?? []) {
      const set = this.#probers.get(probe);
      set?.delete(file);
      if (set?.size === 0) this.#probers.delete(probe);
    }
    if (probes.size === 0) {
      this.#probesOf.delete(file);
      return;
    }
    this.#probesOf.set(file, probes);
    for (const probe of probes) {
      let set = this.#probers.get(probe);
      if (set === undefined) this.#probers.set(probe, (set = new Set()));
      set.add(file);
    }
  }

  /** The files whose resolution looked at `path` (a copy, safe to relink while iterating). */
  probersOf(path: string): string[] {
    return [...(this.#probers.get(path) ?? [])];
  }
}
