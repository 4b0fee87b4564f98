/**
 * The demo books' budget and cash (issue 16, item 6), derived from the generated months so they
 * never change for a whole month whatever today is:
 * - budget: each P&L account's figure of the month before, grown 1.5 % (the books' growth) and
 *   moved by a fixed -10 %..+10 % per account and month, rounded to 100, as a plan written from
 *   last month's run rate would be; the first month of the window has no budget;
 * - cash: annual contracts are collected in January, so each month closes with 4 to 9 months
 *   (fixed per organisation) of that month's expenses in the bank, less 4 % of that for each
 *   month since January (December holds 56 %); rounded to 1,000. A month's cash never depends on
 *   today; the business burns cash from February to December and refills in January. What
 *   comes in is the month's income; what goes out is whatever else moves the balance.
 */
import type { BudgetFigures, CashSummary } from "../../src/core/domain/accounting.ts";
import { type Month, previousMonth } from "../../src/core/domain/common.ts";
import { DaybookError } from "../../src/core/errors.ts";
import type { DemoAccounting } from "./books.ts";
import { hash32 } from "./random.ts";

type Books = Pick<DemoAccounting, "pnl">;

const cents = (n: number) => Math.round(n * 100) / 100;

function noFigures(what: string, month: Month): DaybookError {
  return new DaybookError("not_found", `demo books have no ${what} for ${month}`, {
    userMessage: `The books hold no ${what} for ${month}.`,
  });
}

export function demoBudget(books: Books, month: Month): BudgetFigures {
  const base = books.pnl[previousMonth(month)];
  if (!base || !books.pnl[month]) throw noFigures("budget", month);
  const plan = (kind: string, l: { account: string; amount: number }) => {
    const swing = ((hash32(`budget:${kind}:${l.account}:${month}`) % 21) - 10) / 100;
    return { account: l.account, amount: Math.round((l.amount * 1.015 * (1 + swing)) / 100) * 100 };
  };
  return {
    month,
    currency: base.currency,
    income: base.income.map((l) => plan("income", l)),
    expenses: base.expenses.map((l) => plan("expenses", l)),
  };
}

/** Months of expenses the organisation keeps in the bank (4..9, fixed per organisation). */
function cashMonths(organisation: string): number {
  return 4 + (hash32(`cash:${organisation}`) % 6);
}

export function demoCashSummary(books: Books, month: Month, currency: string, organisation: string): CashSummary {
  const pnl = books.pnl[month];
  // Xero's bank summary of a month before the books begin is all zeros, not an error.
  if (!pnl) return { month, currency, opening: 0, received: 0, spent: 0, closing: 0 };
  const closingOf = (m: Month) => {
    const p = books.pnl[m];
    const sinceJanuary = Number(m.slice(5, 7)) - 1;
    const held = cashMonths(organisation) * (1 - 0.04 * sinceJanuary);
    return p ? Math.round((held * p.totalExpenses) / 1000) * 1000 : undefined;
  };
  const closing = closingOf(month)!;
  const opening = closingOf(previousMonth(month)) ?? closing;
  const received = cents(pnl.totalIncome);
  return { month, currency, opening, received, spent: cents(opening + received - closing), closing };
}
