import type { Clock } from "../core/clock.ts";
import { systemClock } from "../core/clock.ts";
import { DaybookError } from "../core/errors.ts";
import type { AppendOptions, SetOptions, Store } from "../core/store.ts";

type Entry =
  | { kind: "string"; value: string; expiresAt?: number }
  | { kind: "list"; value: string[]; expiresAt?: number }
  | { kind: "map"; value: Map<string, string>; expiresAt?: number };

/**
 * In-process Store for the zero-config default and unit tests. Single-threaded JS makes each
 * method atomic; state is lost on exit (main.ts warns about that).
 */
export class MemoryStore implements Store {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #sweeper: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: { clock?: Clock; sweepIntervalMs?: number } = {}) {
    this.#clock = options.clock ?? systemClock;
    // Expired keys are otherwise only dropped when read; dedup and cache keys that are never
    // read again would pile up for the life of a zero-config process.
    const every = options.sweepIntervalMs ?? 60_000;
    this.#sweeper = every > 0 ? setInterval(() => this.sweep(), every).unref() : undefined;
  }

  /** Drops every expired key; returns how many. */
  sweep(): number {
    const now = this.#clock.now();
    let removed = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) {
        this.#entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** Number of keys held, expired or not (for tests and diagnostics). */
  get size(): number {
    return this.#entries.size;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #expiry(options?: SetOptions): number | undefined {
    return options?.ttlMs === undefined ? undefined : this.#clock.now() + options.ttlMs;
  }

  #string(key: string): string | undefined {
    const entry = this.#live(key);
    if (entry && entry.kind !== "string") throw wrongType(key);
    return entry?.value;
  }

  async get(key: string): Promise<string | undefined> {
    return this.#string(key);
  }

  async set(key: string, value: string, options?: SetOptions): Promise<void> {
    this.#entries.set(key, { kind: "string", value, expiresAt: this.#expiry(options) });
  }

  async setIfAbsent(key: string, value: string, options?: SetOptions): Promise<boolean> {
    if (this.#live(key)) return false;
    await this.set(key, value, options);
    return true;
  }

  async compareAndSet(key: string, expected: string | undefined, next: string, options?: SetOptions): Promise<boolean> {
    const entry = this.#live(key);
    const current = entry?.kind === "string" ? entry.value : undefined;
    if (entry && entry.kind !== "string") throw wrongType(key);
    if (current !== expected) return false;
    const expiresAt = options?.ttlMs !== undefined ? this.#expiry(options) : entry?.expiresAt;
    this.#entries.set(key, { kind: "string", value: next, expiresAt });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async deleteIfEquals(key: string, expected: string): Promise<boolean> {
    if (this.#string(key) !== expected) return false;
    this.#entries.delete(key);
    return true;
  }

  async append(key: string, value: string, options?: AppendOptions): Promise<number> {
    const entry = this.#live(key);
    if (entry && entry.kind !== "list") throw wrongType(key);
    const list = entry?.value ?? [];
    list.push(value);
    if (options?.maxLength !== undefined && list.length > options.maxLength) {
      list.splice(0, list.length - options.maxLength);
    }
    const expiresAt = options?.ttlMs !== undefined ? this.#expiry(options) : entry?.expiresAt;
    this.#entries.set(key, { kind: "list", value: list, expiresAt });
    return list.length;
  }

  async range(key: string, start: number, stop: number): Promise<string[]> {
    const entry = this.#live(key);
    if (!entry) return [];
    if (entry.kind !== "list") throw wrongType(key);
    const n = entry.value.length;
    const from = Math.max(0, start < 0 ? n + start : start);
    const to = Math.min(n - 1, stop < 0 ? n + stop : stop);
    return from > to ? [] : entry.value.slice(from, to + 1);
  }

  async increment(key: string, options?: SetOptions): Promise<number> {
    const current = this.#string(key);
    const next = (current === undefined ? 0 : Number(current)) + 1;
    const existing = this.#live(key);
    const expiresAt = options?.ttlMs !== undefined && !existing ? this.#expiry(options) : existing?.expiresAt;
    this.#entries.set(key, { kind: "string", value: String(next), expiresAt });
    return next;
  }

  #map(key: string, create: boolean): Map<string, string> | undefined {
    const entry = this.#live(key);
    if (entry && entry.kind !== "map") throw wrongType(key);
    if (entry) return entry.value;
    if (!create) return undefined;
    const value = new Map<string, string>();
    this.#entries.set(key, { kind: "map", value });
    return value;
  }

  async mapSet(key: string, field: string, value: string): Promise<void> {
    this.#map(key, true)?.set(field, value);
  }

  async mapGet(key: string, field: string): Promise<string | undefined> {
    return this.#map(key, false)?.get(field);
  }

  async mapGetAll(key: string): Promise<Record<string, string>> {
    return Object.fromEntries(this.#map(key, false) ?? []);
  }

  async mapDelete(key: string, field: string): Promise<void> {
    this.#map(key, false)?.delete(field);
  }

  async ping(): Promise<void> {
    if (this.#closed) throw new DaybookError("store_unavailable", "memory store is closed");
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#closed = true;
  }
}

function wrongType(key: string): DaybookError {
  return new DaybookError("internal", `store key "${key}" holds a different kind of value`);
}
