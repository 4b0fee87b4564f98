/**
 * "How are we against budget?" and "what's our runway?" (issue 16, item 6): read tools over the
 * AccountingPort's budget and cash summaries, and the loaders the close digest shares, so a
 * digest and an answer on the same day show the same figures (finance-figures.ts computes them).
 */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import type { Clock } from "../../src/core/clock.ts";
import type { AccountingPort } from "../../src/core/domain/accounting.ts";
import { type Month, previousMonth } from "../../src/core/domain/common.ts";
import { DaybookError } from "../../src/core/errors.ts";
import { closeMonth, localToday, monthLabel } from "../../src/core/period.ts";
import { runTool } from "../shared/compact.ts";
import { monthToDate } from "./close-checks.ts";
import { type BudgetVariance, budgetVariance, type CashRunway, cashRunway } from "./finance-figures.ts";

export interface FinanceToolContext {
  clock: Clock;
  timeZone?: string;
}

/** Whole months a runway averages over. */
export const RUNWAY_MONTHS = 3;

function unsupported(what: string): DaybookError {
  return new DaybookError("not_found", `the accounting port has no ${what}`, {
    userMessage: `The connected accounting system does not give me ${what}.`,
  });
}

/** The month's P&L against its budget; a month in progress against the budget's share of its days. */
export async function loadBudgetVariance(
  accounting: AccountingPort,
  month: Month,
  asOf: string,
): Promise<BudgetVariance> {
  if (!accounting.getBudget) throw unsupported("budgets");
  const [pnl, budget] = await Promise.all([accounting.getProfitAndLoss(month), accounting.getBudget(month)]);
  return budgetVariance(pnl, budget, monthToDate(month, asOf));
}

/** The last RUNWAY_MONTHS whole months before today's (local) month, oldest first. */
export function runwayMonths(now: number, timeZone: string): Month[] {
  const months: Month[] = [previousMonth(localToday(now, timeZone).slice(0, 7))];
  while (months.length < RUNWAY_MONTHS) months.unshift(previousMonth(months[0]!));
  return months;
}

export async function loadCashRunway(accounting: AccountingPort, now: number, timeZone: string): Promise<CashRunway> {
  const read = accounting.getCashSummary?.bind(accounting);
  if (!read) throw unsupported("bank balances");
  const months = runwayMonths(now, timeZone);
  // A month before the books begin is all zeros: it is no figure, not a month without burn.
  const summaries = (await Promise.all(months.map((m) => read(m)))).filter(
    (c) => c.opening !== 0 || c.received !== 0 || c.spent !== 0 || c.closing !== 0,
  );
  if (summaries.length === 0) {
    throw new DaybookError("not_found", "no bank figures for the runway months", {
      userMessage: `The books hold no bank figures for ${monthLabel(months[0]!)} to ${monthLabel(months.at(-1)!)}, so there is no runway to work out yet.`,
    });
  }
  return cashRunway(summaries);
}

/** The variance as a tool returns it: the totals and the accounts that moved most, with labels. */
export function varianceResult(v: BudgetVariance, top = 6) {
  return {
    budgetMonth: monthLabel(v.month),
    currency: v.currency,
    ...(v.monthToDate ? { monthToDate: v.monthToDate, budgetProRata: true } : {}),
    budgetTotals: v.totals,
    largestVariances: v.lines.filter((l) => l.variance !== 0).slice(0, top),
    accountsOverBudget: v.lines.filter((l) => l.kind === "expenses" && l.unfavourable).length,
  };
}

export function runwayResult(r: CashRunway) {
  return {
    currency: r.currency,
    cashBalance: r.balance,
    cashAsOf: monthLabel(r.asOf),
    monthsAveraged: r.months.map((m) => ({ month: monthLabel(m.month), netBurn: m.netBurn })),
    averageNetBurn: r.averageNetBurn,
    burning: r.burning,
    ...(r.runwayMonths !== undefined ? { runwayMonths: r.runwayMonths } : {}),
  };
}

const monthSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month like 2026-11")
  .describe("Month as YYYY-MM; omit for the month being closed");
export const budgetVarianceSchema = z.object({ month: monthSchema.optional() });
export const cashRunwaySchema = z.object({});

export function financeReadTools(accounting: AccountingPort, ctx: FinanceToolContext): StructuredToolInterface[] {
  const tz = () => ctx.timeZone ?? "UTC";
  const budget = tool(
    (args: z.infer<typeof budgetVarianceSchema>) =>
      runTool(async () => {
        const now = ctx.clock.now();
        const month = args.month ?? closeMonth(now, tz());
        return varianceResult(await loadBudgetVariance(accounting, month, localToday(now, tz())));
      }),
    {
      name: "accounting_budget_variance",
      description:
        "Actual vs budget for a month (income, expenses, net profit and the accounts furthest off budget), from the accounting system's budget. " +
        'Examples: "how are we against budget?", "budget variance for October", "are we over budget?".',
      schema: budgetVarianceSchema,
    },
  );
  const runway = tool(
    () => runTool(async () => runwayResult(await loadCashRunway(accounting, ctx.clock.now(), tz()))),
    {
      name: "accounting_cash_runway",
      description:
        "Cash runway: the bank balance at the end of the latest whole month divided by the average net burn (cash out minus cash in) of the three whole months before today's. " +
        'Examples: "what\'s our runway?", "how many months of cash do we have?", "what is our burn rate?".',
      schema: cashRunwaySchema,
    },
  );
  return [budget, runway];
}
