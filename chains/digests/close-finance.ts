/**
 * The close digest's budget and runway blocks (issue 16, item 6): the month being closed against
 * its budget, and the cash runway, from the same loaders the on-demand tools use
 * (tools/accounting/finance-tools.ts). A system without budgets or a month without one is one
 * line saying so, never a missing card.
 */
import type { CardBlock } from "../../src/core/card.ts";
import type { Month } from "../../src/core/domain/common.ts";
import { DaybookError } from "../../src/core/errors.ts";
import { localToday, monthLabel } from "../../src/core/period.ts";
import type { BudgetVariance, CashRunway } from "../../tools/accounting/finance-figures.ts";
import { loadBudgetVariance, loadCashRunway } from "../../tools/accounting/finance-tools.ts";
import { money, signedPct } from "./format.ts";
import type { DigestDeps } from "./types.ts";

export interface CloseFinance {
  budget: BudgetVariance | { missing: string };
  runway: CashRunway | { missing: string };
}

async function orMissing<T>(load: () => Promise<T>): Promise<T | { missing: string }> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof DaybookError && ["not_found", "forbidden", "bad_request"].includes(error.code)) {
      return { missing: error.userMessage };
    }
    throw error;
  }
}

export async function loadCloseFinance(deps: DigestDeps, month: Month): Promise<CloseFinance> {
  const tz = deps.timeZone ?? "UTC";
  const now = deps.clock.now();
  const accounting = deps.ports.accounting;
  const [budget, runway] = await Promise.all([
    orMissing(() => loadBudgetVariance(accounting, month, localToday(now, tz))),
    orMissing(() => loadCashRunway(accounting, now, tz)),
  ]);
  return { budget, runway };
}

const signedMoney = (n: number, currency: string) => `${n > 0 ? "+" : n < 0 ? "-" : ""}${money(Math.abs(n), currency)}`;

export function closeFinanceBlocks(finance: CloseFinance): CardBlock[] {
  const blocks: CardBlock[] = [];
  const b = finance.budget;
  if ("missing" in b) {
    blocks.push({ type: "context", text: `Budget: ${b.missing}` });
  } else {
    const c = b.currency;
    const t = b.totals;
    const against = b.monthToDate ? ` (day ${b.monthToDate.day} of ${b.monthToDate.days}, budget pro rata)` : "";
    const off = b.lines.filter((l) => l.unfavourable).slice(0, 4);
    blocks.push({ type: "text", text: `**Against budget, ${monthLabel(b.month)}${against}**` });
    blocks.push({
      type: "fields",
      fields: [
        { label: "Income", value: `${money(t.income.actual, c)} vs ${money(t.income.budget, c)}` },
        { label: "Expenses", value: `${money(t.expenses.actual, c)} vs ${money(t.expenses.budget, c)}` },
        { label: "Net profit vs budget", value: signedMoney(t.netProfit.variance, c) },
      ],
    });
    if (off.length > 0) {
      blocks.push({
        type: "list",
        title: "**Off budget**",
        items: off.map((l) => ({
          title: `${l.account} ${l.variancePct !== undefined ? signedPct(l.variancePct) : ""}`.trim(),
          text: `${money(l.actual, c)} vs ${money(l.budget, c)} budget (${l.kind === "expenses" ? "over" : "short"} by ${money(Math.abs(l.variance), c)})`,
        })),
      });
    }
  }
  const r = finance.runway;
  if ("missing" in r) {
    blocks.push({ type: "context", text: `Runway: ${r.missing}` });
  } else {
    const c = r.currency;
    const span = `${monthLabel(r.months[0]!.month)} to ${monthLabel(r.asOf)}`;
    blocks.push({
      type: "text",
      text:
        r.runwayMonths !== undefined
          ? `**Cash runway:** about ${r.runwayMonths} months (${money(r.balance, c)} at the end of ${monthLabel(r.asOf)}, average net burn ${money(r.averageNetBurn, c)} a month, ${span}).`
          : `**Cash runway:** not burning (${money(r.balance, c)} at the end of ${monthLabel(r.asOf)}; cash grew ${money(-r.averageNetBurn, c)} a month on average, ${span}).`,
    });
  }
  return blocks;
}
