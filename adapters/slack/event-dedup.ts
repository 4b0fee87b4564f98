import { randomUUID } from "node:crypto";
import type { Store } from "../../src/core/store.ts";

export type ClaimResult =
  | { kind: "claimed"; token: string }
  /** Handled before: answer 200 so Slack stops retrying. */
  | { kind: "duplicate" }
  /** Another delivery is between receipt and hand-off right now. */
  | { kind: "in_progress" };

export interface EventDedupOptions {
  store: Store;
  /**
   * How long a claim blocks other deliveries before hand-off. Short, so a process that dies
   * before handing off frees the event for Slack's next retry (1 minute, then 5 minutes:
   * https://docs.slack.dev/apis/events-api/#retries).
   */
  claimTtlMs?: number;
  /** How long a handed-off event is remembered; Slack's retries span about 6 minutes. */
  doneTtlMs?: number;
}

const done = "done";

/**
 * Two-phase dedup by Slack `event_id`: claim ("processing", short TTL) when the delivery
 * arrives, mark "done" (long TTL) only once the event has been handed to Bolt's listeners.
 * A crash in between leaves only the short claim, so the message is not lost.
 */
export class EventDedup {
  readonly #store: Store;
  readonly #claimTtlMs: number;
  readonly #doneTtlMs: number;

  constructor(options: EventDedupOptions) {
    this.#store = options.store;
    this.#claimTtlMs = options.claimTtlMs ?? 30_000;
    this.#doneTtlMs = Math.max(options.doneTtlMs ?? 60 * 60 * 1000, 10 * 60 * 1000);
  }

  static key(eventId: string): string {
    return `slack:event:${eventId}`;
  }

  async claim(eventId: string, attempt = 0): Promise<ClaimResult> {
    const token = `processing:${randomUUID()}`;
    if (await this.#store.setIfAbsent(EventDedup.key(eventId), token, { ttlMs: this.#claimTtlMs })) {
      return { kind: "claimed", token };
    }
    const current = await this.#store.get(EventDedup.key(eventId));
    if (current === done) return { kind: "duplicate" };
    // The claim expired between the two calls: try once more rather than reject a fresh event.
    if (current === undefined && attempt === 0) return this.claim(eventId, 1);
    return { kind: "in_progress" };
  }

  /** Marks the event handed off. False when our claim had expired and someone else owns it. */
  async complete(eventId: string, token: string): Promise<boolean> {
    return this.#store.compareAndSet(EventDedup.key(eventId), token, done, { ttlMs: this.#doneTtlMs });
  }

  /** Gives the event back (dispatch failed before hand-off) so Slack's retry is processed. */
  async release(eventId: string, token: string): Promise<void> {
    // Never delete a claim someone else holds: first prove it is still ours.
    if (await this.#store.compareAndSet(EventDedup.key(eventId), token, "released")) {
      await this.#store.delete(EventDedup.key(eventId));
    }
  }

  /** Socket Mode has no HTTP response to hold back, so it marks on receipt. */
  async markOnce(eventId: string): Promise<boolean> {
    return this.#store.setIfAbsent(EventDedup.key(eventId), done, { ttlMs: this.#doneTtlMs });
  }
}
