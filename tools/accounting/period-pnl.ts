/**
 * Profit & Loss over periods: one month whose figures may not exist (the books of an
 * organisation that started last month have no month before), and several months summed
 * into one P&L for a quarter, a year or YTD.
 */
import type { AccountingPort, ProfitAndLoss } from "../../src/core/domain/accounting.ts";
import type { Month } from "../../src/core/domain/common.ts";
import { DaybookError } from "../../src/core/errors.ts";

/** The month's P&L, or undefined when the books have none for it; any other failure is thrown. */
export async function pnlIfAny(accounting: AccountingPort, month: Month): Promise<ProfitAndLoss | undefined> {
  try {
    return await accounting.getProfitAndLoss(month);
  } catch (error) {
    if (error instanceof DaybookError && error.code === "not_found") return undefined;
    throw error;
  }
}

export interface PeriodPnl {
  /** Sum of the months that have figures; undefined when none has. */
  pnl: ProfitAndLoss | undefined;
  /** Months asked for that had figures, oldest first. */
  covered: Month[];
  /** Months asked for that the books have no figures for. */
  missing: Month[];
}

/**
 * The P&L over `months`, summed account by account; months without figures are listed, not fatal.
 * `lastShare` (0-1) scales the last month to that share of it: the months before a period still
 * in progress, cut to the same point (a quarter 23 days into its second month is compared with
 * the previous quarter's first month and its second pro rata to day 23, not with all of it).
 */
export async function periodPnl(accounting: AccountingPort, months: Month[], lastShare = 1): Promise<PeriodPnl> {
  const found = await Promise.all(months.map((m) => pnlIfAny(accounting, m)));
  const last = found.length - 1;
  const pnls = found
    .map((p, i) => (p && i === last && lastShare < 1 ? proRataPnl(p, lastShare) : p))
    .filter((p): p is ProfitAndLoss => p !== undefined);
  return {
    pnl: pnls.length > 0 ? sumPnl(pnls) : undefined,
    covered: months.filter((_, i) => found[i] !== undefined),
    missing: months.filter((_, i) => found[i] === undefined),
  };
}

type PnlLine = ProfitAndLoss["income"][number];

/** One P&L from several months': lines added up by account, `month` the first of them. */
export function sumPnl(pnls: ProfitAndLoss[]): ProfitAndLoss {
  const first = pnls[0];
  if (!first) throw new DaybookError("internal", "sumPnl needs at least one month");
  if (pnls.length === 1) return first;
  const add = (pick: (p: ProfitAndLoss) => PnlLine[]): PnlLine[] => {
    const byAccount = new Map<string, number>();
    for (const p of pnls) for (const l of pick(p)) byAccount.set(l.account, (byAccount.get(l.account) ?? 0) + l.amount);
    return [...byAccount].map(([account, amount]) => ({ account, amount: round(amount) }));
  };
  const total = (pick: (p: ProfitAndLoss) => number) => round(pnls.reduce((s, p) => s + pick(p), 0));
  return {
    ...first,
    income: add((p) => p.income),
    expenses: add((p) => p.expenses),
    totalIncome: total((p) => p.totalIncome),
    totalExpenses: total((p) => p.totalExpenses),
    netProfit: total((p) => p.netProfit),
  };
}

/** `pnl` scaled to a share of its month: last month to the same day, for a month in progress. */
export function proRataPnl(pnl: ProfitAndLoss, share: number): ProfitAndLoss {
  const scale = (lines: PnlLine[]) => lines.map((l) => ({ account: l.account, amount: round(l.amount * share) }));
  return {
    ...pnl,
    income: scale(pnl.income),
    expenses: scale(pnl.expenses),
    totalIncome: round(pnl.totalIncome * share),
    totalExpenses: round(pnl.totalExpenses * share),
    netProfit: round(pnl.netProfit * share),
  };
}

// Cents: sums of many floating amounts otherwise show as 1234.5600000001.
const round = (n: number) => Math.round(n * 100) / 100;
