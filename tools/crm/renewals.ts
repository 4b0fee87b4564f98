/**
 * Contract renewals as date arithmetic over the CRM's customers: when each contract renews (the
 * CRM's renewal date, else contract start plus term), how many days are left counted from the
 * organisation's today, and which 30 / 60 / 90-day window that falls in. The renewals tool, the
 * renewals digest and call prep all call this, so a date in chat and in the digest agree.
 */
import type { Customer } from "../../src/core/domain/crm.ts";
import { localToday } from "../../src/core/period.ts";
import { type ChurnRisk, scoreCustomer } from "./churn-score.ts";

const DAY_MS = 86_400_000;

/** The windows people ask about ("renewing in the next 30 days"), smallest first. */
export const renewalWindows = [30, 60, 90] as const;
export type RenewalWindow = (typeof renewalWindows)[number];

export type HealthTrend = "improving" | "steady" | "declining";

export interface Renewal {
  customer: Customer;
  /** YYYY-MM-DD. */
  renewalDate: string;
  /** Whole days from the organisation's today to the renewal date (0 = renews today). */
  daysLeft: number;
  /** The smallest window holding it; undefined past 90 days. */
  window: RenewalWindow | undefined;
  source: "renewal_date" | "start_plus_term";
  risk: ChurnRisk;
  /** 100 minus the churn score: the same signals, read as health. */
  healthScore: number;
  trend: HealthTrend;
}

/** "2027-02-29"-safe month arithmetic: the 31st plus one month is the last day of the next month. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

function isDate(v: string | undefined): v is string {
  return typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));
}

/** The contract's renewal date and where it came from; undefined when the CRM keeps neither. */
export function renewalDateOf(c: Customer): { date: string; source: Renewal["source"] } | undefined {
  if (isDate(c.renewalDate)) return { date: c.renewalDate, source: "renewal_date" };
  if (isDate(c.contractStartDate) && c.termMonths !== undefined && c.termMonths > 0)
    return { date: addMonths(c.contractStartDate, c.termMonths), source: "start_plus_term" };
  return undefined;
}

/** Whole days between two YYYY-MM-DD dates. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Usage trend over the customer's window: down 15 % or more declines, up 5 % or more improves. */
export function healthTrend(c: Customer): HealthTrend {
  if (c.usageChange <= -0.15) return "declining";
  if (c.usageChange >= 0.05) return "improving";
  return "steady";
}

export function windowOf(daysLeft: number): RenewalWindow | undefined {
  return daysLeft < 0 ? undefined : renewalWindows.find((w) => daysLeft <= w);
}

export function renewalOf(c: Customer, now: number, timeZone: string): Renewal | undefined {
  const when = renewalDateOf(c);
  if (!when) return undefined;
  const daysLeft = daysBetween(localToday(now, timeZone), when.date);
  const risk = scoreCustomer(c, now);
  return {
    customer: c,
    renewalDate: when.date,
    daysLeft,
    window: windowOf(daysLeft),
    source: when.source,
    risk,
    healthScore: 100 - risk.score,
    trend: healthTrend(c),
  };
}

export interface RenewalFilter {
  /** Renewing within this many days from today (inclusive). Default 90. */
  withinDays?: number;
  /** Or: renewing in this calendar month, YYYY-MM (the organisation's months). */
  month?: string;
  /** Only this owner's accounts (CSM name, case-insensitive). */
  owner?: string;
}

/** Upcoming renewals, soonest first (ties: larger ARR first). Past renewal dates are not upcoming. */
export function upcomingRenewals(
  customers: readonly Customer[],
  now: number,
  timeZone: string,
  filter: RenewalFilter = {},
): Renewal[] {
  const within = filter.withinDays ?? 90;
  const owner = filter.owner?.toLowerCase();
  const out: Renewal[] = [];
  for (const c of customers) {
    if (owner && c.ownerName?.toLowerCase() !== owner) continue;
    const r = renewalOf(c, now, timeZone);
    if (!r || r.daysLeft < 0) continue;
    if (filter.month ? r.renewalDate.slice(0, 7) !== filter.month : r.daysLeft > within) continue;
    out.push(r);
  }
  return out.sort(
    (a, b) => a.daysLeft - b.daysLeft || b.customer.arr - a.customer.arr || a.customer.id.localeCompare(b.customer.id),
  );
}

/** How many renewals fall in each window (30 holds 0-30 days, 60 holds 31-60, 90 holds 61-90). */
export function windowCounts(renewals: readonly Renewal[]): Record<`within${RenewalWindow}`, number> {
  const counts = { within30: 0, within60: 0, within90: 0 };
  for (const r of renewals) if (r.window) counts[`within${r.window}`]++;
  return counts;
}
