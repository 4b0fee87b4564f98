import type { Store } from "../../src/core/store.ts";

/**
 * Short-lived cache of connector reads in the Store, so a repeated question (or a digest and a
 * question a minute apart) does not re-call the API. Writes bump a generation number, which
 * makes every earlier cached read of that system miss at once (the Store has no prefix delete).
 */
export class ReadCache {
  readonly #store: Store;
  readonly #prefix: string;
  readonly #ttlMs: number;

  constructor(store: Store, options: { system: string; ttlMs?: number }) {
    this.#store = store;
    this.#prefix = `cache:${options.system}`;
    this.#ttlMs = options.ttlMs ?? 60_000;
  }

  async #generation(): Promise<string> {
    return (await this.#store.get(`${this.#prefix}:gen`)) ?? "0";
  }

  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const fullKey = `${this.#prefix}:${await this.#generation()}:${key}`;
    const hit = await this.#store.get(fullKey);
    if (hit !== undefined) return JSON.parse(hit) as T;
    const value = await load();
    await this.#store.set(fullKey, JSON.stringify(value), { ttlMs: this.#ttlMs });
    return value;
  }

  /** Call after every successful write to this system. */
  async invalidate(): Promise<void> {
    await this.#store.increment(`${this.#prefix}:gen`);
  }
}
