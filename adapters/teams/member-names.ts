import { TeamsInfo, type TurnContext } from "botbuilder";
import { toDaybookError } from "../../src/core/errors.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { Store } from "../../src/core/store.ts";

export interface TeamsMemberNamesOptions {
  store: Store;
  logger: Logger;
  /** How long a name is trusted; people rename themselves rarely. */
  ttlMs?: number;
  /** How long a failed lookup is remembered, so a missing member is not asked for on every activity. */
  missTtlMs?: number;
  /** How long an activity waits for the name (an invoke must be answered within seconds). */
  deadlineMs?: number;
}

/** Stored for a member the connector could not name: the miss is cached too. */
const unknown = "";

/**
 * A sender's display name when the activity does not carry one (`from.name` is optional in the
 * Bot Framework activity schema): Teams' member info, TeamsInfo.getMember (the connector's
 * GET /v3/conversations/{id}/members/{userId}), cached in the store per tenant and user for the
 * TTL so replicas share it. A failure or a slow connector answers undefined: the turn goes on
 * with the id, never fails on a name.
 */
export class TeamsMemberNames {
  readonly #o: Required<Omit<TeamsMemberNamesOptions, "store" | "logger">> & TeamsMemberNamesOptions;

  constructor(options: TeamsMemberNamesOptions) {
    this.#o = { ttlMs: 60 * 60_000, missTtlMs: 60_000, deadlineMs: 1_000, ...options };
  }

  async nameOf(context: TurnContext, tenant: string): Promise<string | undefined> {
    const from = context.activity.from;
    if (from?.name?.trim()) return from.name.trim();
    if (!from?.id) return undefined;
    const key = `teams:people:${tenant}:${from.aadObjectId ?? from.id}`;
    const cached = await this.#o.store.get(key).catch(() => undefined);
    if (cached !== undefined) return cached || undefined;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), this.#o.deadlineMs);
    });
    const lookup = TeamsInfo.getMember(context, from.id).then(
      (member) => nonEmpty(member.name) ?? nonEmpty([member.givenName, member.surname].filter(Boolean).join(" ")),
      (error: unknown) => {
        this.#o.logger.warn("teams member lookup failed; showing the id instead", {
          code: toDaybookError(error, "upstream_error").code,
        });
        return null;
      },
    );
    const found = await Promise.race([lookup, late]).finally(() => clearTimeout(timer));
    // Slow: not cached, the next activity may ask again.
    if (found === "late") return undefined;
    const name = found ?? undefined;
    const ttlMs = name ? this.#o.ttlMs : this.#o.missTtlMs;
    await this.#o.store.set(key, name ?? unknown, { ttlMs }).catch(() => undefined);
    return name;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
