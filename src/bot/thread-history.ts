import type { HistoryEntry } from "../core/answerer.ts";
import type { Store } from "../core/store.ts";
import { isStoreUnavailable } from "../core/store-outage.ts";
import { serializeThread, type ThreadRef } from "../core/thread.ts";

const historyTtlMs = 14 * 24 * 60 * 60 * 1000;

/** A best-effort load: `available` is false when the store could not be read. */
export interface LoadedHistory {
  entries: HistoryEntry[];
  available: boolean;
}

/** Per-thread conversation memory in the Store, bounded in length and age. */
export class ThreadHistory {
  readonly #store: Store;
  readonly #maxEntries: number;

  constructor(store: Store, maxEntries = 40) {
    this.#store = store;
    this.#maxEntries = maxEntries;
  }

  static key(thread: ThreadRef): string {
    return `thread:${serializeThread(thread)}:history`;
  }

  async load(thread: ThreadRef): Promise<HistoryEntry[]> {
    const raw = await this.#store.range(ThreadHistory.key(thread), -this.#maxEntries, -1);
    return raw.map((r) => JSON.parse(r) as HistoryEntry);
  }

  async append(thread: ThreadRef, entry: HistoryEntry): Promise<void> {
    await this.#store.append(ThreadHistory.key(thread), JSON.stringify(entry), {
      maxLength: this.#maxEntries,
      ttlMs: historyTtlMs,
    });
  }

  /**
   * Memory is an aid, not a precondition: while the store is unavailable a question is
   * answered without it. Other failures (a corrupt entry) still throw.
   */
  async tryLoad(thread: ThreadRef): Promise<LoadedHistory> {
    try {
      return { entries: await this.load(thread), available: true };
    } catch (error) {
      if (isStoreUnavailable(error)) return { entries: [], available: false };
      throw error;
    }
  }

  /**
   * Appends in order and stops at the first store outage, so a down store costs one command
   * timeout, not one per entry. False when not every entry was saved.
   */
  async tryAppend(thread: ThreadRef, ...entries: HistoryEntry[]): Promise<boolean> {
    for (const entry of entries) {
      try {
        await this.append(thread, entry);
      } catch (error) {
        if (isStoreUnavailable(error)) return false;
        throw error;
      }
    }
    return true;
  }
}
