/**
 * Budget and cash from Xero's reports (issue 16, item 6), parsed from the rows-and-sections
 * shape every Xero report shares:
 * - GET /Reports/BudgetSummary?date=<month's first day>&periods=1&timeframe=1: the overall
 *   budget for that one month, account rows under Income / expense sections
 *   (https://developer.xero.com/documentation/api/accounting/reports#budget-summary);
 * - GET /Reports/BankSummary?fromDate&toDate: per bank account Opening Balance, Cash Received,
 *   Cash Spent and Closing Balance, with a Total summary row
 *   (https://developer.xero.com/documentation/api/accounting/reports#bank-summary).
 * The columns are read by their header titles, not positions, so an added FX column is harmless.
 */
import type { XeroClient } from "xero-node";
import type { BudgetFigures, CashSummary } from "../../src/core/domain/accounting.ts";
import { type Month, monthRange } from "../../src/core/domain/common.ts";
import { DaybookError } from "../../src/core/errors.ts";
import type { ReadCache } from "../shared/read-cache.ts";
import { sectionKind, type XeroReportLike, type XeroReportRowLike } from "./normalize-xero.ts";

interface XeroFinanceDeps {
  api: XeroClient["accountingApi"];
  tenant: string;
  cache: ReadCache;
  currency(): Promise<string>;
  call<T>(operation: string, op: () => Promise<T>): Promise<T>;
}

function amount(value: string | undefined): number {
  const n = Number(String(value ?? "").replace(/,/g, ""));
  return Number.isFinite(n) ? Math.round(n * 100) / 100 : 0;
}

/** Account rows of a one-period budget summary; none means Xero holds no budget for the month. */
export function toBudgetFigures(report: XeroReportLike, month: Month, currency: string): BudgetFigures {
  const income: BudgetFigures["income"] = [];
  const expenses: BudgetFigures["expenses"] = [];
  for (const section of report.rows ?? []) {
    if (String(section.rowType) !== "Section") continue;
    const kind = sectionKind(section.title);
    if (!kind) continue;
    for (const row of section.rows ?? []) {
      if (String(row.rowType) !== "Row") continue;
      const account = row.cells?.[0]?.value?.trim();
      if (account) (kind === "income" ? income : expenses).push({ account, amount: amount(row.cells?.[1]?.value) });
    }
  }
  return { month, currency, income, expenses };
}

/** The Total row of a bank summary (or the sum of its account rows when Xero sent none). */
export function toCashSummary(report: XeroReportLike, month: Month, currency: string): CashSummary {
  const header = (report.rows ?? []).find((r) => String(r.rowType) === "Header");
  const titles = (header?.cells ?? []).map((c) => String(c.value ?? "").toLowerCase());
  const column = (name: string) => titles.findIndex((t) => t.includes(name));
  const cols = {
    opening: column("opening"),
    received: column("received"),
    spent: column("spent"),
    closing: column("closing"),
  };
  const rows: XeroReportRowLike[] = (report.rows ?? []).flatMap((s) => s.rows ?? []);
  const total = rows.find((r) => String(r.rowType) === "SummaryRow");
  const pick = (row: XeroReportRowLike, col: number) => (col < 0 ? 0 : amount(row.cells?.[col]?.value));
  const sum = (col: number) =>
    total
      ? pick(total, col)
      : Math.round(rows.filter((r) => String(r.rowType) === "Row").reduce((s, r) => s + pick(r, col), 0) * 100) / 100;
  return {
    month,
    currency,
    opening: sum(cols.opening),
    received: sum(cols.received),
    spent: sum(cols.spent),
    closing: sum(cols.closing),
  };
}

export function xeroFinance(deps: XeroFinanceDeps) {
  const { api, tenant, cache, call } = deps;
  return {
    async getBudget(month: Month): Promise<BudgetFigures> {
      const { from } = monthRange(month);
      return cache.get(`budget:${month}`, async () => {
        const res = await call("read budget summary", () => api.getReportBudgetSummary(tenant, from, 1, 1));
        const figures = toBudgetFigures(res.body.reports?.[0] ?? {}, month, await deps.currency());
        if (figures.income.length === 0 && figures.expenses.length === 0) {
          throw new DaybookError("not_found", `Xero has no budget lines for ${month}`, {
            userMessage: `Xero holds no budget for ${month}; set one up under Accounting > Budget Manager.`,
          });
        }
        return figures;
      });
    },

    async getCashSummary(month: Month): Promise<CashSummary> {
      const { from, to } = monthRange(month);
      return cache.get(`bank-summary:${month}`, async () => {
        const res = await call("read bank summary", () => api.getReportBankSummary(tenant, from, to));
        return toCashSummary(res.body.reports?.[0] ?? {}, month, await deps.currency());
      });
    },
  };
}
