import type { HistoryEntry } from "../core/answerer.ts";
import type { Store } from "../core/store.ts";
import { serializeThread, type ThreadRef } from "../core/thread.ts";

const historyTtlMs = 14 * 24 * 60 * 60 * 1000;

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
}
