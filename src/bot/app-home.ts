import type { PendingFor } from "../approvals/approvals.ts";
import type { Card, CardBlock, CardListItem } from "../core/card.ts";
import type { ChatUser } from "../core/chat.ts";
import type { Clock } from "../core/clock.ts";
import type { Principal, PrincipalResolver } from "../core/principal.ts";
import { formatForReader, type Reader } from "../core/reader-time.ts";
import type { RecentQuestion, RecentQuestions } from "./recent-questions.ts";

/** A configured digest as a person's Home lists it. */
export interface HomeDigest {
  name: string;
  channels: string[];
  /** The next firing, when the scheduler knows it. */
  next?: Date;
}

export interface HomeContent {
  pending: PendingFor;
  recent: RecentQuestion[];
  digests: HomeDigest[];
  /** Whose Home it is: every time on it is shown in their zone and locale. */
  reader: Reader;
  /** One line above everything (what a click from the Home did, or why it did nothing). */
  notice?: string;
}

/**
 * Approval cards shown in full on a Home: each is ~8 blocks with its exact arguments
 * (ARCHITECTURE.md, decision 9), and a Home view holds 100 blocks
 * (https://docs.slack.dev/reference/views/home-tab-views) while a rendered card is capped lower.
 */
export const HOME_MAX_DECIDABLE = 4;

/** The platform-neutral card of a person's App Home: pure, so it is tested as Block Kit. */
export function appHomeCard(content: HomeContent): Card {
  const { pending, reader } = content;
  const when = (at: number | Date) => formatForReader(at, reader);
  const blocks: CardBlock[] = [];
  if (content.notice) blocks.push({ type: "text", text: content.notice });

  blocks.push({ type: "text", text: `**Waiting for your decision** (${pending.decidable.length})` });
  if (pending.decidable.length === 0) blocks.push({ type: "context", text: "Nothing is waiting for you to decide." });
  for (const { card } of pending.decidable.slice(0, HOME_MAX_DECIDABLE)) {
    blocks.push({ type: "divider" }, ...card.blocks);
  }
  const more = pending.decidable.length - HOME_MAX_DECIDABLE;
  if (more > 0) {
    blocks.push({ type: "context", text: `${more} more wait in their threads; decide these first to see them here.` });
  }

  blocks.push({ type: "divider" });
  if (pending.requested.length > 0) {
    blocks.push({
      type: "list",
      title: "You asked for",
      items: pending.requested.map(
        ({ approval, title }): CardListItem => ({
          title,
          text: `Approval \`${approval.id}\`: waiting for someone else to decide; expires ${when(approval.expiresAt)}`,
        }),
      ),
    });
  }

  if (content.recent.length > 0) {
    blocks.push({
      type: "list",
      title: "You asked recently",
      items: content.recent.map((q): CardListItem => ({ title: q.text, meta: when(q.at) })),
    });
  } else {
    blocks.push({ type: "context", text: "Questions you ask daybook show up here." });
  }

  if (content.digests.length > 0) {
    blocks.push({
      type: "list",
      title: "Digests",
      items: content.digests.map(
        (d): CardListItem => ({
          title: d.name,
          text: d.channels.length > 0 ? `Posted in ${d.channels.map((c) => `#${c}`).join(", ")}` : "No channel",
          ...(d.next ? { meta: `next ${when(d.next)}` } : {}),
        }),
      ),
    });
  }
  return { header: "daybook", blocks, fallbackText: `daybook: ${pending.decidable.length} waiting for your decision` };
}

export interface AppHomeOptions {
  pendingFor: (user: ChatUser) => Promise<PendingFor>;
  recent: Pick<RecentQuestions, "list">;
  digests: () => HomeDigest[];
  principals: PrincipalResolver;
  /** A person's zone and locale: the platform's, else org users[].timezone, else the organisation's. */
  readerOf: (principal: Principal) => Reader;
  clock: Clock;
}

/** Gathers a person's Home: what they may decide, what they asked, the digests. */
export class AppHome {
  readonly #o: AppHomeOptions;

  constructor(options: AppHomeOptions) {
    this.#o = options;
  }

  async cardFor(user: ChatUser, workspace: string, notice?: string): Promise<Card> {
    const principal = this.#o.principals.resolve(user);
    const [pending, recent] = await Promise.all([this.#o.pendingFor(user), this.#o.recent.list(user, workspace)]);
    return appHomeCard({
      pending,
      recent,
      digests: this.#o.digests(),
      reader: this.#o.readerOf(principal),
      ...(notice ? { notice } : {}),
    });
  }
}
