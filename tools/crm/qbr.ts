/**
 * The CRM half of a quarterly business review (issue 16, item 6): the open pipeline today (total
 * and weighted by probability), deals won and lost in the quarter, customers at churn risk, and
 * the largest risks (at-risk customers by ARR, open deals whose close date has passed, by amount).
 * Every figure is computed here; a model only phrases around it.
 */
import type { ClosedDeal, CrmPort } from "../../src/core/domain/crm.ts";
import { localToday, type Period } from "../../src/core/period.ts";
import { type CurrencyTotal, mainCurrency, totalsByCurrency } from "../shared/currency.ts";
import { scoreCustomers } from "./churn-score.ts";

export interface QbrRisk {
  kind: "customer" | "deal";
  name: string;
  amount: number;
  currency: string;
  detail: string;
  url?: string;
}

export interface QbrCrm {
  currency: string;
  openDeals: number;
  pipeline: CurrencyTotal[];
  weighted: CurrencyTotal[];
  won: CurrencyTotal[];
  wonCount: number;
  lost: CurrencyTotal[];
  lostCount: number;
  /** Customers at high churn risk now, and their ARR. */
  churnRisk: number;
  churnRiskArr: CurrencyTotal[];
  /** Largest first, at most five. */
  topRisks: QbrRisk[];
}

/** A close day without a time is a day in the org's calendar; a time is an instant (as the weekly summary reads it). */
function closedIn(d: ClosedDeal, quarter: Period): boolean {
  if (/^\d{4}-\d{2}-\d{2}$/.test(d.closeDate)) return d.closeDate >= quarter.from && d.closeDate <= quarter.to;
  const at = Date.parse(d.closeDate);
  return at >= quarter.start && at < quarter.end;
}

export async function qbrCrm(crm: CrmPort, quarter: Period, now: number): Promise<QbrCrm> {
  const [open, closed, customers] = await Promise.all([
    crm.listOpenDeals(),
    // From 00:00 UTC of the first day: CRMs often keep a close date as a day.
    crm.listClosedDeals(new Date(Math.min(quarter.start, Date.parse(quarter.from))).toISOString()),
    crm.listCustomers(),
  ]);
  const inQuarter = closed.filter((d) => closedIn(d, quarter));
  const won = inQuarter.filter((d) => d.outcome === "won");
  const lost = inQuarter.filter((d) => d.outcome === "lost");
  const atRisk = scoreCustomers(customers, now).filter((r) => r.level === "high");
  const today = localToday(now, quarter.timeZone);
  const slipped = open.filter((d) => d.closeDate !== undefined && d.closeDate.slice(0, 10) < today);
  const risks: QbrRisk[] = [
    ...atRisk.map((r) => ({
      kind: "customer" as const,
      name: r.customer.name,
      amount: r.customer.arr,
      currency: r.customer.currency,
      detail: `churn risk ${r.score}/100${r.signals[0] ? `: ${r.signals[0].detail}` : ""}`,
      url: r.customer.url,
    })),
    ...slipped.map((d) => ({
      kind: "deal" as const,
      name: d.name,
      amount: d.amount,
      currency: d.currency,
      detail: `${d.stage}, close date ${d.closeDate?.slice(0, 10)} passed`,
      url: d.url,
    })),
  ].sort((a, b) => b.amount - a.amount || a.name.localeCompare(b.name));
  return {
    currency: mainCurrency([...open, ...customers]),
    openDeals: open.length,
    pipeline: totalsByCurrency(open),
    weighted: totalsByCurrency(open.map((d) => ({ amount: d.amount * d.probability, currency: d.currency }))),
    won: totalsByCurrency(won),
    wonCount: won.length,
    lost: totalsByCurrency(lost),
    lostCount: lost.length,
    churnRisk: atRisk.length,
    churnRiskArr: totalsByCurrency(atRisk.map((r) => ({ amount: r.customer.arr, currency: r.customer.currency }))),
    topRisks: risks.slice(0, 5),
  };
}
