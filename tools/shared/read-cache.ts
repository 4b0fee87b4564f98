import { isDaybookError } from "../../src/core/errors.ts";
import type { Store } from "../../src/core/store.ts";

interface Local {
  value: unknown;
  expiresAt: number;
}

export interface ReadCacheOptions {
  system: string;
  ttlMs?: number;
  /** Parsed values kept in this process (least recently used dropped first). */
  maxLocalEntries?: number;
  now?: () => number;
}

/**
 * Short-lived cache of connector reads, so a repeated question (or a digest and a question a
 * minute apart) does not re-call the API. Two layers: parsed values in this process (a month of
 * bank lines is seconds of JSON.parse), and the Store copy that other replicas share. Writes bump
 * a generation number, which makes every earlier cached read of that system miss at once on
 * every replica (the Store has no prefix delete); the generation is one small read per hit.
 *
 * Values handed out are shared between callers: treat them as read-only.
 */
export class ReadCache {
  readonly #store: Store;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #maxLocal: number;
  readonly #now: () => number;
  /** Map order is recency order: a hit re-inserts, the first key is the least recently used. */
  readonly #local = new Map<string, Local>();
  /** Loads in progress, so concurrent readers of one key share one upstream read. */
  readonly #loading = new Map<string, Promise<unknown>>();

  constructor(store: Store, options: ReadCacheOptions) {
    this.#store = store;
    this.#prefix = `cache:${options.system}`;
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#maxLocal = options.maxLocalEntries ?? 32;
    this.#now = options.now ?? Date.now;
  }

  async #generation(): Promise<string> {
    return (await this.#store.get(`${this.#prefix}:gen`)) ?? "0";
  }

  #remember(fullKey: string, value: unknown): void {
    this.#local.delete(fullKey);
    this.#local.set(fullKey, { value, expiresAt: this.#now() + this.#ttlMs });
    while (this.#local.size > this.#maxLocal) {
      const oldest = this.#local.keys().next().value;
      if (oldest === undefined) break;
      this.#local.delete(oldest);
    }
  }

  #recall(fullKey: string): { value: unknown } | undefined {
    const entry = this.#local.get(fullKey);
    if (!entry) return undefined;
    this.#local.delete(fullKey);
    if (entry.expiresAt <= this.#now()) return undefined;
    this.#local.set(fullKey, entry);
    return { value: entry.value };
  }

  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    let generation: string;
    try {
      generation = await this.#generation();
    } catch (error) {
      // The store is down: a cache must never turn a readable system into a failed answer.
      // Nothing is cached meanwhile (a write elsewhere could not invalidate it).
      if (isStoreOutage(error)) return load();
      throw error;
    }
    const fullKey = `${this.#prefix}:${generation}:${key}`;
    const local = this.#recall(fullKey);
    if (local) return local.value as T;
    const pending = this.#loading.get(fullKey);
    if (pending) return pending as Promise<T>;
    const loading = (async () => {
      const hit = await this.#store.get(fullKey).catch((error: unknown) => {
        if (isStoreOutage(error)) return undefined;
        throw error;
      });
      if (hit !== undefined) {
        const parsed = JSON.parse(hit) as T;
        this.#remember(fullKey, parsed);
        return parsed;
      }
      const value = await load();
      await this.#store.set(fullKey, JSON.stringify(value), { ttlMs: this.#ttlMs }).catch((error: unknown) => {
        if (!isStoreOutage(error)) throw error;
      });
      this.#remember(fullKey, value);
      return value;
    })().finally(() => this.#loading.delete(fullKey));
    this.#loading.set(fullKey, loading);
    return loading;
  }

  /** Call after every successful write to this system. */
  async invalidate(): Promise<void> {
    this.#local.clear();
    await this.#store.increment(`${this.#prefix}:gen`);
  }
}

function isStoreOutage(error: unknown): boolean {
  return isDaybookError(error) && error.code === "store_unavailable";
}
