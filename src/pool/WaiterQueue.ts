/**
 * Callers of `acquire` waiting for a machine, served first come, first served. A waiter whose
 * AbortSignal fires leaves the queue (its listener removed), so nothing leaks.
 */
export class WaiterQueue<T> {
  readonly #waiters: Array<{ resolve: (value: T) => void; reject: (err: unknown) => void; cleanup: () => void }> = [];

  get length(): number {
    return this.#waiters.length;
  }

  wait(signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(signal!.reason);
      };
      const waiter = { resolve, reject, cleanup: () => signal?.removeEventListener('abort', onAbort) };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Give `value` to the longest waiter; false when nobody waits. */
  serve(value: T): boolean {
    const waiter = this.#waiters.shift();
    if (!waiter) return false;
    waiter.cleanup();
    waiter.resolve(value);
    return true;
  }

  rejectAll(err: unknown): void {
    for (const waiter of this.#waiters.splice(0)) {
      waiter.cleanup();
      waiter.reject(err);
    }
  }
}
