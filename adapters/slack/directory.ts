import type { WebClient } from "@slack/web-api";
import { LRUCache } from "lru-cache";
import PQueue from "p-queue";
import { z } from "zod";
import { type Clock, systemClock } from "../../src/core/clock.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { Store } from "../../src/core/store.ts";
import { slackApiError } from "./adapter.ts";
import type { SlackNameLookup, SlackProfile } from "./format/inbound.ts";

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
  /**
   * Shared cache of people's profiles (name, zone, locale) for `ttlMs`, so replicas ask
   * users.info once per person per TTL between them; absent: this process's memory only.
   */
  store?: Store;
  /** Store key prefix of this directory's workspace ("slack:people:T0…:"). */
  storePrefix?: string;
}

/** Stored for an id Slack could not name, so the miss is cached too (lru-cache holds no undefined). */
const unknown = "";
/** The same for profiles. */
const noProfile: SlackProfile = {};

/**
 * Profiles of users (users.info, scope users:read: display name, `tz`, `locale`) and names of channels
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
  readonly #ttlMs: number;
  readonly #store: Store | undefined;
  readonly #storePrefix: string;
  readonly #users: LRUCache<string, SlackProfile>;
  readonly #channels: LRUCache<string, string>;

  constructor(options: SlackDirectoryOptions) {
    this.#client = options.client;
    this.#log = options.logger;
    this.#queue = new PQueue({ concurrency: options.concurrency ?? 4 });
    this.#maxWaiting = options.maxWaiting ?? 100;
    this.#missTtlMs = options.missTtlMs ?? 60_000;
    const clock = options.clock ?? systemClock;
    this.#ttlMs = options.ttlMs ?? 60 * 60_000;
    this.#store = options.store;
    this.#storePrefix = options.storePrefix ?? "slack:people:";
    const common = {
      max: options.max ?? 5_000,
      ttl: this.#ttlMs,
      perf: { now: () => clock.now() },
      // Read the clock on every check (the default caches it for 1 ms, which a test clock outruns).
      ttlResolution: 0,
    };
    this.#users = new LRUCache<string, SlackProfile>({
      ...common,
      fetchMethod: (id, _stale, { options: set }) => this.#fetchProfile(id, set),
    });
    this.#channels = new LRUCache<string, string>({
      ...common,
      fetchMethod: (id, _stale, { options: set }) =>
        this.#fetch("conversations.info", set, () => this.#channelName(id), unknown),
    });
  }

  async userName(id: string): Promise<string | undefined> {
    return (await this.profile(id))?.name;
  }

  /** Name, zone and locale from one users.info call (cached); undefined when Slack gave none. */
  async profile(id: string): Promise<SlackProfile | undefined> {
    const found = await this.#users.fetch(id).catch(() => undefined);
    return found && found !== noProfile && Object.keys(found).length > 0 ? found : undefined;
  }

  async channelName(id: string): Promise<string | undefined> {
    return (await this.#channels.fetch(id).catch(() => undefined)) || undefined;
  }

  /** The store's copy when another process (or an earlier one) asked within the TTL, else Slack. */
  async #fetchProfile(id: string, set: { ttl?: number }): Promise<SlackProfile | undefined> {
    const key = `${this.#storePrefix}${id}`;
    const cached = await this.#store?.get(key).catch(() => undefined);
    if (cached !== undefined) {
      const parsed = parseProfile(cached);
      if (parsed) return parsed;
    }
    const profile = await this.#fetch("users.info", set, () => this.#userProfile(id), noProfile);
    if (profile && profile !== noProfile) {
      // Best effort: a store outage costs another users.info later, never the message.
      await this.#store?.set(key, JSON.stringify(profile), { ttlMs: this.#ttlMs }).catch(() => undefined);
    }
    return profile;
  }

  async #fetch<T>(
    method: string,
    set: { ttl?: number },
    call: () => Promise<T | undefined>,
    miss: T,
  ): Promise<T | undefined> {
    if (this.#queue.size >= this.#maxWaiting) {
      // Not cached: the next message may ask again once the queue has drained.
      this.#log.debug("slack name lookup skipped: too many waiting", { method });
      return undefined;
    }
    try {
      const found = await this.#queue.add(call);
      if (found) return found;
      set.ttl = this.#missTtlMs;
      return miss;
    } catch (error) {
      // Only Slack's error code is logged (e.g. missing_scope after an upgrade without reinstall).
      const err = slackApiError(method, error);
      this.#log.warn("slack name lookup failed; showing the id instead", {
        method,
        code: err.code,
        reason: err.message,
      });
      set.ttl = this.#missTtlMs;
      return miss;
    }
  }

  async #userProfile(id: string): Promise<SlackProfile | undefined> {
    // include_locale: Slack leaves `locale` out unless asked (https://api.slack.com/methods/users.info).
    const res = await this.#client.users.info({ user: id, include_locale: true });
    const user = res.user;
    // Slack shows the display name when a person set one, else the full name
    // (https://api.slack.com/types/user); `tz` is the IANA zone their client shows times in.
    const name =
      nonEmpty(user?.profile?.display_name) ??
      nonEmpty(user?.profile?.real_name) ??
      nonEmpty(user?.real_name) ??
      nonEmpty(user?.name);
    const timeZone = nonEmpty(user?.tz);
    const locale = nonEmpty(user?.locale);
    if (!name && !timeZone) return undefined;
    return { ...(name ? { name } : {}), ...(timeZone ? { timeZone } : {}), ...(locale ? { locale } : {}) };
  }

  async #channelName(id: string): Promise<string | undefined> {
    const res = await this.#client.conversations.info({ channel: id });
    return nonEmpty(res.channel?.name);
  }
}

const profileSchema = z.object({
  name: z.string().optional(),
  timeZone: z.string().optional(),
  locale: z.string().optional(),
});

function parseProfile(raw: string): SlackProfile | undefined {
  try {
    const parsed = profileSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) return undefined;
    const { name, timeZone, locale } = parsed.data;
    return { ...(name ? { name } : {}), ...(timeZone ? { timeZone } : {}), ...(locale ? { locale } : {}) };
  } catch {
    return undefined;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
