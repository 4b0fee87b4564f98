import type { Store } from "../../src/core/store.ts";

export interface EventDedupOptions {
  store: Store;
  /**
   * How long a handed-off event id is remembered. Slack retries a failed delivery after about
   * 1 minute and 5 minutes (https://docs.slack.dev/apis/events-api/#retries); at least 10 minutes.
   */
  ttlMs?: number;
}

export const minDedupTtlMs = 10 * 60 * 1000;

/**
 * Dedup by Slack `event_id`, marked at the moment of hand-off: when Bolt calls ack() for an
 * event it is about to run the listeners in this process, and that is when the id is written
 * (one atomic SET NX). Nothing is marked earlier, so a delivery that fails or dies before the
 * hand-off (bad signature, process killed during parsing or authorize) gets no 200 and leaves
 * no mark: Slack's retry is processed. Concurrent copies race on the same SET NX; exactly one
 * reaches the listeners. One round trip per event: a separate "processing" claim would narrow
 * no window that matters, because after the hand-off the work lives in this process anyway.
 */
export class EventDedup {
  readonly #store: Store;
  readonly #ttlMs: number;

  constructor(options: EventDedupOptions) {
    this.#store = options.store;
    this.#ttlMs = Math.max(options.ttlMs ?? 60 * 60 * 1000, minDedupTtlMs);
  }

  static key(eventId: string): string {
    return `slack:event:${eventId}`;
  }

  /** True for exactly one delivery of an event id within the TTL. */
  async markHandedOff(eventId: string): Promise<boolean> {
    return this.#store.setIfAbsent(EventDedup.key(eventId), "1", { ttlMs: this.#ttlMs });
  }
}
