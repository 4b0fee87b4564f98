/** Tracks work that outlives its HTTP response (ack first), so shutdown can wait for it. */
export class InFlight {
  readonly #pending = new Set<Promise<unknown>>();

  track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(settled);
    void settled.finally(() => this.#pending.delete(settled));
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Resolves when all tracked work has settled, or after `timeoutMs`; true if drained. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const drained = (async () => {
      while (this.#pending.size > 0) await Promise.all([...this.#pending]);
      return true as const;
    })();
    const result = await Promise.race([drained, timeout]);
    clearTimeout(timer);
    return result;
  }
}
