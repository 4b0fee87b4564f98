/**
 * The one state interface (ARCHITECTURE.md, decision 6). MemoryStore and RedisStore both pass
 * test/store-contract.ts. Values are strings; use the JSON helpers below for records.
 */
export interface SetOptions {
  /** Time to live in milliseconds; omitted = no expiry. */
  ttlMs?: number;
}

export interface AppendOptions extends SetOptions {
  /** Keep only the newest `maxLength` entries (history windows). */
  maxLength?: number;
}

export interface Store {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: SetOptions): Promise<void>;
  /** Sets only when the key does not exist; true for exactly one of any concurrent callers. */
  setIfAbsent(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /**
   * Atomically replaces the value only when the current value equals `expected`
   * (`undefined` = key must be absent). Keeps the key's TTL unless `ttlMs` is given.
   */
  compareAndSet(key: string, expected: string | undefined, next: string, options?: SetOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Deletes the key only while it still holds `expected` (releasing a lock you own). */
  deleteIfEquals(key: string, expected: string): Promise<boolean>;
  /** Appends to a list and returns its new length. */
  append(key: string, value: string, options?: AppendOptions): Promise<number>;
  /** Inclusive range like LRANGE: negative indexes count from the end; (0, -1) is all. */
  range(key: string, start: number, stop: number): Promise<string[]>;
  /** Atomic counter; returns the new value. */
  increment(key: string, options?: SetOptions): Promise<number>;
  /** Field map (conversation references, run logs). */
  mapSet(key: string, field: string, value: string): Promise<void>;
  mapGet(key: string, field: string): Promise<string | undefined>;
  mapGetAll(key: string): Promise<Record<string, string>>;
  mapDelete(key: string, field: string): Promise<void>;
  /** Throws a DaybookError("store_unavailable") when the backend cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function getJson<T>(store: Store, key: string): Promise<T | undefined> {
  const raw = await store.get(key);
  return raw === undefined ? undefined : (JSON.parse(raw) as T);
}

export async function setJson(store: Store, key: string, value: unknown, options?: SetOptions): Promise<void> {
  await store.set(key, JSON.stringify(value), options);
}
