/**
 * The finance half of a quarterly business review (issue 16, item 6): revenue and gross margin
 * of a quarter against the quarter before and the same quarter a year earlier, summed from the
 * books' monthly P&L. Every figure is computed here; a model only phrases around it.
 */
import type { AccountingPort, ProfitAndLoss } from "../../src/core/domain/accounting.ts";
import type { Period } from "../../src/core/period.ts";
import { periodPnl } from "./period-pnl.ts";

/**
 * Expense accounts read as cost of sales: the P&L port keeps one expense list (Xero's "Less Cost
 * of Sales" section included), so the direct costs are known by name. Hosting is a SaaS
 * company's cost of revenue.
 */
export const costOfSalesPattern = /cost of (sales|goods|revenue)|\bcogs\b|direct cost|hosting|merchant fees/i;

export interface QuarterFinance {
  label: string;
  /** Total income; undefined when the books have no month of the quarter. */
  revenue: number | undefined;
  costOfSales: number | undefined;
  /** (revenue - cost of sales) / revenue, in percent with one decimal; undefined without revenue. */
  grossMarginPct: number | undefined;
  /** Months of the quarter the books have no figures for. */
  missing: string[];
}

export interface QbrFinance {
  currency: string;
  quarter: QuarterFinance;
  previous: QuarterFinance;
  yearAgo: QuarterFinance;
  /** The accounts counted as cost of sales, as the books name them. */
  costOfSalesAccounts: string[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function grossMargin(pnl: ProfitAndLoss): { costOfSales: number; pct: number | undefined } {
  const costOfSales = round2(
    pnl.expenses.filter((l) => costOfSalesPattern.test(l.account)).reduce((s, l) => s + l.amount, 0),
  );
  const pct =
    pnl.totalIncome > 0 ? Math.round(((pnl.totalIncome - costOfSales) / pnl.totalIncome) * 1000) / 10 : undefined;
  return { costOfSales, pct };
}

async function quarterFinance(
  accounting: AccountingPort,
  period: Period,
): Promise<QuarterFinance & { pnl?: ProfitAndLoss }> {
  const { pnl, missing } = await periodPnl(accounting, period.months);
  if (!pnl)
    return { label: period.label, revenue: undefined, costOfSales: undefined, grossMarginPct: undefined, missing };
  const margin = grossMargin(pnl);
  return {
    label: period.label,
    revenue: pnl.totalIncome,
    costOfSales: margin.costOfSales,
    grossMarginPct: margin.pct,
    missing,
    pnl,
  };
}

/** The quarter, the one before and the same one last year, read from the books. */
export async function qbrFinance(
  accounting: AccountingPort,
  periods: { quarter: Period; previous: Period; yearAgo: Period },
): Promise<QbrFinance> {
  const [quarter, previous, yearAgo] = await Promise.all([
    quarterFinance(accounting, periods.quarter),
    quarterFinance(accounting, periods.previous),
    quarterFinance(accounting, periods.yearAgo),
  ]);
  const currency = quarter.pnl?.currency ?? previous.pnl?.currency ?? (await accounting.baseCurrency?.()) ?? "USD";
  const accounts = new Set(
    [quarter, previous, yearAgo].flatMap((q) =>
      (q.pnl?.expenses ?? []).filter((l) => costOfSalesPattern.test(l.account)).map((l) => l.account),
    ),
  );
  const strip = ({ pnl: _pnl, ...rest }: QuarterFinance & { pnl?: ProfitAndLoss }): QuarterFinance => rest;
  return {
    currency,
    quarter: strip(quarter),
    previous: strip(previous),
    yearAgo: strip(yearAgo),
    costOfSalesAccounts: [...accounts].sort(),
  };
}

/** Relative change in percent (one decimal), undefined when there is nothing to compare with. */
export function changePct(now: number | undefined, before: number | undefined): number | undefined {
  if (now === undefined || before === undefined || before === 0) return undefined;
  return Math.round(((now - before) / Math.abs(before)) * 1000) / 10;
}
