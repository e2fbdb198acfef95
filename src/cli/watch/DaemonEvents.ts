import type { ApiEvent } from '../../api/types.ts';

/** Listeners of the daemon's events (the API's event stream). */
export class DaemonEvents {
  readonly #listeners = new Set<(event: ApiEvent) => void>();

  emit(type: ApiEvent['type'], data: unknown): void {
    for (const listener of this.#listeners) listener({ type, data });
  }

  /** Someone listens (the dashboard is open): worth following live output for. */
  get listening(): boolean {
    return this.#listeners.size > 0;
  }

  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
