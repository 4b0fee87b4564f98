/**
 * The accounting tools' periods over a fake ledger whose books start in a given month: every
 * total is checked against a plain sum of the monthly figures the fake was given.
 */
import type { StructuredToolInterface } from "@langchain/core/tools";
import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/core/clock.ts";
import type { AccountingPort, ProfitAndLoss } from "../../src/core/domain/accounting.ts";
import { DaybookError } from "../../src/core/errors.ts";
import { monthsBetween } from "../../src/core/period.ts";
import { EntityLabels } from "../shared/compact.ts";
import { proRataPnl, sumPnl } from "./period-pnl.ts";
import { accountingReadTools } from "./tools.ts";

/** A month's P&L whose figures grow with the month index, so every month differs. */
function monthPnl(month: string): ProfitAndLoss {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const k = (y - 2025) * 12 + m;
  const income = [{ account: "Sales", amount: 100_000 + k * 1_000 }];
  const expenses = [
    { account: "Payroll", amount: 50_000 + k * 100 },
    { account: "Software", amount: 4_000.25 + k },
  ];
  const totalIncome = income.reduce((s, l) => s + l.amount, 0);
  const totalExpenses = expenses.reduce((s, l) => s + l.amount, 0);
  return {
    month,
    currency: "EUR",
    income,
    expenses,
    totalIncome,
    totalExpenses,
    netProfit: totalIncome - totalExpenses,
  };
}

function ledger(firstMonth: string, lastMonth = "2027-12") {
  const asked: string[] = [];
  const port: AccountingPort = {
    listInvoices: async () => [],
    getInvoice: async () => {
      throw new DaybookError("not_found", "no invoices");
    },
    listPurchaseOrders: async () => [],
    listBankTransactions: async () => [],
    getProfitAndLoss: async (month) => {
      asked.push(month);
      if (month < firstMonth || month > lastMonth) throw new DaybookError("not_found", `no P&L for ${month}`);
      return monthPnl(month);
    },
    approveInvoice: async () => ({ id: "x", status: "AUTHORISED" }),
    rejectInvoice: async () => ({ id: "x", status: "VOIDED" }),
  };
  return { port, asked };
}

function tools(port: AccountingPort, now: string, timeZone = "UTC") {
  const list = accountingReadTools(port, { clock: fixedClock(now), labels: new EntityLabels(), timeZone });
  const byName = (name: string) => list.find((t) => t.name === name) as StructuredToolInterface;
  return async (name: string, args: Record<string, unknown> = {}) =>
    JSON.parse((await byName(name).invoke(args)) as string) as Record<string, unknown>;
}

const expectedTotals = (months: string[]) => {
  const sum = sumPnl(months.map(monthPnl));
  return { totalIncome: sum.totalIncome, totalExpenses: sum.totalExpenses, netProfit: sum.netProfit };
};

describe("accounting_profit_and_loss over periods", () => {
  it("sums the months of a quarter and compares with the quarter before", async () => {
    const call = tools(ledger("2025-01").port, "2026-12-01T09:00:00Z");

    const out = await call("accounting_profit_and_loss", { period: "Q3" });

    expect(out).toMatchObject({
      period: "Q3 2026",
      from: "2026-07-01",
      to: "2026-09-30",
      months: ["2026-07", "2026-08", "2026-09"],
      comparedTo: "Q2 2026",
      comparedMonths: ["2026-04", "2026-05", "2026-06"],
      currency: "EUR",
      ...expectedTotals(["2026-07", "2026-08", "2026-09"]),
      netProfitPrevious: expectedTotals(["2026-04", "2026-05", "2026-06"]).netProfit,
    });
    const payroll = (out.expenses as { account: string; amount: number; previous: number }[]).find(
      (e) => e.account === "Payroll",
    );
    expect(payroll).toMatchObject({
      amount: 3 * 50_000 + (19 + 20 + 21) * 100,
      previous: 3 * 50_000 + (16 + 17 + 18) * 100,
    });
  });

  it("sums YTD on 1 December from January and compares with last year to the same point, December pro rata to day 1", async () => {
    const call = tools(ledger("2025-01").port, "2026-12-01T09:00:00Z");

    const out = await call("accounting_profit_and_loss", { period: "YTD" });

    const months = monthsBetween("2026-01", "2026-12");
    expect(out).toMatchObject({
      period: "1 Jan–1 Dec 2026",
      months,
      ...expectedTotals(months),
      monthToDate: "December 2026 to day 1 of 31",
      comparedTo: "1 Jan–1 Dec 2025 to the same point (December 2025 pro rata to day 1)",
    });
    const december = sumPnl([proRataPnl(monthPnl("2025-12"), 1 / 31)]).netProfit;
    const before = expectedTotals(monthsBetween("2025-01", "2025-11")).netProfit;
    expect(out.netProfitPrevious).toBeCloseTo(before + december, 1);
  });

  it("compares a quarter in progress with the quarter before cut to the same point, not with all of it", async () => {
    const call = tools(ledger("2025-01").port, "2026-11-23T09:00:00Z");

    const out = await call("accounting_profit_and_loss", { period: "this quarter" });

    expect(out).toMatchObject({
      period: "Q4 2026",
      months: ["2026-10", "2026-11"],
      monthToDate: "November 2026 to day 23 of 30",
    });
    const payroll = (out.expenses as { account: string; previous: number }[]).find((e) => e.account === "Payroll");
    // July whole, August to the same share of the month as November has run (23 of 30 days).
    expect(payroll?.previous).toBeCloseTo(50_000 + 19 * 100 + (50_000 + 20 * 100) * (23 / 30), 1);
  });

  it("takes a span of months from/to and compares with as many months before it", async () => {
    const call = tools(ledger("2025-01").port, "2026-12-01T09:00:00Z");

    const out = await call("accounting_profit_and_loss", { from: "2026-09", to: "2026-11" });

    expect(out).toMatchObject({ period: "Sep–Nov 2026", comparedTo: "Jun–Aug 2026" });
    expect(out.totalIncome).toBe(expectedTotals(["2026-09", "2026-10", "2026-11"]).totalIncome);
  });

  it("says in one line that there is nothing to compare with when the books started this period", async () => {
    const call = tools(ledger("2026-07").port, "2026-12-01T09:00:00Z");

    const quarter = await call("accounting_profit_and_loss", { period: "last quarter" });
    const month = await call("accounting_profit_and_loss", { month: "2026-07" });

    expect(quarter).toMatchObject({ period: "Q3 2026", comparison: "No figures for Q2 2026 to compare with." });
    expect(quarter).not.toHaveProperty("netProfitPrevious");
    expect(quarter).not.toHaveProperty("error");
    expect(month).toMatchObject({ month: "2026-07", comparison: "No figures for June 2026 to compare with." });
  });

  it("sums the months the books have and names the ones they do not", async () => {
    const call = tools(ledger("2026-02").port, "2026-12-01T09:00:00Z");

    const out = await call("accounting_profit_and_loss", { period: "Q1 2026" });

    expect(out).toMatchObject({
      months: ["2026-02", "2026-03"],
      noFiguresFor: "January 2026",
      comparison: "No figures for Q4 2025 to compare with.",
      ...expectedTotals(["2026-02", "2026-03"]),
    });
  });

  it("compares only equal months: a year whose year before is partly in the books is not compared", async () => {
    const call = tools(ledger("2025-09").port, "2026-12-01T09:00:00Z");

    const ytd = await call("accounting_profit_and_loss", { period: "YTD" });
    const started = await call("accounting_profit_and_loss", { period: "Q4 2025" });

    expect(ytd).toMatchObject({ comparison: "No figures for January–August 2025 to compare with." });
    expect(ytd).not.toHaveProperty("netProfitPrevious");
    expect((ytd.expenses as { changePct?: number }[]).every((e) => e.changePct === undefined)).toBe(true);
    expect(started).toMatchObject({
      months: ["2025-10", "2025-11", "2025-12"],
      // Q3 2025 is only September in these books: no comparison, and the gap is named.
      comparison: "No figures for July–August 2025 to compare with.",
    });
    expect(await call("accounting_profit_and_loss", { from: "2025-10", to: "2025-11" })).toMatchObject({
      comparison: "No figures for August 2025 to compare with.",
    });
  });

  it("keeps a single month working as before, defaulting to the org's current month", async () => {
    const { port, asked } = ledger("2025-01");
    // 1 December 02:00 UTC is still 30 November in New York.
    const call = tools(port, "2026-12-01T02:00:00Z", "America/New_York");

    const out = await call("accounting_profit_and_loss");

    expect(out).toMatchObject({ month: "2026-11", comparedTo: "2026-10", netProfit: monthPnl("2026-11").netProfit });
    expect(asked).toEqual(["2026-11", "2026-10"]);
  });

  it("refuses a period it cannot read, a week, and a quarter that has not started, with readable messages", async () => {
    const call = tools(ledger("2025-01").port, "2026-12-01T09:00:00Z");

    expect(await call("accounting_profit_and_loss", { period: "whenever" })).toMatchObject({
      code: "bad_request",
      error: expect.stringContaining("Q3 2026"),
    });
    expect(await call("accounting_profit_and_loss", { period: "this week" })).toMatchObject({
      error: expect.stringContaining("by month"),
    });
    expect(await call("accounting_profit_and_loss", { period: "Q1 2027" })).toMatchObject({
      error: "Q1 2027 has not started yet.",
    });
    expect(await call("accounting_profit_and_loss", { from: "2026-11", to: "2026-09" })).toMatchObject({
      code: "bad_request",
    });
  });
});

describe("accounting month defaults in the org's timezone", () => {
  it("checks the month being closed when no month is given: November on 1 December", async () => {
    const { port, asked } = ledger("2026-11");
    const call = tools(port, "2026-12-01T09:00:00Z", "Europe/London");

    const out = await call("accounting_close_exceptions");

    expect(out).toMatchObject({ month: "2026-11", comparison: "No figures for October 2026 to compare with." });
    expect(out).not.toHaveProperty("error");
    expect(asked.sort()).toEqual(["2026-10", "2026-11"]);
  });

  it("checks the current month from the 11th, and the org's date decides the day", async () => {
    const auckland = tools(ledger("2025-01").port, "2026-12-10T12:00:00Z", "Pacific/Auckland");
    const utc = tools(ledger("2025-01").port, "2026-12-10T12:00:00Z", "UTC");

    expect((await auckland("accounting_close_exceptions")).month).toBe("2026-12");
    expect((await utc("accounting_close_exceptions")).month).toBe("2026-11");
  });

  it("lists bills and bank lines of the org's current month", async () => {
    const call = tools(ledger("2025-01").port, "2026-11-30T11:30:00Z", "Pacific/Auckland");

    expect((await call("accounting_invoices")).month).toBe("2026-12");
    expect((await call("accounting_bank_transactions")).month).toBe("2026-12");
  });
});
