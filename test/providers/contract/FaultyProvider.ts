import { MachineError } from '../../../src/errors.ts';
import type { Provider } from '../../../src/providers/types.ts';
import type { Endpoint } from '../../../src/transport/types.ts';

/**
 * A real provider with failures injected on demand (fault injection, not a mock): every call goes
 * to the provider; `failReverts` / `failBoots` make the next N reverts / boots throw first, and
 * `failEveryBoot` makes every boot throw while it is set.
 */
export class FaultyProvider implements Provider {
  readonly kind: Provider['kind'];
  readonly adoptVM?: Provider['adoptVM'];
  failReverts = 0;
  failBoots = 0;
  failEveryBoot: string | null = null;
  readonly #inner: Provider;

  constructor(inner: Provider) {
    this.#inner = inner;
    this.kind = inner.kind;
    if (inner.adoptVM) this.adoptVM = (name, signal) => inner.adoptVM!(name, signal);
  }

  check(): Promise<void> {
    return this.#inner.check();
  }

  createVM(name: string, signal?: AbortSignal): Promise<void> {
    return this.#inner.createVM(name, signal);
  }

  async startVM(name: string, signal?: AbortSignal): Promise<Endpoint> {
    if (this.failEveryBoot !== null) throw new MachineError(this.failEveryBoot);
    if (this.failBoots > 0) {
      this.failBoots--;
      throw new MachineError(`injected boot failure of ${name}`);
    }
    return this.#inner.startVM(name, signal);
  }

  stopVM(name: string): Promise<void> {
    return this.#inner.stopVM(name);
  }

  async revertToSnapshot(name: string, signal?: AbortSignal): Promise<Endpoint> {
    if (this.failReverts > 0) {
      this.failReverts--;
      throw new MachineError(`injected revert failure of ${name}`);
    }
    return this.#inner.revertToSnapshot(name, signal);
  }

  destroyVM(name: string): Promise<void> {
    return this.#inner.destroyVM(name);
  }

  createBuilder(name: string, from: 'base' | 'snapshot', signal?: AbortSignal): Promise<Endpoint> {
    return this.#inner.createBuilder(name, from, signal);
  }

  commitSnapshot(name: string, signal?: AbortSignal): Promise<void> {
    return this.#inner.commitSnapshot(name, signal);
  }

  listVMs(prefix: string): Promise<string[]> {
    return this.#inner.listVMs(prefix);
  }
}
