import { PoolError } from '../errors.ts';
import { logger } from '../log.ts';
import { portMap } from '../transport/portMap.ts';
import type { Endpoint } from '../transport/types.ts';
import { isPoolMachine, machineName, machinePrefix } from './machineNames.ts';
import { PoolLock } from './poolLock.ts';
import { moveSlot } from './slotTransitions.ts';
import { HealthChecker } from './healthCheck.ts';
import { allFailed, failureReasons, outOfServiceError } from './outOfService.ts';
import type { Slot, SlotState, SlotStatus, VMPoolOptions } from './types.ts';
import type { VM } from './VM.ts';
import { bringUp } from './bringUp.ts';
import { WaiterQueue } from './WaiterQueue.ts';
import { saveWarm, takeWarm } from './warmMachines.ts';
import { slotStatus } from './slotStatus.ts';

const log = logger('pool');

/**
 * The pool: a warm set of machines. `acquire` hands out a ready one or waits in FIFO
 * order; `release` returns at once and reverts in the background. Provider-agnostic.
 */
export class VMPool {
  readonly #opts: Required<Omit<VMPoolOptions, 'onChange' | 'prepare'>> & Pick<VMPoolOptions, 'onChange' | 'prepare'>;
  #warm = new Set<string>();
  readonly #removing = new Map<string, Promise<void>>();
  readonly #slots = new Map<number, Slot>();
  readonly #waiters = new WaiterQueue<VM>();
  /** Aborted by destroy: stops boots, readiness waits and sync-ahead in flight. */
  readonly #life = new AbortController();
  readonly #health: HealthChecker;
  readonly #jobs = new Set<Promise<void>>();
  readonly #lock: PoolLock;
  #target: number;
  #destroyed: Promise<void> | undefined;

  constructor(options: VMPoolOptions) {
    this.#opts = { attempts: 3, backoffMs: 200, ports: [], healthCheckMs: 0, keepWarm: false, warmKey: '', ...options };
    this.#target = options.size;
    this.#lock = new PoolLock(options.pool);
    this.#health = new HealthChecker(
      {
        idle: () =>
          [...this.#slots.values()]
            .filter((s) => s.state === 'ready' && s.vm && s.vm.transport.ping)
            .map((s) => ({ name: s.name, ping: (ms: number) => s.vm!.transport.ping!(ms) })),
        replace: (name, why) => this.#replace(name, why),
      },
      { intervalMs: this.#opts.healthCheckMs, timeoutMs: Math.min(5_000, Math.max(500, this.#opts.healthCheckMs)) },
    );
  }

  get size(): number {
    return this.#target;
  }

  /** Take the pool lock, reap a crashed run's machines, and start `size` machines. */
  async init(): Promise<void> {
    const { staleFromPid } = this.#lock.acquire();
    const found = await this.#poolMachines();
    if (this.#destroyed) return;
    if (this.#opts.keepWarm && this.#opts.provider.adoptVM) this.#warm = new Set(takeWarm(this.#opts.pool, this.#opts.warmKey));
    const orphans = found.filter((n) => !this.#warm.has(n));
    if (this.#warm.size > 0) log.info({ machines: [...this.#warm] }, 'adopting machines kept warm by the last run');
    if (orphans.length > 0) {
      log.info({ orphans, crashedPid: staleFromPid }, 'reaping machines left by an earlier run');
      await Promise.all(orphans.map((n) => this.#opts.provider.destroyVM(n)));
    }
    // Destroyed meanwhile (a stop during start-up): start nothing more; destroy removes what exists.
    if (this.#destroyed) return;
    await Promise.all(Array.from({ length: this.#target }, (_, i) => this.#addSlot(i + 1)));
    if (this.#destroyed) return;
    if (allFailed(this.#slots.values())) {
      const why = failureReasons(this.#slots.values());
      await this.destroy();
      throw new PoolError(`no machine of the pool could start: ${why}`);
    }
    this.#health.start();
  }

  /** An idle machine that stopped answering: rebuilt from the snapshot (counts as a failure). */
  #replace(name: string, why: string): void {
    const slot = [...this.#slots.values()].find((s) => s.name === name);
    if (slot?.state !== 'ready' || this.#destroyed) return;
    log.warn({ vm: name }, `${name} ${why}: replacing it`);
    slot.metrics.failures++;
    this.#setState(slot, 'cleaning');
    void this.#track(
      this.#withRetries(slot, 'boot', async () => {
        await this.#beforeRevert(slot.vm);
        await slot.vm?.transport.close();
        return this.#boot(slot);
      }),
    );
  }

  async #addSlot(index: number): Promise<void> {
    const slot: Slot = {
      index,
      name: machineName(this.#opts.pool, index),
      state: 'starting',
      metrics: { boots: 0, reverts: 0, failures: 0, busyMs: 0 },
      retire: false,
    };
    this.#slots.set(index, slot);
    this.#changed();
    await this.#track(this.#withRetries(slot, 'boot', () => this.#boot(slot)));
  }

  /** A machine for the slot: a kept-warm one adopted as it is, else created (replacing any of that name) and started. */
  async #boot(slot: Slot): Promise<Endpoint> {
    // Shrunk and grown again: the old machine of this name must be gone before the new one is made.
    await this.#removing.get(slot.name)?.catch(() => {});
    if (this.#warm.delete(slot.name)) {
      const adopted = await this.#opts.provider.adoptVM!(slot.name, this.#life.signal).catch(() => null);
      if (adopted) return adopted;
    }
    await this.#opts.provider.createVM(slot.name, this.#life.signal);
    const endpoint = await this.#opts.provider.startVM(slot.name, this.#life.signal);
    slot.metrics.boots++;
    return endpoint;
  }

  #withRetries(slot: Slot, what: 'boot' | 'revert', step: () => Promise<Endpoint>): Promise<void> {
    return bringUp(slot, what, step, {
      connect: this.#opts.connect,
      prepare: this.#opts.prepare,
      attempts: this.#opts.attempts,
      backoffMs: this.#opts.backoffMs,
      signal: this.#life.signal,
      destroyed: () => this.#destroyed !== undefined,
      ready: (s) => this.#becomeReady(s),
      outOfService: (s) => {
        this.#setState(s, 'failed');
        if (allFailed(this.#slots.values())) this.#waiters.rejectAll(outOfServiceError(this.#slots.values()));
      },
      changed: () => this.#changed(),
    });
  }

  #becomeReady(slot: Slot): void {
    if (slot.retire) {
      this.#removeSlot(slot);
      return;
    }
    this.#setState(slot, 'ready');
    if (this.#waiters.length > 0) this.#waiters.serve(this.#lease(slot));
  }

  #lease(slot: Slot): VM {
    slot.leasedAt = Date.now();
    const vm = slot.vm!;
    vm.leaseController = new AbortController();
    this.#setState(slot, 'running');
    return vm;
  }

  /** A ready machine now, or the next one to become ready (FIFO). */
  acquire(signal?: AbortSignal): Promise<VM> {
    if (this.#destroyed) return Promise.reject(new PoolError('the pool has been destroyed'));
    signal?.throwIfAborted();
    // A machine whose runner is loaded (or loading) first: it starts the test sooner.
    const rank = (s: { vm?: VM | null }): number => (s.vm?.readiness === 'warm' ? 0 : s.vm?.readiness === 'warming' ? 1 : 2);
    const ready = [...this.#slots.values()].filter((s) => s.state === 'ready').sort((a, b) => rank(a) - rank(b) || a.index - b.index)[0];
    const leased =
      ready && this.#waiters.length === 0
        ? Promise.resolve(this.#lease(ready))
        : allFailed(this.#slots.values())
          ? Promise.reject(outOfServiceError(this.#slots.values()))
          : this.#waiters.wait(signal);
    return this.#opts.ports.length === 0 ? leased : leased.then((vm) => this.#forward(vm));
  }

  /** Open the leased machine's port forwards; when a host port is taken, give the machine back and say which. */
  async #forward(vm: VM): Promise<VM> {
    try {
      const pairs = portMap(vm.index, this.#opts.ports);
      await vm.transport.forwardPorts?.(pairs);
      return vm;
    } catch (err) {
      await this.release(vm);
      throw err;
    }
  }

  /** Returns at once; the machine reverts in the background and comes back ready. */
  async release(vm: VM): Promise<void> {
    const slot = this.#slots.get(vm.index);
    if (!slot || slot.vm !== vm || slot.state !== 'running') return;
    vm.leaseController.abort();
    slot.metrics.busyMs += Date.now() - (slot.leasedAt ?? Date.now());
    this.#setState(slot, 'cleaning');
    if (this.#destroyed) return;
    if (slot.retire) {
      this.#removeSlot(slot);
      return;
    }
    void this.#track(
      this.#withRetries(slot, 'revert', async () => {
        const started = Date.now();
        await this.#beforeRevert(vm);
        if (this.#opts.ports.length > 0)
          await vm.transport.closeForwards?.().catch((err: unknown) => log.debug({ vm: vm.name, err }, 'closing port forwards failed'));
        const endpoint = await this.#opts.provider.revertToSnapshot(slot.name, this.#life.signal);
        slot.metrics.reverts++;
        log.debug({ vm: slot.name, revertMs: Date.now() - started }, 'reverted');
        return endpoint;
      }),
    );
  }

  /**
   * Idle machines that `stale` picks go through a lease's end now (revert, prepare, ready again), as
   * if a test had used them: whatever was prepared in them ahead is made again. Their names.
   */
  recycleIdle(stale: (vm: VM) => boolean): string[] {
    if (this.#destroyed) return [];
    const idle = [...this.#slots.values()].filter((s) => s.state === 'ready' && s.vm && !s.retire && stale(s.vm));
    for (const slot of idle) void this.release(this.#lease(slot));
    return idle.map((s) => s.name);
  }

  /** Grow now; shrink idle machines now and busy ones when their lease ends (a running test is never killed). */
  async resize(size: number): Promise<void> {
    if (!Number.isInteger(size) || size < 1) throw new PoolError(`pool size must be a whole number ≥ 1 (got ${size})`);
    this.#target = size;
    const adds: Promise<void>[] = [];
    for (let i = 1; i <= size; i++) {
      const slot = this.#slots.get(i);
      if (!slot) adds.push(this.#addSlot(i));
      else slot.retire = false;
    }
    for (const slot of this.#slots.values()) {
      if (slot.index <= size) continue;
      slot.retire = true;
      if (slot.state === 'ready' || slot.state === 'failed') this.#removeSlot(slot);
    }
    await Promise.all(adds);
  }

  #removeSlot(slot: Slot): void {
    this.#slots.delete(slot.index);
    this.#changed();
    const removal = this.#track(
      (async () => {
        await this.#beforeRevert(slot.vm);
        await slot.vm?.transport.close();
        await this.#opts.provider.destroyVM(slot.name);
      })(),
    ).finally(() => this.#removing.delete(slot.name));
    this.#removing.set(slot.name, removal);
  }

  /** Destroy every machine and give up the pool. Safe to call twice and while work is in flight. */
  destroy(): Promise<void> {
    this.#destroyed ??= (async () => {
      this.#waiters.rejectAll(new PoolError('the pool has been destroyed'));
      this.#life.abort(new PoolError('the pool has been destroyed'));
      await this.#health.stop();
      for (const slot of this.#slots.values()) slot.vm?.leaseController.abort();
      await Promise.allSettled([...this.#jobs]);
      await Promise.all([...this.#slots.values()].map((s) => this.#beforeRevert(s.vm)));
      // keepWarm: ready machines stay as they are (clean) for the next start; the rest go.
      const keep =
        this.#opts.keepWarm && this.#opts.provider.adoptVM
          ? [...this.#slots.values()].filter((s) => s.state === 'ready').map((s) => s.name)
          : [];
      if (keep.length > 0) saveWarm(this.#opts.pool, this.#opts.warmKey, keep);
      const names = new Set([...this.#slots.values()].map((s) => s.name).filter((n) => !keep.includes(n)));
      for (const n of this.#warm) names.add(n);
      for (const n of await this.#poolMachines()) if (!keep.includes(n)) names.add(n);
      await Promise.allSettled([...this.#slots.values()].map((s) => s.vm?.transport.close()));
      await Promise.allSettled([...names].map((n) => this.#opts.provider.destroyVM(n)));
      this.#slots.clear();
      this.#lock.release();
      this.#changed();
    })();
    return this.#destroyed;
  }

  /** The machine's own end-of-period hooks (VM.beforeRevert): awaited, a failure only logged. */
  async #beforeRevert(vm: VM | undefined): Promise<void> {
    await vm?.runBeforeRevert().catch((err: unknown) => log.warn({ vm: vm.name, err }, 'a before-revert hook failed'));
  }

  /** This pool's machines as the provider has them (live ones and a crashed run's leftovers). */
  async #poolMachines(): Promise<string[]> {
    return (await this.#opts.provider.listVMs(machinePrefix(this.#opts.pool))).filter((n) => isPoolMachine(this.#opts.pool, n));
  }

  status(): SlotStatus[] {
    return [...this.#slots.values()].sort((a, b) => a.index - b.index).map(slotStatus);
  }

  #track(job: Promise<void>): Promise<void> {
    this.#jobs.add(job);
    return job.finally(() => this.#jobs.delete(job));
  }

  /** The one place a slot changes state; anything but these moves is a bug in the pool. */
  #setState(slot: Slot, next: SlotState): void {
    moveSlot(slot, next);
    this.#changed();
  }

  #changed(): void {
    this.#opts.onChange?.();
  }
}
