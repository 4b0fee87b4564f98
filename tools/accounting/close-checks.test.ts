import { describe, expect, it } from "vitest";
import type { BankTransaction, Invoice, ProfitAndLoss, PurchaseOrder } from "../../src/core/domain/accounting.ts";
import { runCloseChecks } from "./close-checks.ts";

function bill(id: string, number: string, vendor: string, total: number, date: string, po?: string): Invoice {
  return {
    id,
    number,
    type: "ACCPAY",
    contact: { id: `v-${vendor}`, name: vendor },
    date,
    dueDate: date,
    total,
    currency: "USD",
    status: "AUTHORISED",
    ...(po ? { purchaseOrderNumber: po } : {}),
    lines: [{ description: "services", account: "Operations", amount: total }],
  };
}

function po(number: string, vendor: string, total: number): PurchaseOrder {
  return {
    id: `po-${number}`,
    number,
    contact: { id: `v-${vendor}`, name: vendor },
    date: "2026-10-01",
    total,
    status: "AUTHORISED",
  };
}

function tx(
  id: string,
  date: string,
  amount: number,
  description: string,
  over: Partial<BankTransaction> = {},
): BankTransaction {
  return {
    id,
    date,
    amount,
    kind: amount < 0 ? "SPEND" : "RECEIVE",
    description,
    reconciled: false,
    bankAccount: "Operating",
    ...over,
  };
}

function pnl(month: string, expenses: Record<string, number>, income = 100_000): ProfitAndLoss {
  const list = Object.entries(expenses).map(([account, amount]) => ({ account, amount }));
  const totalExpenses = list.reduce((s, e) => s + e.amount, 0);
  return {
    month,
    currency: "USD",
    income: [{ account: "Sales", amount: income }],
    expenses: list,
    totalIncome: income,
    totalExpenses,
    netProfit: income - totalExpenses,
  };
}

const invoices: Invoice[] = [
  bill("b1", "INV-1001", "Acme Supplies", 1_200, "2026-10-03", "PO-1"),
  bill("b2", "INV-4729", "Cloudly", 3_400, "2026-10-05"),
  bill("b3", "INV-4800", "PrintCo", 980, "2026-10-10", "PO-2"),
  bill("b4", "INV-4801", "PrintCo", 980, "2026-10-14", "PO-2"),
  bill("b5", "INV-1001", "Acme Supplies", 55, "2026-10-20", "PO-1"),
  bill("b6", "INV-2000", "PrintCo", 980, "2026-10-29", "PO-2"),
  { ...bill("b7", "INV-9", "Gone", 10, "2026-10-01"), status: "VOIDED" },
  { ...bill("s1", "S-1", "BrightTech", 5_000, "2026-10-02"), type: "ACCREC" },
  { ...bill("b8", "INV-3000", "Office Depot", 450, "2026-10-02", "PO-3"), reference: "OD-88123" },
  { ...bill("b9", "INV-3100", "Office Depot", 450, "2026-10-19", "PO-3"), reference: "OD-88123" },
];
const purchaseOrders = [
  po("PO-1", "Acme Supplies", 1_255),
  po("PO-2", "PrintCo", 2_940),
  po("PO-3", "Office Depot", 450),
];
const bankTransactions: BankTransaction[] = [
  tx("t1", "2026-10-04", -1_200, "ACME SUPPLIES", { contact: "Acme Supplies", reconciled: true, matchedTo: "b1" }),
  tx("t2", "2026-10-08", -3_400, "Payment", { reference: "INV-4729" }),
  tx("t3", "2026-10-05", 5_000, "BrightTech payment", { contact: "BrightTech" }),
  tx("t4", "2026-10-15", -2_100, "Outgoing wire transfer"),
  tx("t5", "2026-10-31", -12.5, "Monthly account fee"),
  tx("t6", "2026-10-18", 430, "Refund"),
  tx("t7", "2026-10-20", -980, "PrintCo", { contact: "PrintCo" }),
  tx("t8", "2026-10-26", -980, "PrintCo", { contact: "PrintCo" }),
];

describe("runCloseChecks", () => {
  const report = runCloseChecks({
    month: "2026-10",
    invoices,
    purchaseOrders,
    bankTransactions,
    pnl: pnl("2026-10", { Marketing: 11_800, Payroll: 50_000, Software: 4_000 }),
    previousPnl: pnl("2026-09", { Marketing: 10_000, Payroll: 49_000, Software: 5_000, Travel: 0 }),
  });

  it("runs every check but the variances when the books have no previous month", () => {
    const first = runCloseChecks({
      month: "2026-10",
      invoices,
      purchaseOrders,
      bankTransactions,
      pnl: pnl("2026-10", { Marketing: 11_800, Payroll: 50_000, Software: 4_000 }),
    });
    expect(first.variances).toEqual([]);
    expect(first.previousPnl).toBeUndefined();
    expect(first.counts.exceptions).toBe(report.counts.exceptions - report.counts.variances);
    expect(first.counts.invoicesWithoutPo).toBe(1);
  });

  it("flags a bill whose purchase order does not exist", () => {
    expect(report.invoicesWithoutPo.map((i) => i.number)).toEqual(["INV-4729"]);
    expect(report.counts.billsMatchedToPo).toBe(7);
  });

  it("flags a repeated vendor invoice number or vendor reference, not bills that each carry their own number", () => {
    const found = report.duplicates.map((d) => [d.invoice.id, d.duplicateOf.id]);
    // b3, b4 and b6 are three PrintCo invoices of 980 against PO-2, each with its own number.
    expect(found).toEqual([
      ["b9", "b8"],
      ["b5", "b1"],
    ]);
    expect(report.duplicates[0]?.reason).toBe("same vendor invoice reference OD-88123 as INV-3000 from Office Depot");
    expect(report.duplicates[1]?.reason).toBe("same invoice number INV-1001 from Acme Supplies");
  });

  it("flags the same vendor and amount within a week, not three weeks apart, when a bill has no vendor invoice number", () => {
    const unnumbered = (id: string, date: string) => ({ ...bill(id, "", "PrintCo", 980, date, "PO-2") });
    const run = runCloseChecks({
      month: "2026-10",
      invoices: [
        bill("p1", "INV-4800", "PrintCo", 980, "2026-10-10", "PO-2"),
        unnumbered("p2", "2026-10-14"),
        unnumbered("p3", "2026-10-31"),
      ],
      purchaseOrders,
      bankTransactions: [],
      pnl: pnl("2026-10", {}),
    });
    expect(run.duplicates.map((d) => [d.invoice.id, d.duplicateOf.id, d.reason])).toEqual([
      ["p2", "p1", "same vendor and amount as INV-4800, 4 days apart"],
    ]);
  });

  it("never takes a purchase-order number for a vendor invoice number or reference", () => {
    // Two partial bills against PO-0339: Xero's Reference holds only the PO number, and a bill
    // copied from the PO may carry the PO number as its own number too.
    const partial = (id: string, number: string, date: string) => ({
      ...bill(id, number, "Hetzner", 2_000, date, "PO-0339"),
      reference: "PO-0339",
    });
    const run = runCloseChecks({
      month: "2026-10",
      invoices: [
        partial("h1", "HZ-7001", "2026-10-05"),
        partial("h2", "HZ-7002", "2026-10-09"),
        partial("h3", "PO-0339", "2026-10-30"),
        { ...partial("h4", "HZ-7003", "2026-10-12"), reference: "HZ-R-9 PO-0339" },
        { ...partial("h5", "HZ-7004", "2026-10-13"), reference: "PO-0339 HZ-R-9" },
      ],
      purchaseOrders: [po("PO-0339", "Hetzner", 10_000)],
      bankTransactions: [],
      pnl: pnl("2026-10", {}),
    });
    expect(run.duplicates.map((d) => [d.invoice.id, d.duplicateOf.id, d.reason])).toEqual([
      ["h5", "h4", "same vendor invoice reference HZ-R-9 as HZ-7003 from Hetzner"],
    ]);
  });

  it("matches unreconciled bank lines to the books by amount, date and reference or contact", () => {
    // t2 by reference, t3 by contact, t7 to one PrintCo bill and t8 to another.
    expect(report.counts.bankMatched).toBe(4);
    expect(report.counts.bankReconciled).toBe(1);
  });

  it("explains each unmatched bank line", () => {
    expect(report.unmatchedBank.map((u) => [u.tx.id, u.reason])).toEqual([
      ["t4", "wire with no documentation"],
      ["t5", "bank fee not in the books"],
      ["t6", "refund of unknown origin"],
    ]);
  });

  it("flags expense categories that moved more than 15% and nothing under it", () => {
    expect(report.variances).toEqual([
      { account: "Software", current: 4_000, previous: 5_000, changePct: -20 },
      { account: "Marketing", current: 11_800, previous: 10_000, changePct: expect.closeTo(18, 10) },
    ]);
  });

  it("counts exceptions as the sum of the four lists", () => {
    expect(report.counts.exceptions).toBe(1 + 2 + 3 + 2);
  });

  it("uses one bank line for at most one book entry", () => {
    const r = runCloseChecks({
      month: "2026-10",
      invoices: [bill("x", "A", "V", 10, "2026-10-01")],
      purchaseOrders: [],
      bankTransactions: [
        tx("1", "2026-10-02", -10, "V", { contact: "V" }),
        tx("2", "2026-10-02", -10, "V", { contact: "V" }),
      ],
      pnl: pnl("2026-10", {}),
      previousPnl: pnl("2026-09", {}),
    });
    expect(r.counts.bankMatched).toBe(1);
    expect(r.unmatchedBank.map((u) => u.reason)).toEqual(["payment with no matching bill"]);
  });
});

describe("spend variance in a month still in progress", () => {
  const october = pnl("2026-10", { Rent: 9_000, Marketing: 10_000, Hosting: 3_000 });
  // Ten days of November: a third of October's spend, Marketing running 18 % ahead of it.
  const novemberSoFar = pnl("2026-11", { Rent: 3_000, Marketing: 3_933.33, Hosting: 1_000 }, 33_000);
  const input = { month: "2026-11", invoices: [], purchaseOrders: [], bankTransactions: [] };

  it("compares ten days of November with October pro rata, flagging only the account that runs ahead", () => {
    const report = runCloseChecks({ ...input, pnl: novemberSoFar, previousPnl: october, asOf: "2026-11-10" });

    expect(report.monthToDate).toEqual({ day: 10, days: 30 });
    expect(report.variances.map((v) => [v.account, Math.round(v.changePct)])).toEqual([["Marketing", 18]]);
    expect(report.variances[0]?.previous).toBeCloseTo(3_333.33, 2);
  });

  it("flags every account as down when the same figures are read as a whole month", () => {
    const report = runCloseChecks({ ...input, pnl: novemberSoFar, previousPnl: october, asOf: "2026-12-01" });

    expect(report.monthToDate).toBeUndefined();
    expect(report.variances.map((v) => v.account).sort()).toEqual(["Hosting", "Marketing", "Rent"]);
  });

  it("treats the last day of the month and a date in another month as a whole month", () => {
    for (const asOf of ["2026-11-30", "2026-10-15"]) {
      expect(runCloseChecks({ ...input, pnl: novemberSoFar, previousPnl: october, asOf }).monthToDate).toBeUndefined();
    }
    expect(runCloseChecks({ ...input, pnl: novemberSoFar, previousPnl: october }).monthToDate).toBeUndefined();
  });
});
