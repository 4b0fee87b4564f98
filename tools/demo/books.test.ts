import { describe, expect, it } from "vitest";
import { previousMonth } from "../../src/core/domain/common.ts";
import { demoCloseMonth, generateDemoOrg, HISTORY_MONTHS, northwindProfile, scenario } from "./generate.ts";

const at = (iso: string) => Date.parse(iso);
const books = (iso: string, timeZone = "UTC") =>
  generateDemoOrg({ now: at(iso), profile: { ...northwindProfile, timeZone } }).accounting;

/** Dates where a calendar bug would show: month and year ends, leap days, both DST changes. */
const dates = [
  "2026-12-01T09:00:00Z",
  "2026-12-10T23:59:00Z",
  "2026-12-11T00:00:00Z",
  "2026-12-31T23:59:59Z",
  "2027-01-01T00:00:00Z",
  "2028-02-29T12:00:00Z",
  "2028-03-01T00:00:00Z",
  "2026-03-29T01:30:00Z",
  "2026-10-25T01:30:00Z",
  "2027-11-07T06:30:00Z",
];

describe("the demo books over a rolling window", () => {
  it.each(dates)("cover twenty-four whole months and the current one on %s", (iso) => {
    const a = books(iso);
    expect(a.months).toHaveLength(HISTORY_MONTHS + 1);
    expect(a.months.at(-1)).toBe(iso.slice(0, 7));
    expect(a.months[0]).toBe(
      Array.from({ length: HISTORY_MONTHS }).reduce<string>((m) => previousMonth(m), iso.slice(0, 7)),
    );
    for (const m of a.months) {
      expect(a.pnl[m]?.month, m).toBe(m);
      expect(a.bank[m], m).toBeDefined();
    }
    expect(a.invoices.every((i) => Date.parse(i.date) <= at(iso))).toBe(true);
    expect(Object.values(a.bank).every((lines) => lines.every((b) => b.date <= iso.slice(0, 10)))).toBe(true);
  });

  it("keeps the named close exceptions in the month that just ended during a month's first ten days", () => {
    expect(books("2026-12-01T09:00:00Z").month).toBe("2026-11");
    expect(books("2026-12-10T23:59:00Z").month).toBe("2026-11");
    expect(books("2026-12-11T00:00:00Z").month).toBe("2026-12");
    expect(books("2027-01-03T08:00:00Z").month).toBe("2026-12");
    for (const iso of dates) {
      const a = books(iso);
      const named = a.invoices.filter((i) => Object.values(scenario.invoices).includes(i.number as never));
      expect(named.map((i) => i.date.slice(0, 7))).toEqual([a.month, a.month, a.month]);
      expect(a.bankTransactions.filter((b) => !b.reconciled).map((b) => b.id)).toHaveLength(3);
    }
  });

  it("judges the month being closed in the organisation's timezone", () => {
    // 02:00 UTC on the 11th is still the 10th in New York: November is being closed there.
    expect(demoCloseMonth(at("2026-12-11T02:00:00Z"), "UTC")).toBe("2026-12");
    expect(demoCloseMonth(at("2026-12-11T02:00:00Z"), "America/New_York")).toBe("2026-11");
    expect(books("2026-12-11T02:00:00Z", "America/New_York").month).toBe("2026-11");
    // 23:30 UTC on Nov 30 is already December 1 in Auckland.
    expect(books("2026-11-30T23:30:00Z", "Pacific/Auckland").currentMonth).toBe("2026-12");
  });

  it("describes a whole month with the same figures on every later day", () => {
    const first = books("2026-12-01T09:00:00Z");
    const tenth = books("2026-12-10T18:00:00Z");
    expect(JSON.stringify(tenth.pnl["2026-11"])).toBe(JSON.stringify(first.pnl["2026-11"]));
    expect(tenth.bank["2026-11"]).toEqual(first.bank["2026-11"]);
    expect(tenth.invoices.filter((i) => i.date.startsWith("2026-11"))).toEqual(
      first.invoices.filter((i) => i.date.startsWith("2026-11")),
    );
    // A month away from the close keeps its books from one day to the next, even months later.
    const later = books("2027-02-20T09:00:00Z");
    expect(later.pnl["2026-08"]).toEqual(first.pnl["2026-08"]);
    expect(later.bank["2026-08"]).toEqual(first.bank["2026-08"]);
  });

  it("keeps every month other than the close month clean: POs for every bill, every bank line reconciled", () => {
    const a = books("2026-12-01T09:00:00Z");
    const poNumbers = new Set(a.purchaseOrders.map((p) => p.number));
    for (const m of a.months.filter((x) => x !== a.month)) {
      const bills = a.invoices.filter((i) => i.date.startsWith(m));
      expect(
        bills.every((b) => b.purchaseOrderNumber && poNumbers.has(b.purchaseOrderNumber)),
        m,
      ).toBe(true);
      expect(new Set(bills.map((b) => `${b.contact.id}:${b.total}`)).size, m).toBe(bills.length);
      expect(
        a.bank[m]!.every((b) => b.reconciled),
        m,
      ).toBe(true);
      expect(
        bills.some((b) => b.status === "SUBMITTED"),
        m,
      ).toBe(false);
    }
  });

  it("gives every bill, purchase order and bank line its own id across the window", () => {
    const a = books("2027-01-05T09:00:00Z");
    expect(new Set(a.invoices.map((i) => i.number)).size).toBe(a.invoices.length);
    expect(new Set(a.invoices.map((i) => i.id)).size).toBe(a.invoices.length);
    expect(new Set(a.purchaseOrders.map((p) => p.number)).size).toBe(a.purchaseOrders.length);
    const lines = Object.values(a.bank).flat();
    expect(new Set(lines.map((b) => b.id)).size).toBe(lines.length);
    expect(a.invoices.every((i) => Number(i.number) > 0)).toBe(true);
  });

  it("grows revenue over the year, so a year ago reads smaller than last month", () => {
    const a = books("2026-12-15T09:00:00Z");
    expect(a.pnl["2025-11"]!.totalIncome).toBeLessThan(a.pnl["2026-11"]!.totalIncome);
  });

  it("starts the current month's books on its first day, with that day's lines only", () => {
    const a = books("2026-12-01T09:00:00Z");
    expect(a.bank["2026-12"]!.every((b) => b.date === "2026-12-01")).toBe(true);
    expect(a.bank["2026-12"]!.length).toBeGreaterThan(0);
    expect(a.pnl["2026-12"]!.totalIncome).toBeGreaterThan(0);
  });
});

describe("the demo books month on month", () => {
  it.each(["2026-12-01T09:00:00Z", "2026-12-20T09:00:00Z", "2027-07-04T12:00:00Z"])(
    "move every account less than 10%% between whole months on %s, so only the named variance stands out",
    (iso) => {
      const a = books(iso);
      const whole = a.months.filter((m) => m !== a.month && m !== a.currentMonth);
      for (let i = 1; i < whole.length; i++) {
        const [before, after] = [a.pnl[whole[i - 1]!]!, a.pnl[whole[i]!]!];
        const prev = new Map(before.expenses.map((e) => [e.account, e.amount]));
        for (const e of after.expenses) {
          expect(
            Math.abs(e.amount / prev.get(e.account)! - 1),
            `${e.account} ${before.month}->${after.month}`,
          ).toBeLessThan(0.1);
        }
        expect(Math.abs(after.totalIncome / before.totalIncome - 1)).toBeLessThan(0.1);
      }
    },
  );
});
