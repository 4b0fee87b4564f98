import { LRUCache } from "lru-cache";
import type { ChannelConfig } from "../config/org.ts";
import type { ChannelMember, ThreadAudience } from "../core/chat.ts";
import { toDaybookError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import type { Principal, PrincipalResolver, ToolDomain } from "../core/principal.ts";
import type { ThreadRef } from "../core/thread.ts";

/**
 * The channel audience policy (ARCHITECTURE.md, decision 8). Roles decide what the asker may
 * see; this decides what the place an answer is posted may show:
 * - a channel that declares `channels.<name>.audience` shows those domains;
 * - otherwise a shared conversation shows only the domains every member may see (a member
 *   who is not a configured person sees none, so one of them makes the set empty);
 * - a direct conversation (Slack DM, Teams personal chat, the console) shows the asker's own;
 * - when the platform cannot say who is there, nothing (fail closed).
 */

export interface AudiencePolicyOptions {
  /** The org's named channels (org.channels). */
  channels: Record<string, ChannelConfig>;
  principals: PrincipalResolver;
  logger: Logger;
  /** How long a conversation's member list is trusted before it is asked again. Default 5 minutes. */
  membersTtlMs?: number;
}

export type AllowedBasis = "declared" | "direct" | "members" | "unknown";

export interface Allowed {
  domains: ReadonlySet<ToolDomain>;
  /** Why: a declared audience, a direct conversation, the members' roles, or no answer from the platform. */
  basis: AllowedBasis;
  /** The org channel name when the conversation is one of `channels`. */
  channel?: string;
}

/** How a domain's data is named in notes to people. */
export const domainLabels: Record<ToolDomain, string> = { jira: "Jira", crm: "CRM", accounting: "finance" };

const allDomains: readonly ToolDomain[] = ["jira", "crm", "accounting"];

export class AudiencePolicy {
  readonly #o: AudiencePolicyOptions;
  readonly #members: LRUCache<string, ThreadAudience>;
  readonly #log: Logger;

  constructor(options: AudiencePolicyOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: "audience" });
    this.#members = new LRUCache({ max: 1_000, ttl: options.membersTtlMs ?? 5 * 60_000 });
  }

  /** The org channel this conversation is (by its platform id), if any. */
  channelOf(thread: ThreadRef): { name: string; config: ChannelConfig } | undefined {
    for (const [name, config] of Object.entries(this.#o.channels)) {
      if (config[thread.platform] === thread.channel) return { name, config };
    }
    return undefined;
  }

  /**
   * The domains an answer posted in `thread` may show. `lookup` asks the platform who reads
   * the conversation (absent: the platform cannot say); `asker` is the person a direct
   * conversation belongs to (absent for digests, which then need a declared audience there).
   */
  async allowedIn(
    thread: ThreadRef,
    lookup: (() => Promise<ThreadAudience>) | undefined,
    asker?: Principal,
  ): Promise<Allowed> {
    const named = this.channelOf(thread);
    const channel = named ? { channel: named.name } : {};
    if (named?.config.audience) return { domains: new Set(named.config.audience), basis: "declared", ...channel };
    // The console has no members to ask: it is the terminal of the person typing.
    if (thread.platform === "console" && !lookup) return direct(asker, channel);
    if (!lookup) return { domains: new Set(), basis: "unknown", ...channel };
    const audience = await this.#audience(thread, lookup);
    if (!audience) return { domains: new Set(), basis: "unknown", ...channel };
    if (audience.kind === "direct") return direct(asker, channel);
    return { domains: this.#common(thread, audience.members), basis: "members", ...channel };
  }

  async #audience(thread: ThreadRef, lookup: () => Promise<ThreadAudience>): Promise<ThreadAudience | undefined> {
    // Per workspace: with many Slack workspaces installed, one workspace's member list never
    // decides what is shown in another's (digests use a placeholder workspace, so their own entry).
    const key = `${thread.platform}:${thread.workspace}:${thread.channel}`;
    const cached = this.#members.get(key);
    if (cached) return cached;
    try {
      const audience = await lookup();
      this.#members.set(key, audience);
      return audience;
    } catch (error) {
      // Not cached: the next answer asks again, and until then nothing beyond the asker is shown.
      this.#log.warn("could not list who reads a conversation; answering privately", {
        platform: thread.platform,
        code: toDaybookError(error).code,
      });
      return undefined;
    }
  }

  /** The domains every member may see; an unknown member (or no member list at all) allows none. */
  #common(thread: ThreadRef, members: ChannelMember[]): Set<ToolDomain> {
    if (members.length === 0) return new Set();
    const common = new Set<ToolDomain>(allDomains);
    for (const member of members) {
      const principal = this.#principalOf(thread, member);
      const mine = new Set(principal?.domains ?? []);
      for (const d of common) if (!mine.has(d)) common.delete(d);
      if (common.size === 0) break;
    }
    return common;
  }

  #principalOf(thread: ThreadRef, member: ChannelMember): Principal | undefined {
    for (const id of member.ids) {
      const principal = this.#o.principals.resolve({ platform: thread.platform, id });
      // Unconfigured people resolve to "<platform>:<id>"; configured ids cannot contain ":".
      if (!principal.id.startsWith(`${thread.platform}:`)) return principal;
    }
    return undefined;
  }
}

function direct(asker: Principal | undefined, channel: { channel?: string }): Allowed {
  return { domains: new Set(asker?.domains ?? []), basis: asker ? "direct" : "unknown", ...channel };
}

/** The domains of `shown` that `allowed` does not cover, in a stable order. */
export function beyond(shown: readonly ToolDomain[] | undefined, allowed: Allowed): ToolDomain[] {
  return allDomains.filter((d) => (shown ?? []).includes(d) && !allowed.domains.has(d));
}

/** "finance data", "CRM and finance data". */
export function describeDomains(domains: readonly ToolDomain[]): string {
  return `${domains.map((d) => domainLabels[d]).join(" and ")} data`;
}

export function sentPrivatelyNote(what: "answer" | "approval request", domains: readonly ToolDomain[]): string {
  return `I sent you the ${what} privately: it contains ${describeDomains(domains)} this channel may not see.`;
}

export function notDeliveredNote(what: "answer" | "approval request", domains: readonly ToolDomain[]): string {
  return `The ${what} contains ${describeDomains(domains)} this channel may not see, and I could not send it to you privately. Ask me in a direct message.`;
}

/** The context line a privately delivered card carries, so the reader knows why it came here. */
export const privateContext = "Sent to you alone: you asked where others may not see this.";
