/**
 * Budget variance and cash runway (issue 16, item 6), computed here so digests and answers
 * show the same figures and the model only phrases them (ARCHITECTURE.md, decision 2).
 *
 * Variance: actual minus budget per P&L account, for a month in progress against the budget's
 * share of the days gone (day 10 of 30 is a third of the month's budget). Runway: the cash at the
 * end of the latest whole month divided by the average net burn (cash spent minus cash received)
 * of the last three whole months; a business whose cash grew on average is not burning, and
 * has no runway figure.
 */
import type { BudgetFigures, CashSummary, ProfitAndLoss } from "../../src/core/domain/accounting.ts";
import type { Month } from "../../src/core/domain/common.ts";
import { money, pct } from "../shared/compact.ts";

export interface VarianceLine {
  account: string;
  kind: "income" | "expenses";
  actual: number;
  budget: number;
  /** actual - budget. */
  variance: number;
  /** variance / budget in percent, one decimal; absent when the budget is zero. */
  variancePct?: number;
  /** Over budget for an expense, under budget for income: the lines to look at. */
  unfavourable: boolean;
}

export interface BudgetVariance {
  month: Month;
  currency: string;
  /** Day d of n when the month is in progress: the budget is pro rata d/n. */
  monthToDate?: { day: number; days: number };
  totals: {
    income: { actual: number; budget: number; variance: number };
    expenses: { actual: number; budget: number; variance: number };
    netProfit: { actual: number; budget: number; variance: number };
  };
  /** Accounts by size of the variance, largest first. */
  lines: VarianceLine[];
}

function pctOf(variance: number, budget: number): number | undefined {
  return budget === 0 ? undefined : pct((variance / Math.abs(budget)) * 100, 1);
}

export function budgetVariance(
  pnl: ProfitAndLoss,
  budget: BudgetFigures,
  monthToDate?: { day: number; days: number },
): BudgetVariance {
  const share = monthToDate ? monthToDate.day / monthToDate.days : 1;
  const lines: VarianceLine[] = [];
  for (const kind of ["income", "expenses"] as const) {
    const actuals = new Map(pnl[kind].map((l) => [l.account, l.amount]));
    const budgets = new Map(budget[kind].map((l) => [l.account, money(l.amount * share)]));
    for (const account of [...new Set([...budgets.keys(), ...actuals.keys()])].sort()) {
      const actual = money(actuals.get(account) ?? 0);
      const planned = budgets.get(account) ?? 0;
      const variance = money(actual - planned);
      const p = pctOf(variance, planned);
      lines.push({
        account,
        kind,
        actual,
        budget: planned,
        variance,
        ...(p !== undefined ? { variancePct: p } : {}),
        unfavourable: kind === "expenses" ? variance > 0 : variance < 0,
      });
    }
  }
  lines.sort((a, b) => Math.abs(b.variance) - Math.abs(a.variance) || a.account.localeCompare(b.account));
  const total = (kind: "income" | "expenses") => {
    const of = lines.filter((l) => l.kind === kind);
    const actual = money(of.reduce((s, l) => s + l.actual, 0));
    const planned = money(of.reduce((s, l) => s + l.budget, 0));
    return { actual, budget: planned, variance: money(actual - planned) };
  };
  const income = total("income");
  const expenses = total("expenses");
  const netActual = money(income.actual - expenses.actual);
  const netBudget = money(income.budget - expenses.budget);
  return {
    month: pnl.month,
    currency: pnl.currency,
    ...(monthToDate ? { monthToDate } : {}),
    totals: {
      income,
      expenses,
      netProfit: { actual: netActual, budget: netBudget, variance: money(netActual - netBudget) },
    },
    lines,
  };
}

export interface CashRunway {
  currency: string;
  /** Cash at the end of `asOf` (the latest whole month). */
  balance: number;
  asOf: Month;
  /** The whole months averaged, oldest first, with each one's net burn (spent - received). */
  months: { month: Month; netBurn: number }[];
  /** Average net burn a month; negative when cash grew. */
  averageNetBurn: number;
  /** balance / averageNetBurn, one decimal; absent when not burning. */
  runwayMonths?: number;
  burning: boolean;
}

/** Runway from whole months' cash summaries, oldest first (the last one is the balance's month). */
export function cashRunway(summaries: readonly CashSummary[]): CashRunway {
  const last = summaries.at(-1);
  if (!last) throw new RangeError("cashRunway needs at least one month");
  const months = summaries.map((c) => ({ month: c.month, netBurn: money(c.spent - c.received) }));
  const averageNetBurn = money(months.reduce((s, m) => s + m.netBurn, 0) / months.length);
  const burning = averageNetBurn > 0;
  return {
    currency: last.currency,
    balance: money(last.closing),
    asOf: last.month,
    months,
    averageNetBurn,
    ...(burning ? { runwayMonths: pct(Math.max(0, last.closing) / averageNetBurn, 1) } : {}),
    burning,
  };
}
