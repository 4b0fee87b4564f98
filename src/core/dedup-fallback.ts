import { LRUCache } from "lru-cache";
import { type Clock, systemClock } from "./clock.ts";
import { toDaybookError } from "./errors.ts";
import type { Store } from "./store.ts";

export interface DedupMark {
  /** True for the first delivery of a key this process or the store has seen. */
  first: boolean;
  /** The store could not be asked; the answer comes from this process's memory alone. */
  degraded: boolean;
}

export interface FallbackDedupOptions {
  store: Store;
  /** Called when the store fails and the in-process memory answers instead (log it). */
  onStoreError?: (key: string, error: unknown) => void;
  /**
   * Keys remembered in this process. Slack and Teams deliveries are small and retried within
   * minutes, so 10,000 covers an outage at ~15 events a second across a 10-minute TTL.
   */
  maxEntries?: number;
  /** Time source of the in-process TTLs (a test's fixed clock). */
  clock?: Clock;
}

/**
 * "Seen this delivery before?" answered by the Store's atomic SET NX while it is reachable, and
 * by an in-process TTL set (bounded LRU) while it is not. Keys marked during an outage stay in
 * the local set for their TTL and it is asked first, so a retry of such a key is dropped in this
 * process both during the outage and after the store is back (the store never saw the key).
 *
 * Limitations, accepted to stay simple: the local set is per process, so during an outage a
 * retry that lands on another replica is handled again there; and a key marked in the store
 * just before it went down is not known locally, so its retry during the outage is handled
 * again. Both cost at most one extra reply per replica, not one per retry. Local marks are not
 * copied to the store when it returns.
 */
export class FallbackDedup {
  readonly #store: Store;
  readonly #onStoreError: ((key: string, error: unknown) => void) | undefined;
  readonly #seen: LRUCache<string, true>;

  constructor(options: FallbackDedupOptions) {
    this.#store = options.store;
    this.#onStoreError = options.onStoreError;
    const clock = options.clock ?? systemClock;
    this.#seen = new LRUCache<string, true>({ max: options.maxEntries ?? 10_000, perf: { now: () => clock.now() } });
  }

  /** Marks `key` for `ttlMs`; `first` is true for one delivery (across replicas while the store answers). */
  async markOnce(key: string, ttlMs: number): Promise<DedupMark> {
    if (this.#seen.has(key)) return { first: false, degraded: false };
    let first: boolean;
    let degraded = false;
    try {
      first = await this.#store.setIfAbsent(key, "1", { ttlMs });
    } catch (error) {
      this.#onStoreError?.(key, toDaybookError(error, "store_unavailable"));
      degraded = true;
      // A concurrent copy may have failed over first while this one waited for the store.
      first = !this.#seen.has(key);
      if (first) this.#seen.set(key, true, { ttl: ttlMs });
    }
    return { first, degraded };
  }
}
