import type { WebClient } from "@slack/web-api";
import { LRUCache } from "lru-cache";
import PQueue from "p-queue";
import { type Clock, systemClock } from "../../src/core/clock.ts";
import type { Logger } from "../../src/core/logger.ts";
import { slackApiError } from "./adapter.ts";
import type { SlackNameLookup } from "./format/inbound.ts";

export interface SlackDirectoryOptions {
  client: WebClient;
  logger: Logger;
  clock?: Clock;
  /** How long a name is trusted; people rename themselves and channels rarely. */
  ttlMs?: number;
  /** How long a failed or empty lookup is remembered, so a bad id is not asked for on every message. */
  missTtlMs?: number;
  /** Names kept per kind. */
  max?: number;
  /** Lookups in flight at once across all messages. */
  concurrency?: number;
  /** Lookups waiting beyond this are not made (the name falls back to the id). */
  maxWaiting?: number;
}

/** Stored for an id Slack could not name, so the miss is cached too (lru-cache holds no undefined). */
const unknown = "";

/**
 * Display names of users (users.info, scope users:read) and names of channels
 * (conversations.info, scopes channels:read and groups:read), cached per id with a TTL.
 * Concurrent lookups of one id share one call (lru-cache's fetch), calls across messages are
 * bounded by a small queue, and any failure answers undefined: a name is never worth a turn.
 * Calls go through the adapter's WebClient, which waits out a 429's Retry-After; the
 * normaliser's deadline keeps such a wait from holding a message.
 */
export class SlackDirectory implements SlackNameLookup {
  readonly #client: WebClient;
  readonly #log: Logger;
  readonly #queue: PQueue;
  readonly #maxWaiting: number;
  readonly #missTtlMs: number;
  readonly #users: LRUCache<string, string>;
  readonly #channels: LRUCache<string, string>;

  constructor(options: SlackDirectoryOptions) {
    this.#client = options.client;
    this.#log = options.logger;
    this.#queue = new PQueue({ concurrency: options.concurrency ?? 4 });
    this.#maxWaiting = options.maxWaiting ?? 100;
    this.#missTtlMs = options.missTtlMs ?? 60_000;
    const clock = options.clock ?? systemClock;
    const common = {
      max: options.max ?? 5_000,
      ttl: options.ttlMs ?? 60 * 60_000,
      perf: { now: () => clock.now() },
      // Read the clock on every check (the default caches it for 1 ms, which a test clock outruns).
      ttlResolution: 0,
    };
    this.#users = new LRUCache<string, string>({
      ...common,
      fetchMethod: (id, _stale, { options: set }) => this.#fetch("users.info", set, () => this.#userName(id)),
    });
    this.#channels = new LRUCache<string, string>({
      ...common,
      fetchMethod: (id, _stale, { options: set }) =>
        this.#fetch("conversations.info", set, () => this.#channelName(id)),
    });
  }

  async userName(id: string): Promise<string | undefined> {
    return (await this.#users.fetch(id).catch(() => undefined)) || undefined;
  }

  async channelName(id: string): Promise<string | undefined> {
    return (await this.#channels.fetch(id).catch(() => undefined)) || undefined;
  }

  async #fetch(
    method: string,
    set: { ttl?: number },
    call: () => Promise<string | undefined>,
  ): Promise<string | undefined> {
    if (this.#queue.size >= this.#maxWaiting) {
      // Not cached: the next message may ask again once the queue has drained.
      this.#log.debug("slack name lookup skipped: too many waiting", { method });
      return undefined;
    }
    try {
      const name = await this.#queue.add(call);
      if (name) return name;
      set.ttl = this.#missTtlMs;
      return unknown;
    } catch (error) {
      // Only Slack's error code is logged (e.g. missing_scope after an upgrade without reinstall).
      const err = slackApiError(method, error);
      this.#log.warn("slack name lookup failed; showing the id instead", {
        method,
        code: err.code,
        reason: err.message,
      });
      set.ttl = this.#missTtlMs;
      return unknown;
    }
  }

  async #userName(id: string): Promise<string | undefined> {
    const res = await this.#client.users.info({ user: id });
    const user = res.user;
    // Slack shows the display name when a person set one, else the full name
    // (https://api.slack.com/methods/users.info, https://api.slack.com/types/user).
    return (
      nonEmpty(user?.profile?.display_name) ??
      nonEmpty(user?.profile?.real_name) ??
      nonEmpty(user?.real_name) ??
      nonEmpty(user?.name)
    );
  }

  async #channelName(id: string): Promise<string | undefined> {
    const res = await this.#client.conversations.info({ channel: id });
    return nonEmpty(res.channel?.name);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
