/**
 * Sales priorities for one account executive (or the whole pipeline): deals that need
 * attention today first, each with a suggested next step and a "Draft follow-up" button that
 * asks the agent for a draft (which then goes through approval before anything is sent).
 *
 * Issue 7 asks for this digest per account executive, so it also lists its audiences: one per
 * CRM owner with open deals. The scheduler (and `npm run digest -- sales`) builds and posts one
 * card per audience, each receipted on its own, instead of one card mixing every owner's deals.
 */

import { digestTemplates, digestTitles } from "../../prompts/digests.ts";
import { DRAFT_FOLLOWUP_ACTION_ID } from "../../src/core/action-ids.ts";
import type { Card, CardBlock, CardListItem } from "../../src/core/card.ts";
import type { Deal } from "../../src/core/domain/crm.ts";
import { type DealUrgency, type RankedDeal, rankDeals } from "../../tools/crm/deal-priority.ts";
import { type CurrencyTotal, mainCurrency, totalsByCurrency } from "../../tools/shared/currency.ts";
import { capped, link, money, moneyTotals, s } from "./format.ts";
import { narrative } from "./narrative.ts";
import type { Digest, DigestDeps, DigestRunOptions } from "./types.ts";

/**
 * One reader of a digest that is posted per person: `key` is stable (the CRM owner id) and is
 * what the run log records each post under; `label` heads the card and the receipt line.
 */
export interface DigestAudience {
  key: string;
  label: string;
  options: DigestRunOptions;
}

/** A digest posted as one card per audience rather than one card for everybody. */
export interface AudienceDigest extends Digest {
  /**
   * The audiences of a run with these options, in posting order. Options that already pick one
   * audience (an `ownerId`) narrow the list to it; an empty list means nobody has anything to read.
   */
  audiences(options?: DigestRunOptions): Promise<DigestAudience[]>;
}

/** Account executives with open deals, by name; a deal without an owner name shows its owner id. */
export function salesAudiences(deals: Deal[], ownerId?: string): DigestAudience[] {
  const owners = new Map<string, string>();
  for (const d of deals) {
    if (ownerId && d.ownerId !== ownerId) continue;
    if (!owners.has(d.ownerId) || (d.ownerName && owners.get(d.ownerId) === d.ownerId))
      owners.set(d.ownerId, d.ownerName ?? d.ownerId);
  }
  return [...owners]
    .map(([key, label]) => ({ key, label, options: { ownerId: key } }))
    .sort((a, b) => a.label.localeCompare(b.label) || a.key.localeCompare(b.key));
}

const urgencyLabel: Record<DealUrgency, string> = {
  replied: "replied",
  meeting_today: "meeting today",
  meeting_soon: "meeting soon",
  silent: "silent",
  ghosted: "ghosted after demo",
};

/** Deals with a same-day reason to act (a fresh reply or a meeting today). */
export function needsToday(r: RankedDeal): boolean {
  return r.urgency.includes("replied") || r.urgency.includes("meeting_today");
}

export function goingQuiet(r: RankedDeal): boolean {
  return r.urgency.includes("silent") || r.urgency.includes("ghosted");
}

export interface SalesFacts {
  ranked: RankedDeal[];
  /** The whole pipeline rather than one account executive's: rows name the owner. */
  team: boolean;
  ownerName?: string;
  /** Weighted pipeline per currency: deals in different currencies are not added together. */
  weighted: CurrencyTotal[];
}

export function createSalesDigest(deps: DigestDeps): AudienceDigest {
  const title = digestTitles.sales;
  return {
    name: "sales",
    title,
    async audiences(options = {}) {
      const deals = await deps.ports.crm.listOpenDeals(options.ownerId ? { ownerId: options.ownerId } : {});
      return salesAudiences(deals, options.ownerId).map((a) => ({ ...a, options: { ...options, ...a.options } }));
    },
    async run(options = {}) {
      const now = deps.clock.now();
      const deals = await deps.ports.crm.listOpenDeals(options.ownerId ? { ownerId: options.ownerId } : {});
      const ranked = rankDeals(deals, now);
      const team = !options.ownerId;
      const ownerName = options.ownerId ? deals[0]?.ownerName : undefined;
      const facts: SalesFacts = {
        team,
        ranked,
        weighted: totalsByCurrency(ranked.map((r) => ({ amount: r.weighted, currency: r.deal.currency }))),
        ...(ownerName ? { ownerName } : {}),
      };
      if (ranked.length === 0) return { header: title, blocks: [{ type: "text", text: digestTemplates.sales.none }] };
      const urgent = ranked.filter(needsToday).length;
      const quiet = ranked.filter(goingQuiet).length;
      const summary = await narrative(
        "sales",
        digestTemplates.sales.summary,
        {
          urgent,
          urgentS: s(urgent),
          urgentVerb: urgent === 1 ? "s" : "",
          count: ranked.length,
          weighted: moneyTotals(facts.weighted, mainCurrency(deals)),
          quiet,
        },
        deps.narrate,
        deps.logger,
      );
      return salesCard(facts, summary);
    },
  };
}

function dealItem(r: RankedDeal, team: boolean): CardListItem {
  const tags = r.urgency.map((u) => (u === "silent" ? `silent ${r.silentDays}d` : urgencyLabel[u]));
  return {
    title: `${link(r.deal.name, r.deal.url)}`,
    text: r.nextStep,
    meta: [
      ...(team ? [r.deal.ownerName ?? r.deal.ownerId] : []),
      `${money(r.deal.amount, r.deal.currency)} × ${Math.round(r.deal.probability * 100)}% = ${money(r.weighted, r.deal.currency)}`,
      ...tags,
    ].join(", "),
    buttons: [{ actionId: DRAFT_FOLLOWUP_ACTION_ID, label: "Draft follow-up", value: r.deal.id, style: "primary" }],
  };
}

export function salesCard(facts: SalesFacts, summary: string): Card {
  const blocks: CardBlock[] = [{ type: "text", text: summary }];
  const top = facts.ranked.slice(0, 5);
  blocks.push({ type: "list", title: "**Top priorities**", items: top.map((r) => dealItem(r, facts.team)) });
  const quiet = facts.ranked.slice(5).filter(goingQuiet);
  if (quiet.length > 0)
    blocks.push({
      type: "list",
      title: "**Going quiet**",
      items: capped(
        quiet.map((r) => dealItem(r, facts.team)),
        5,
      ),
    });
  const rest = facts.ranked.length - top.length - quiet.length;
  blocks.push({
    type: "context",
    text: `Ranked by probability × amount, lifted by a fresh reply or a meeting today.${rest > 0 ? ` ${rest} other open deal${s(rest)} on track.` : ""}`,
  });
  const header = facts.ownerName ? `${digestTitles.sales}: ${facts.ownerName}` : digestTitles.sales;
  return { header, blocks, fallbackText: `${header}: ${summary}` };
}
