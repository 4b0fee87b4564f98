/**
 * Churn risk as an additive points score: each signal adds a fixed number of points, so the
 * digest can say exactly which signals drove a score and a test can recompute it.
 *
 * Point table (high >= 50, medium >= 25):
 * - usage change over the window: <= -50% 50, <= -30% 30, <= -15% 15
 * - workspace admin silent: >= 30 days or never 20, >= 14 days 15, >= 7 days 10 (a week without
 *   the person who owns the tool is the earliest sign a team has stopped using it)
 * - open support tickets: >= 3 15, >= 1 5; the signal names them by subject
 * - failed payment in the last 30 days: 25 (involuntary churn: alone it makes a customer medium)
 * - unused paid features: 5 each for one or two; 3 or more 25 (paying for a bundle it does not
 *   use is an adoption failure and the first line cut at renewal: alone it makes a customer medium)
 */
import type { Customer } from "../../src/core/domain/crm.ts";

export type ChurnLevel = "high" | "medium" | "low";
export type ChurnSignalKind =
  | "usage_drop"
  | "admin_inactive"
  | "support_tickets"
  | "failed_payment"
  | "unused_features";

export interface ChurnSignal {
  kind: ChurnSignalKind;
  detail: string;
  /** Points this signal added to the score. */
  points: number;
}

export interface ChurnRisk {
  customer: Customer;
  /** 0..100 */
  score: number;
  level: ChurnLevel;
  signals: ChurnSignal[];
  suggestedAction: string;
}

const DAY_MS = 86_400_000;

/** Score thresholds: >= high is "high", >= medium is "medium". */
export const churnThresholds = { high: 50, medium: 25 } as const;

function ms(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/** Points for a relative usage change (-0.65 = a 65% drop). */
export function usagePoints(change: number): number {
  if (change <= -0.5) return 50;
  if (change <= -0.3) return 30;
  if (change <= -0.15) return 15;
  return 0;
}

export function adminPoints(daysSinceLogin: number | undefined): number {
  if (daysSinceLogin === undefined || daysSinceLogin >= 30) return 20;
  if (daysSinceLogin >= 14) return 15;
  if (daysSinceLogin >= 7) return 10;
  return 0;
}

export function ticketPoints(openTickets: number): number {
  if (openTickets >= 3) return 15;
  if (openTickets >= 1) return 5;
  return 0;
}

export function failedPaymentPoints(daysSinceFailure: number | undefined): number {
  return daysSinceFailure !== undefined && daysSinceFailure <= 30 ? 25 : 0;
}

export function unusedFeaturePoints(count: number): number {
  return count >= 3 ? 25 : count * 5;
}

/** `open ticket "Too complicated"`, `3 open tickets: "A", "B" and 1 more`. */
export function ticketDetail(subjects: string[]): string {
  const quoted = subjects.map((x) => `"${x}"`);
  if (quoted.length === 1) return `open ticket ${quoted[0]}`;
  const shown = quoted.slice(0, 2).join(", ");
  const rest = quoted.length - 2;
  return `${quoted.length} open tickets: ${shown}${rest > 0 ? ` and ${rest} more` : ""}`;
}

export function levelFor(score: number): ChurnLevel {
  if (score >= churnThresholds.high) return "high";
  if (score >= churnThresholds.medium) return "medium";
  return "low";
}

export function scoreCustomer(customer: Customer, now: number): ChurnRisk {
  const signals: ChurnSignal[] = [];
  const add = (kind: ChurnSignalKind, pts: number, detail: string) => {
    if (pts > 0) signals.push({ kind, detail, points: pts });
  };
  const dropPct = Math.round(-customer.usageChange * 100);
  add("usage_drop", usagePoints(customer.usageChange), `usage down ${dropPct}% over ${customer.usageWindowDays} days`);

  const login = ms(customer.adminLastLoginAt);
  const loginDays = login === undefined ? undefined : Math.floor((now - login) / DAY_MS);
  add(
    "admin_inactive",
    adminPoints(loginDays),
    loginDays === undefined ? "no admin login on record" : `admin silent ${loginDays} days`,
  );

  const open = customer.tickets.filter((t) => t.status === "open").map((t) => t.subject);
  add("support_tickets", ticketPoints(open.length), ticketDetail(open));

  const failed = ms(customer.lastFailedPaymentAt);
  const failedDays = failed === undefined ? undefined : Math.floor((now - failed) / DAY_MS);
  add(
    "failed_payment",
    failedPaymentPoints(failedDays),
    `payment failed ${failedDays === 0 ? "today" : `${failedDays} day${failedDays === 1 ? "" : "s"} ago`}`,
  );

  const unused = customer.unusedPaidFeatures;
  add(
    "unused_features",
    unusedFeaturePoints(unused.length),
    `${unused.length} paid feature${unused.length === 1 ? "" : "s"} unused (${unused.join(", ")})`,
  );

  const score = Math.min(
    100,
    signals.reduce((s, x) => s + x.points, 0),
  );
  signals.sort((a, b) => b.points - a.points);
  return { customer, score, level: levelFor(score), signals, suggestedAction: actionFor(customer, signals) };
}

function actionFor(customer: Customer, signals: ChurnSignal[]): string {
  const primary = primaryAction(customer, signals);
  // A failed card churns the customer on its own schedule, whatever else is going on, so it is
  // always part of the action even when a bigger signal leads.
  if (signals[0]?.kind !== "failed_payment" && signals.some((x) => x.kind === "failed_payment"))
    return `${primary}, and ask the billing contact to update the payment method`;
  return primary;
}

function primaryAction(customer: Customer, signals: ChurnSignal[]): string {
  switch (signals[0]?.kind) {
    case "usage_drop":
      return `Book a usage review with ${customer.name}'s admin this week`;
    case "failed_payment":
      return `Ask ${customer.name}'s billing contact to update the payment method`;
    case "admin_inactive":
      return `Re-engage ${customer.name}'s admin with a check-in call`;
    case "support_tickets":
      return `Review ${customer.name}'s open tickets with support, then call the admin`;
    case "unused_features":
      return `Offer ${customer.name} onboarding for the features they pay for`;
    default:
      return "No action needed";
  }
}

/** Scores every customer; highest score first (ties: larger ARR first). */
export function scoreCustomers(customers: Customer[], now: number): ChurnRisk[] {
  return customers
    .map((c) => scoreCustomer(c, now))
    .sort((a, b) => b.score - a.score || b.customer.arr - a.customer.arr || a.customer.id.localeCompare(b.customer.id));
}
