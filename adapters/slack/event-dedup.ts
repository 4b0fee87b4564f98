import type { Clock } from "../../src/core/clock.ts";
import { FallbackDedup } from "../../src/core/dedup-fallback.ts";
import { toDaybookError } from "../../src/core/errors.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { Store } from "../../src/core/store.ts";

export interface EventDedupOptions {
  store: Store;
  /**
   * How long a handed-off event id is remembered. Slack retries a failed delivery after about
   * 1 minute and 5 minutes (https://docs.slack.dev/apis/events-api/#retries); at least 10 minutes.
   */
  ttlMs?: number;
  /** Told (warn, code only) when the store fails and this process's memory dedups instead. */
  logger?: Logger;
  clock?: Clock;
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
 *
 * While the store is unreachable the mark falls back to an in-process TTL set (FallbackDedup in
 * src/core/dedup-fallback.ts), so Slack's retries that reach this process get no second reply;
 * another replica cannot see those marks.
 */
export class EventDedup {
  readonly #dedup: FallbackDedup;
  readonly #ttlMs: number;

  constructor(options: EventDedupOptions) {
    this.#ttlMs = Math.max(options.ttlMs ?? 60 * 60 * 1000, minDedupTtlMs);
    const log = options.logger;
    this.#dedup = new FallbackDedup({
      store: options.store,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(log
        ? {
            onStoreError: (key: string, error: unknown) =>
              log.warn("event dedup store unavailable; deduplicating in this process only", {
                eventId: key.slice("slack:event:".length),
                code: toDaybookError(error, "store_unavailable").code,
              }),
          }
        : {}),
    });
  }

  static key(eventId: string): string {
    return `slack:event:${eventId}`;
  }

  /** True for exactly one delivery of an event id within the TTL; never throws for a store outage. */
  async markHandedOff(eventId: string): Promise<boolean> {
    return (await this.#dedup.markOnce(EventDedup.key(eventId), this.#ttlMs)).first;
  }
}
