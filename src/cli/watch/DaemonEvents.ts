import type { ApiEvent } from '../../api/types.ts';

type Listener = (event: ApiEvent) => void;

/** Listeners of the daemon's events (the API's event stream); `output` events go only to those that asked. */
export class DaemonEvents {
  readonly #listeners = new Map<Listener, { output: boolean }>();

  emit(type: ApiEvent['type'], data: unknown): void {
    for (const [listener, wants] of this.#listeners) if (type !== 'output' || wants.output) listener({ type, data });
  }

  /** Someone wants output events: worth following live logs for. */
  get listening(): boolean {
    return [...this.#listeners.values()].some((w) => w.output);
  }

  subscribe(listener: Listener, options: { output?: boolean } = {}): () => void {
    this.#listeners.set(listener, { output: options.output === true });
    return () => this.#listeners.delete(listener);
  }
}
