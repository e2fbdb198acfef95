import type { ImportGraph } from '../../select/graph/importGraph.ts';
import { persistGraph } from '../../select/graph/openGraph.ts';

/** The graph is saved to `.vmwatch/graph.json` this long after the last change it took. */
const GRAPH_SAVE_DELAY_MS = 3000;

/**
 * Saves the import graph a while after the last change it took (so a restart is warm), one save
 * at a time; `flush` saves at once what is pending and waits for every save.
 */
export class GraphSaver {
  readonly #graph: ImportGraph;
  readonly #onWarning: (message: string) => void;
  readonly #delayMs: number;
  #timer: NodeJS.Timeout | undefined;
  #saving: Promise<void> = Promise.resolve();

  constructor(graph: ImportGraph, onWarning: (message: string) => void, delayMs = GRAPH_SAVE_DELAY_MS) {
    this.#graph = graph;
    this.#onWarning = onWarning;
    this.#delayMs = delayMs;
  }

  /** (Re)starts the delay: the save happens `delayMs` after the last call. */
  schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#save();
    }, this.#delayMs);
    this.#timer.unref();
  }

  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#save();
    }
    await this.#saving;
  }

  #save(): void {
    this.#saving = this.#saving.then(() => persistGraph(this.#graph, this.#onWarning));
  }
}
