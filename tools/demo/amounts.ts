/**
 * Money in the demo books: what a bill or a card spend amounts to, and a P&L from account
 * totals in integer cents.
 */
import type { ProfitAndLoss } from "../../src/core/domain/accounting.ts";
import type { Month } from "../../src/core/domain/common.ts";
import type { DemoVendor } from "./profile.ts";
import { hash32 } from "./random.ts";

/**
 * A bill's amount from its vendor and its place in the month's sequence (the vendor's n-th bill),
 * with a few percent of monthly jitter: every month bills about the same per vendor, so months
 * compare the way a steady business's do and only the named variance stands out.
 */
export function slotCents(
  seed: number,
  month: Month,
  source: { id: string; minCents: number; maxCents: number },
  slot: number,
): number {
  const base = hash32(`${seed}:${source.id}:${slot}`) / 4294967296;
  const jitter = hash32(`${month}:${source.id}:${slot}`) / 4294967296;
  const mid = source.minCents + Math.floor(base * (source.maxCents - source.minCents));
  return Math.max(1, Math.round(mid * (0.97 + jitter * 0.06)));
}

export function vendorCents(seed: number, month: Month, vendor: DemoVendor, slot: number): number {
  return slotCents(seed, month, { id: vendor.id, minCents: vendor.min * 100, maxCents: vendor.max * 100 }, slot);
}

/** "Office Depot" -> "OD": the vendor's reference prefix. */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((w) => w[0] ?? "")
    .join("")
    .toUpperCase()
    .slice(0, 3);
}

export function makePnl(
  month: Month,
  currency: string,
  income: { account: string; cents: number }[],
  expenses: { account: string; cents: number }[],
): ProfitAndLoss {
  const ti = income.reduce((s, l) => s + l.cents, 0);
  const te = expenses.reduce((s, l) => s + l.cents, 0);
  return {
    month,
    currency,
    income: income.map((l) => ({ account: l.account, amount: l.cents / 100 })),
    expenses: expenses.map((l) => ({ account: l.account, amount: l.cents / 100 })),
    totalIncome: ti / 100,
    totalExpenses: te / 100,
    netProfit: (ti - te) / 100,
  };
}
