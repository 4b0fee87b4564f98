import { describe, expect, it } from "vitest";
import type { BankTransaction, Invoice, ProfitAndLoss } from "../../src/core/domain/accounting.ts";
import { CloseReportCache, closeInputVersion } from "./close-cache.ts";
import { type CheckInput, type CloseInput, findCloseExceptions, runCloseChecks } from "./close-checks.ts";

function pnl(month: string, software: number): ProfitAndLoss {
  return {
    month,
    currency: "USD",
    income: [{ account: "Sales", amount: 10_000 }],
    expenses: [{ account: "Software", amount: software }],
    totalIncome: 10_000,
    totalExpenses: software,
    netProfit: 10_000 - software,
  };
}

function bill(id: string, total: number, date: string, over: Partial<Invoice> = {}): Invoice {
  return {
    id,
    number: `INV-${id}`,
    type: "ACCPAY",
    contact: { id: "v1", name: "Hosting Co" },
    date,
    total,
    currency: "USD",
    status: "AUTHORISED",
    lines: [],
    ...over,
  };
}

function line(id: string, amount: number, date: string, over: Partial<BankTransaction> = {}): BankTransaction {
  return {
    id,
    date,
    amount,
    kind: "SPEND",
    description: "card payment",
    contact: "Hosting Co",
    reconciled: false,
    bankAccount: "Operating",
    ...over,
  };
}

function november(): CloseInput {
  return {
    month: "2026-11",
    invoices: [bill("1", 120, "2026-11-03"), bill("2", 120, "2026-11-04"), bill("3", 75, "2026-11-09")],
    purchaseOrders: [],
    bankTransactions: [line("t1", -120, "2026-11-05"), line("t2", -999, "2026-11-06")],
    pnl: pnl("2026-11", 1_000),
    previousPnl: pnl("2026-10", 1_500),
    asOf: "2026-11-30",
  };
}

function countingCache() {
  const calls: CheckInput[] = [];
  const cache = new CloseReportCache({
    find: async (input, opts) => {
      calls.push(input);
      return findCloseExceptions(input, opts);
    },
  });
  return { cache, calls };
}

describe("close report cache", () => {
  it("answers a repeated question from the cache without running the checks again", async () => {
    const { cache, calls } = countingCache();
    const first = await cache.report(november());
    // The connector lists the month again: new objects, same records.
    const second = await cache.report(november());
    expect(calls).toHaveLength(1);
    expect(second).toStrictEqual(first);
    expect(second).toStrictEqual(runCloseChecks(november()));
  });

  it("runs the checks again when a line is reconciled, a bill changes status or a line is added", async () => {
    const { cache, calls } = countingCache();
    await cache.report(november());
    const changes: ((m: CloseInput) => void)[] = [
      (m) => {
        m.bankTransactions[1] = { ...m.bankTransactions[1]!, reconciled: true, matchedTo: "3" };
      },
      (m) => {
        m.invoices[2] = { ...m.invoices[2]!, status: "VOIDED" };
      },
      (m) => {
        m.bankTransactions.push(line("t3", -75, "2026-11-10"));
      },
    ];
    for (const change of changes) {
      const m = november();
      change(m);
      const report = await cache.report(m);
      expect(report).toStrictEqual(runCloseChecks(m));
    }
    expect(calls).toHaveLength(1 + changes.length);
  });

  it("applies the day and the P&L of each question to cached findings", async () => {
    const { cache, calls } = countingCache();
    const whole = await cache.report(november());
    const midMonth = await cache.report({ ...november(), asOf: "2026-11-15", pnl: pnl("2026-11", 800) });
    expect(calls).toHaveLength(1);
    expect(whole.monthToDate).toBeUndefined();
    expect(midMonth.monthToDate).toEqual({ day: 15, days: 30 });
    expect(midMonth).toStrictEqual(runCloseChecks({ ...november(), asOf: "2026-11-15", pnl: pnl("2026-11", 800) }));
  });

  it("keeps different months and matching windows apart", async () => {
    const { cache, calls } = countingCache();
    await cache.report(november());
    await cache.report(november(), { matchWindowDays: 1 });
    await cache.report({ ...november(), month: "2026-12" });
    expect(calls).toHaveLength(3);
  });

  it("does not keep a failed run, so the next question tries again", async () => {
    let fail = true;
    const cache = new CloseReportCache({
      find: async (input, opts) => {
        if (fail) throw new Error("worker gone");
        return findCloseExceptions(input, opts);
      },
    });
    await expect(cache.report(november())).rejects.toThrow("worker gone");
    fail = false;
    await expect(cache.report(november())).resolves.toStrictEqual(runCloseChecks(november()));
  });

  it("gives a different version for any checked field and the same for a copy", async () => {
    const base = await closeInputVersion(november());
    expect(await closeInputVersion(structuredClone(november()))).toBe(base);
    const m = november();
    m.bankTransactions[0] = { ...m.bankTransactions[0]!, reference: "INV-1" };
    expect(await closeInputVersion(m)).not.toBe(base);
    const n = november();
    n.invoices[0] = { ...n.invoices[0]!, total: 120.01 };
    expect(await closeInputVersion(n)).not.toBe(base);
  });
});
