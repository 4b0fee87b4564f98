/**
 * Budget variance and cash runway (issue 16, item 6): "how are we against budget?" and "what's
 * our runway?" through the composed app (offline model), and the close digest's budget and
 * runway blocks, on the demo and the second organisation, on a month end, the year end and a
 * leap day; the same close digest over the real Xero connector against the Xero fake. Expected
 * figures are worked out here by plain arithmetic from the generated books and their budget,
 * never read from the bot.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { renderCard } from "../adapters/slack/format/block-kit.ts";
import { renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { loadConfig } from "../src/config/load.ts";
import { type Card, cardToText } from "../src/core/card.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { CashSummary } from "../src/core/domain/accounting.ts";
import { type Month, previousMonth } from "../src/core/domain/common.ts";
import { silentLogger } from "../src/core/logger.ts";
import { closeMonth, localToday } from "../src/core/period.ts";
import { compose } from "../src/main.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { budgetVariance, cashRunway } from "../tools/accounting/finance-figures.ts";
import { runwayMonths } from "../tools/accounting/finance-tools.ts";
import { toBudgetFigures, toCashSummary } from "../tools/accounting/xero-finance.ts";
import { demoBudget, demoCashSummary } from "../tools/demo/finance.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { expectValidAdaptiveCard } from "./support/adaptive-cards.ts";
import { blockKitViolations } from "./support/block-kit.ts";
import { startOrgFakes } from "./support/org-fakes/index.ts";
import { type SweepOrg, sweepOrgs } from "./support/sweep.ts";
import { threadWorld } from "./support/thread-world.ts";

const orgs = [sweepOrgs[0]!, sweepOrgs[2]!];
const dates = ["2027-01-31T22:45:00Z", "2026-12-31T23:59:00Z", "2028-02-29T12:00:00Z"];

function expectRendersOnBothPlatforms(card: Card): void {
  expect(blockKitViolations(renderCard(card))).toEqual([]);
  expectValidAdaptiveCard(renderAdaptiveCard(card));
}

const inCurrency = (n: number, currency: string) =>
  new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    maximumFractionDigits: Number.isInteger(n) ? 0 : 2,
  }).format(n);
const r2 = (n: number) => Math.round(n * 100) / 100;

describe("budget variance arithmetic", () => {
  const pnl = {
    month: "2026-11",
    currency: "USD",
    income: [{ account: "Sales", amount: 90_000 }],
    expenses: [
      { account: "Rent", amount: 12_000 },
      { account: "Travel", amount: 3_000 },
    ],
    totalIncome: 90_000,
    totalExpenses: 15_000,
    netProfit: 75_000,
  };
  const budget = {
    month: "2026-11",
    currency: "USD",
    income: [{ account: "Sales", amount: 100_000 }],
    expenses: [
      { account: "Rent", amount: 10_000 },
      { account: "Travel", amount: 6_000 },
    ],
  };

  it("puts over-budget expenses and short income first among the unfavourable lines, largest first", () => {
    const v = budgetVariance(pnl, budget);
    expect(v.lines.map((l) => [l.account, l.variance, l.unfavourable])).toEqual([
      ["Sales", -10_000, true],
      ["Travel", -3_000, false],
      ["Rent", 2_000, true],
    ]);
    expect(v.lines.find((l) => l.account === "Rent")?.variancePct).toBe(20);
    expect(v.totals.netProfit).toEqual({ actual: 75_000, budget: 84_000, variance: -9_000 });
  });

  it("compares a month in progress with the budget's share of the days gone", () => {
    const v = budgetVariance(pnl, budget, { day: 10, days: 30 });
    expect(v.lines.find((l) => l.account === "Sales")?.budget).toBe(33_333.33);
    expect(v.monthToDate).toEqual({ day: 10, days: 30 });
  });
});

describe("cash runway arithmetic", () => {
  const month = (m: Month, opening: number, received: number, spent: number): CashSummary => ({
    month: m,
    currency: "USD",
    opening,
    received,
    spent,
    closing: opening + received - spent,
  });

  it("divides the last balance by the average net burn of the months", () => {
    const r = cashRunway([
      month("2026-09", 1_000_000, 100_000, 160_000),
      month("2026-10", 940_000, 100_000, 150_000),
      month("2026-11", 890_000, 100_000, 140_000),
    ]);
    expect(r.averageNetBurn).toBe(50_000);
    expect(r.balance).toBe(850_000);
    expect(r.runwayMonths).toBe(17);
    expect(r.burning).toBe(true);
  });

  it("has no runway figure when cash grew on average", () => {
    const r = cashRunway([month("2026-10", 100, 50, 20), month("2026-11", 130, 50, 60)]);
    expect(r.burning).toBe(false);
    expect(r.runwayMonths).toBeUndefined();
    expect(r.averageNetBurn).toBe(-10);
  });

  it("averages the three whole months before today's, across a year end and a leap February", () => {
    expect(runwayMonths(Date.parse("2027-01-31T22:45:00Z"), "UTC")).toEqual(["2026-10", "2026-11", "2026-12"]);
    // Berlin is already in 2027 at 23:59 UTC on December 31.
    expect(runwayMonths(Date.parse("2026-12-31T23:59:00Z"), "Europe/Berlin")).toEqual([
      "2026-10",
      "2026-11",
      "2026-12",
    ]);
    expect(runwayMonths(Date.parse("2026-12-31T23:59:00Z"), "UTC")).toEqual(["2026-09", "2026-10", "2026-11"]);
    expect(runwayMonths(Date.parse("2028-02-29T12:00:00Z"), "UTC")).toEqual(["2027-11", "2027-12", "2028-01"]);
  });
});

describe("Xero's budget and bank summary reports", () => {
  it("reads account rows of a one-month budget summary and the Total row of a bank summary", () => {
    const budget = toBudgetFigures(
      {
        rows: [
          { rowType: "Header", cells: [{ value: "Account" }, { value: "Nov-26" }] },
          {
            rowType: "Section",
            title: "Income",
            rows: [{ rowType: "Row", cells: [{ value: "Sales" }, { value: "1,200.00" }] }],
          },
          {
            rowType: "Section",
            title: "Less Operating Expenses",
            rows: [{ rowType: "Row", cells: [{ value: "Rent" }, { value: "300.00" }] }],
          },
          {
            rowType: "Section",
            title: "",
            rows: [{ rowType: "SummaryRow", cells: [{ value: "Net Profit" }, { value: "900.00" }] }],
          },
        ],
      },
      "2026-11",
      "USD",
    );
    expect(budget.income).toEqual([{ account: "Sales", amount: 1200 }]);
    expect(budget.expenses).toEqual([{ account: "Rent", amount: 300 }]);
    // The shape of the spec's example (Opening, Received, Spent, Closing).
    const cash = toCashSummary(
      {
        rows: [
          {
            rowType: "Header",
            cells: [
              { value: "Bank Accounts" },
              { value: "Opening Balance" },
              { value: "Cash Received" },
              { value: "Cash Spent" },
              { value: "Closing Balance" },
            ],
          },
          {
            rowType: "Section",
            title: "",
            rows: [
              {
                rowType: "Row",
                cells: [
                  { value: "Big City Bank" },
                  { value: "0.00" },
                  { value: "110.00" },
                  { value: "100.00" },
                  { value: "10.00" },
                ],
              },
              {
                rowType: "SummaryRow",
                cells: [
                  { value: "Total" },
                  { value: "0.00" },
                  { value: "110.00" },
                  { value: "100.00" },
                  { value: "10.00" },
                ],
              },
            ],
          },
        ],
      },
      "2019-04",
      "USD",
    );
    expect(cash).toMatchObject({ opening: 0, received: 110, spent: 100, closing: 10 });
  });
});

/** What the books say, by plain arithmetic over the generated months and their budget. */
function expectedFor(o: SweepOrg, now: number) {
  const org = generateDemoOrg({ now, profile: o.profile });
  const tz = o.org.timezone;
  const month = closeMonth(now, tz);
  const pnl = org.accounting.pnl[month]!;
  const budget = demoBudget(org.accounting, month);
  const today = localToday(now, tz);
  const [y, m] = month.split("-").map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const day = Number(today.slice(8, 10));
  const share = today.slice(0, 7) === month && day < days ? day / days : 1;
  const budgetIncome = r2(budget.income.reduce((s, l) => s + r2(l.amount * share), 0));
  const budgetExpenses = r2(budget.expenses.reduce((s, l) => s + r2(l.amount * share), 0));
  const netVariance = r2(pnl.totalIncome - pnl.totalExpenses - (budgetIncome - budgetExpenses));
  const last = previousMonth(today.slice(0, 7));
  const months = [previousMonth(previousMonth(last)), previousMonth(last), last];
  const cash = months.map((mm) => demoCashSummary(org.accounting, mm, o.profile.currency, o.profile.organisation));
  const burn = r2(cash.reduce((s, c) => s + (c.spent - c.received), 0) / 3);
  const balance = cash[2]!.closing;
  return { month, pnl, budgetIncome, budgetExpenses, netVariance, burn, balance, share };
}

for (const o of orgs) {
  describe(`budget and runway on ${o.label}`, () => {
    for (const at of dates) {
      it(`answers "how are we against budget?" and "what's our runway?" from the books (${at})`, async () => {
        const now = Date.parse(at);
        const e = expectedFor(o, now);
        const c = o.profile.currency;
        const world = await threadWorld(o, now);
        try {
          const budget = (await world.say("how are we against budget?")).map(cardToText).join("\n");
          expect(budget).toContain(
            `Income: ${inCurrency(e.pnl.totalIncome, c)} vs ${inCurrency(e.budgetIncome, c)} budget`,
          );
          expect(budget).toContain(
            `Expenses: ${inCurrency(e.pnl.totalExpenses, c)} vs ${inCurrency(e.budgetExpenses, c)} budget`,
          );
          expect(budget).toContain(inCurrency(Math.abs(e.netVariance), c));
          expect(budget).toContain(e.netVariance >= 0 ? "ahead of budget" : "behind budget");
          if (e.share < 1) expect(budget).toContain("budget pro rata");

          const runway = (await world.say("what's our runway?")).map(cardToText).join("\n");
          expect(runway).toContain(inCurrency(e.balance, c));
          if (e.burn > 0) {
            expect(runway).toContain(`About ${Math.round((e.balance / e.burn) * 10) / 10} months of runway`);
            expect(runway).toContain(`burning ${inCurrency(e.burn, c)} a month`);
          } else {
            expect(runway).toContain("Not burning cash");
            expect(runway).toContain(inCurrency(-e.burn, c));
          }
        } finally {
          await world.close();
        }
      });

      it(`shows the budget and the runway in the close digest, the same over Xero as over the demo (${at})`, async () => {
        const now = Date.parse(at);
        const e = expectedFor(o, now);
        const c = o.profile.currency;
        const world = await threadWorld(o, now);
        const clock = fixedClock(now);
        const fakes = await startOrgFakes(generateDemoOrg({ now, profile: o.profile }), clock);
        const output = new PassThrough();
        output.resume();
        const xeroApp = await compose(
          { env: loadConfig({}).env, org: o.org, orgSource: "test" },
          { store: new MemoryStore({ clock }), clock, logger: silentLogger, output, ports: fakes.ports },
        );
        try {
          const { card } = await world.app.scheduler.runNow("close", { post: false });
          const text = cardToText(card);
          expect(text).toContain("Against budget");
          expect(text).toContain(`${inCurrency(e.pnl.totalIncome, c)} vs ${inCurrency(e.budgetIncome, c)}`);
          expect(text).toContain("Cash runway:");
          expect(text).toContain(inCurrency(e.balance, c));
          expect(text).toContain(e.burn > 0 ? `average net burn ${inCurrency(e.burn, c)}` : "not burning");
          expectRendersOnBothPlatforms(card);

          const overXero = await xeroApp.scheduler.runNow("close", { post: false });
          const xeroText = cardToText(overXero.card);
          const financePart = (t: string) => t.slice(t.indexOf("Against budget"), t.indexOf("Cash runway:") + 200);
          expect(financePart(xeroText)).toBe(financePart(text));
          expect(fakes.xero.refusals).toEqual([]);
          expect(fakes.xero.requests.some((r) => r.path.startsWith("/api.xro/2.0/Reports/BudgetSummary"))).toBe(true);
        } finally {
          await xeroApp.close();
          await fakes.close();
          await world.close();
        }
      });
    }
  });
}
