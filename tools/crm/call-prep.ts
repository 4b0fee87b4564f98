/**
 * Call prep for one customer as rules over what the CRM holds: the renewal and its days left,
 * health (100 minus the churn score) with the usage trend and the signals behind it, the recent
 * timeline across the account and its open deals, open tickets and contacts; then a suggested
 * approach and talking points chosen by rule from those signals, so every point a person reads
 * names a fact the tool returned. A model may only rephrase them.
 */
import type { CrmActivity, CustomerDetail, DealDetail } from "../../src/core/domain/crm.ts";
import { type ChurnSignal, scoreCustomer } from "./churn-score.ts";
import { rankDeals } from "./deal-priority.ts";
import { healthTrend, type Renewal, renewalOf } from "./renewals.ts";

export interface CallPrep {
  customer: CustomerDetail;
  renewal: Renewal | undefined;
  /** Health and signals, whether or not a renewal date is known. */
  healthScore: number;
  healthLevel: "high" | "medium" | "low";
  trend: Renewal["trend"];
  signals: ChurnSignal[];
  /** Newest first: the account's and its open deals' activities. */
  timeline: CrmActivity[];
  openDeals: DealDetail[];
  approach: string;
  talkingPoints: string[];
}

/** Days-left phrase, "in 12 days" / "today" / "tomorrow". */
function inDays(n: number): string {
  if (n === 0) return "today";
  if (n === 1) return "tomorrow";
  return `in ${n} days`;
}

export function prepareCall(
  customer: CustomerDetail,
  openDeals: readonly DealDetail[],
  now: number,
  timeZone: string,
  timelineSize = 8,
): CallPrep {
  const r = renewalOf(customer, now, timeZone);
  const risk = r?.risk ?? scoreCustomer(customer, now);
  const renewal = r && r.daysLeft >= 0 ? r : undefined;
  const healthScore = 100 - risk.score;
  const trend = healthTrend(customer);
  const timeline = [...customer.activities, ...openDeals.flatMap((d) => d.activities)]
    .filter((a) => Date.parse(a.at) <= now)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || a.id.localeCompare(b.id))
    .slice(0, timelineSize);
  const admin = customer.contacts[0];
  const points: string[] = [];
  for (const s of risk.signals) points.push(signalPoint(s, customer, admin?.name));
  if (renewal?.window)
    points.push(
      `Renewal on ${renewal.renewalDate} (${inDays(renewal.daysLeft)}): agree the next step for the contract before the call ends`,
    );
  for (const d of openDeals) points.push(`Open deal "${d.name}" (${d.stage}): confirm the next step and timing`);
  if (points.length === 0)
    points.push("No risk signal on the account: ask what they want to achieve next quarter and who else should join");
  return {
    customer,
    renewal,
    healthScore,
    healthLevel: risk.level,
    trend,
    signals: risk.signals,
    timeline,
    openDeals: [...openDeals],
    approach: approachFor(risk.level, renewal, customer.name),
    talkingPoints: points,
  };
}

function approachFor(level: "high" | "medium" | "low", renewal: Renewal | undefined, name: string): string {
  const renewing = renewal?.window !== undefined;
  if (level === "high")
    return renewing
      ? `Retention call: ${name} renews ${inDays(renewal!.daysLeft)} and is at high churn risk. Lead with their problems and a plan to fix them; raise the renewal only once they agree the plan.`
      : `Recovery call: ${name} is at high churn risk. Lead with their problems and leave with a dated plan to fix them.`;
  if (level === "medium")
    return renewing
      ? `Check-in before renewal: ${name} renews ${inDays(renewal!.daysLeft)} with signals to clear first. Bring a fix for each, then confirm the renewal timeline.`
      : `Check-in: clear the signals below with ${name} before they grow.`;
  return renewing
    ? `Renewal conversation: ${name} is healthy and renews ${inDays(renewal!.daysLeft)}. Confirm the value they get, agree terms and ask about expansion.`
    : `Relationship call: ${name} is healthy. Ask about their goals and look for expansion.`;
}

function signalPoint(s: ChurnSignal, c: CustomerDetail, admin: string | undefined): string {
  switch (s.kind) {
    case "usage_drop":
      return `Usage is down (${s.detail}): ask what changed in their team or workflow`;
    case "admin_inactive":
      return `${admin ? `${admin}, the admin,` : "The admin"} has gone quiet (${s.detail}): confirm who owns the tool now`;
    case "support_tickets":
      return `${s.detail}: bring the status from support and a date for the fix`;
    case "failed_payment":
      return `${s.detail.replace(/^payment/, "A payment")}: ask the billing contact to update the payment method`;
    case "unused_features":
      return `They pay for ${c.unusedPaidFeatures.join(", ")} without using ${c.unusedPaidFeatures.length === 1 ? "it" : "them"}: offer onboarding`;
  }
}

export interface ProspectPrep {
  deal: DealDetail;
  /** Whole days to the expected close date (negative once it has passed). */
  daysToClose: number | undefined;
  weighted: number;
  urgency: string[];
  timeline: CrmActivity[];
  approach: string;
  talkingPoints: string[];
}

const urgencyWords: Record<string, string> = {
  replied: "they wrote in the last day",
  meeting_today: "a meeting is today",
  meeting_soon: "a meeting is coming up",
  silent: "the deal has gone quiet",
  ghosted: "no reply since the demo",
};

/**
 * A call with a prospect (a company with an open deal but no customer record): the deal's
 * stage, value and close date, its urgency signals (deal-priority.ts) and its next step.
 */
export function prepareProspectCall(deal: DealDetail, now: number, todayUtcMs: number): ProspectPrep {
  const [ranked] = rankDeals([deal], now);
  const close = deal.closeDate ? Date.parse(`${deal.closeDate.slice(0, 10)}T00:00:00Z`) : Number.NaN;
  const daysToClose = Number.isNaN(close) ? undefined : Math.round((close - todayUtcMs) / 86_400_000);
  const urgency = ranked?.urgency ?? [];
  const points = urgency.map(
    (u) =>
      `${urgencyWords[u] ?? u}: ${u === "replied" ? "answer what they asked first" : u === "ghosted" || u === "silent" ? "ask what changed and whether the timeline still holds" : "confirm the agenda and who attends"}`,
  );
  if (daysToClose !== undefined && daysToClose >= 0)
    points.push(`Expected to close ${deal.closeDate} (in ${daysToClose} days): agree what has to happen before then`);
  if (ranked?.nextStep) points.push(`Next step: ${ranked.nextStep}`);
  const stage = deal.stage;
  return {
    deal,
    daysToClose,
    weighted: ranked?.weighted ?? 0,
    urgency,
    timeline: [...deal.activities]
      .filter((a) => Date.parse(a.at) <= now)
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
      .slice(0, 8),
    approach: `Prospect call at ${stage}: move "${deal.name}" to its next stage; ${urgency.length > 0 ? `lead with what changed (${urgency.map((u) => urgencyWords[u] ?? u).join(", ")})` : "confirm the decision process and timeline"}.`,
    talkingPoints: points.length > 0 ? points : ["Confirm the decision makers, the timeline and the budget"],
  };
}
