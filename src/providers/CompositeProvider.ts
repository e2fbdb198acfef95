import { PoolError } from '../errors.ts';
import type { Provider } from './types.ts';
import type { Endpoint } from '../transport/types.ts';

export interface ProviderPart {
  provider: Provider;
  /** How many of the pool's slots it serves. */
  size: number;
}

/**
 * A hybrid pool's provider: several providers, each owning a range of slot indexes in order
 * (e.g. Tart for slots 1–2, Orchard for 3–6). Machines keep the pool's names (vmwatch-<pool>-<n>),
 * so VMPool needs no change, and its lowest-index-first acquire prefers the first provider's
 * machines (the local ones, whose sync is cheapest). Slots past the last range (a resize) and the
 * snapshot builder go to the last and the first provider.
 */
export class CompositeProvider implements Provider {
  readonly kind = 'hybrid' as const;
  readonly parts: readonly ProviderPart[];

  constructor(parts: ProviderPart[]) {
    if (parts.length === 0) throw new PoolError('a hybrid pool needs at least one provider');
    this.parts = parts;
  }

  /** The provider serving machine `name` (by its slot number). */
  ownerOf(name: string): Provider {
    const index = Number(/-(\d+)$/.exec(name)?.[1] ?? Number.NaN);
    if (Number.isNaN(index)) return this.parts[0]!.provider;
    let end = 0;
    for (const part of this.parts) {
      end += part.size;
      if (index <= end) return part.provider;
    }
    return this.parts.at(-1)!.provider;
  }

  async check(): Promise<void> {
    for (const part of this.parts) await part.provider.check();
  }

  createVM(name: string, signal?: AbortSignal): Promise<void> {
    return this.ownerOf(name).createVM(name, signal);
  }

  startVM(name: string, signal?: AbortSignal): Promise<Endpoint> {
    return this.ownerOf(name).startVM(name, signal);
  }

  stopVM(name: string): Promise<void> {
    return this.ownerOf(name).stopVM(name);
  }

  revertToSnapshot(name: string, signal?: AbortSignal): Promise<Endpoint> {
    return this.ownerOf(name).revertToSnapshot(name, signal);
  }

  /** Wherever it exists: an orphan of an earlier, differently split pool may live with another provider. */
  async destroyVM(name: string): Promise<void> {
    const owner = this.ownerOf(name);
    await owner.destroyVM(name);
    for (const part of this.parts) {
      if (part.provider !== owner && (await part.provider.listVMs(name)).includes(name)) await part.provider.destroyVM(name);
    }
  }

  createBuilder(name: string, from: 'base' | 'snapshot', signal?: AbortSignal): Promise<Endpoint> {
    return this.parts[0]!.provider.createBuilder(name, from, signal);
  }

  commitSnapshot(name: string, signal?: AbortSignal): Promise<void> {
    return this.parts[0]!.provider.commitSnapshot(name, signal);
  }

  async listVMs(prefix: string): Promise<string[]> {
    const lists = await Promise.all(this.parts.map((p) => p.provider.listVMs(prefix)));
    return [...new Set(lists.flat())];
  }
}
