import { logger } from '../log.ts';

const log = logger('pool');

/** What the health checker needs from the pool: the idle machines and a way to replace one. */
export interface HealthTarget {
  idle(): Array<{ name: string; ping: (timeoutMs: number) => Promise<boolean> }>;
  replace(name: string, why: string): void;
}

/**
 * Every `intervalMs`, pings each idle machine (e.g. `ssh true` through its connection); one that
 * does not answer within `timeoutMs` twice in a row is replaced, so a test never gets a dead VM.
 */
export class HealthChecker {
  readonly #target: HealthTarget;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #misses = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> = Promise.resolve();

  constructor(target: HealthTarget, options: { intervalMs: number; timeoutMs?: number }) {
    this.#target = target;
    this.#intervalMs = options.intervalMs;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  start(): void {
    if (this.#intervalMs <= 0 || this.#timer) return;
    this.#timer = setInterval(() => {
      this.#round = this.#round.then(() => this.check());
    }, this.#intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#round;
  }

  /** One round over the idle machines (also called directly by tests). */
  async check(): Promise<void> {
    await Promise.all(
      this.#target.idle().map(async (vm) => {
        const ok = await vm.ping(this.#timeoutMs).catch(() => false);
        if (ok) {
          this.#misses.delete(vm.name);
          return;
        }
        const misses = (this.#misses.get(vm.name) ?? 0) + 1;
        this.#misses.set(vm.name, misses);
        log.warn({ vm: vm.name, misses }, `${vm.name} did not answer a health check`);
        if (misses >= 2) {
          this.#misses.delete(vm.name);
          this.#target.replace(vm.name, `did not answer ${misses} health checks in a row`);
        }
      }),
    );
  }
}
