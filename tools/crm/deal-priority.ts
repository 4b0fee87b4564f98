/**
 * Which open deals need the account executive today. The rank is expected value
 * (probability x amount) lifted by signals that make a deal time-critical today; every
 * factor is a plain number so the digest and its tests can recompute it.
 */
import type { Deal } from "../../src/core/domain/crm.ts";

export type DealUrgency = "replied" | "meeting_today" | "meeting_soon" | "silent" | "ghosted";

export interface RankedDeal {
  deal: Deal;
  /** probability x amount */
  weighted: number;
  urgency: DealUrgency[];
  /** Whole days since the last activity (0 when none is recorded). */
  silentDays: number;
  nextStep: string;
  /** weighted x (1 + sum of urgency boosts): the sort key. */
  priority: number;
}

export interface DealPriorityOptions {
  /** No activity for at least this many days = silent. Default 5. */
  silentDays?: number;
  /** No inbound reply this many days after a demo = ghosted. Default 5. */
  ghostDays?: number;
  /** An inbound message within this many hours counts as a fresh reply. Default 24. */
  replyHours?: number;
}

const DAY_MS = 86_400_000;

/** How much each signal lifts a deal above its expected value. */
export const urgencyBoost: Record<DealUrgency, number> = {
  replied: 0.5,
  meeting_today: 0.5,
  meeting_soon: 0.2,
  ghosted: 0.25,
  silent: 0.1,
};

function ms(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

export function dealUrgency(
  deal: Deal,
  now: number,
  opts: DealPriorityOptions = {},
): { urgency: DealUrgency[]; silentDays: number } {
  const silentAfter = opts.silentDays ?? 5;
  const ghostAfter = opts.ghostDays ?? 5;
  const replyWindow = (opts.replyHours ?? 24) * 3_600_000;
  const urgency: DealUrgency[] = [];
  const inbound = ms(deal.lastInboundAt);
  const last = Math.max(ms(deal.lastActivityAt) ?? 0, inbound ?? 0);
  const silentDays = last === 0 ? 0 : Math.max(0, Math.floor((now - last) / DAY_MS));

  if (inbound !== undefined && inbound <= now && now - inbound <= replyWindow) urgency.push("replied");
  const meeting = ms(deal.nextMeetingAt);
  if (meeting !== undefined && meeting >= now - 3_600_000) {
    const endOfToday = Date.UTC(
      new Date(now).getUTCFullYear(),
      new Date(now).getUTCMonth(),
      new Date(now).getUTCDate() + 1,
    );
    if (meeting < endOfToday) urgency.push("meeting_today");
    else if (meeting < endOfToday + 2 * DAY_MS) urgency.push("meeting_soon");
  }
  const demo = ms(deal.lastDemoAt);
  if (demo !== undefined && (inbound === undefined || inbound < demo) && now - demo >= ghostAfter * DAY_MS) {
    urgency.push("ghosted");
  } else if (last !== 0 && silentDays >= silentAfter) {
    urgency.push("silent");
  }
  return { urgency, silentDays };
}

export function nextStepFor(deal: Deal, urgency: DealUrgency[], silentDays: number): string {
  if (urgency.includes("replied")) return `Answer ${deal.company.name}'s reply today`;
  if (urgency.includes("meeting_today")) {
    const at = deal.nextMeetingAt ? ` (${deal.nextMeetingAt.slice(11, 16)} UTC)` : "";
    return `Prepare for today's meeting${at}: agenda and the next commitment to ask for`;
  }
  if (urgency.includes("ghosted")) return "No reply since the demo: send a short check-in with one concrete next step";
  if (urgency.includes("silent")) return `Silent for ${silentDays} days: re-engage the champion with something new`;
  if (urgency.includes("meeting_soon")) return "Meeting in the next days: confirm attendees and agenda";
  if (deal.closeDate) return `Confirm the close plan for ${deal.closeDate.slice(0, 10)}`;
  return "Agree a next step and a date with the buyer";
}

export function rankDeals(deals: Deal[], now: number, opts: DealPriorityOptions = {}): RankedDeal[] {
  const ranked = deals.map((deal) => {
    const weighted = deal.probability * deal.amount;
    const { urgency, silentDays } = dealUrgency(deal, now, opts);
    const boost = urgency.reduce((sum, u) => sum + urgencyBoost[u], 0);
    return {
      deal,
      weighted,
      urgency,
      silentDays,
      nextStep: nextStepFor(deal, urgency, silentDays),
      priority: weighted * (1 + boost),
    };
  });
  return ranked.sort(
    (a, b) => b.priority - a.priority || b.weighted - a.weighted || a.deal.id.localeCompare(b.deal.id),
  );
}
