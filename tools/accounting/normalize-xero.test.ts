import { describe, expect, it } from "vitest";
import { DaybookError } from "../../src/core/errors.ts";
import {
  bankTransactionWhere,
  cleanInvoiceNumber,
  hasAccountRows,
  invoiceWhere,
  isXeroId,
  purchaseOrderNumberFrom,
  rejectionTarget,
  sectionKind,
  toBankTransaction,
  toInvoice,
  toProfitAndLoss,
  toPurchaseOrder,
  whereString,
  xeroDate,
} from "./normalize-xero.ts";

describe("Xero normalization", () => {
  it("reads Xero's /Date()/ strings, ISO strings and Date objects as calendar dates", () => {
    expect(xeroDate("/Date(1539993600000+0000)/")).toBe("2018-10-20");
    expect(xeroDate("2026-11-05T00:00:00")).toBe("2026-11-05");
    expect(xeroDate(new Date("2026-11-12T00:00:00Z"))).toBe("2026-11-12");
    expect(xeroDate(undefined)).toBeUndefined();
    expect(xeroDate("garbage")).toBeUndefined();
  });

  it("maps a bill with account names, its PO reference and a deep link", () => {
    const invoice = toInvoice(
      {
        invoiceID: "inv-1",
        invoiceNumber: "4729",
        type: "ACCPAY",
        contact: { contactID: "c-1", name: "Acme Consulting" },
        date: new Date("2026-11-12T00:00:00Z"),
        dueDate: "2026-12-12T00:00:00",
        total: 8500,
        currencyCode: "USD",
        status: "SUBMITTED",
        reference: "per PO 0042",
        lineItems: [{ description: "Strategy workshop", accountCode: "620", lineAmount: 8500 }],
      },
      new Map([["620", "Consulting"]]),
    );
    expect(invoice).toEqual({
      id: "inv-1",
      number: "4729",
      type: "ACCPAY",
      contact: { id: "c-1", name: "Acme Consulting" },
      date: "2026-11-12",
      dueDate: "2026-12-12",
      total: 8500,
      currency: "USD",
      status: "SUBMITTED",
      reference: "per PO 0042",
      purchaseOrderNumber: "PO-0042",
      lines: [{ description: "Strategy workshop", account: "Consulting", amount: 8500 }],
      url: "https://go.xero.com/AccountsPayable/View.aspx?InvoiceID=inv-1",
    });
  });

  it("keeps account codes when names are unknown and links sales invoices to receivables", () => {
    const invoice = toInvoice({
      invoiceID: "s-1",
      type: "ACCREC",
      lineItems: [{ accountCode: "200", lineAmount: 10.005 }],
    });
    expect(invoice.lines).toEqual([{ description: "", account: "200", amount: 10.01 }]);
    expect(invoice.url).toBe("https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=s-1");
    expect(invoice.purchaseOrderNumber).toBeUndefined();
  });

  it("finds a PO number in a bill reference only when one is there", () => {
    expect(purchaseOrderNumberFrom("PO-0042")).toBe("PO-0042");
    expect(purchaseOrderNumberFrom("po 17 / March")).toBe("PO-17");
    expect(purchaseOrderNumberFrom("Office supplies")).toBeUndefined();
    expect(purchaseOrderNumberFrom("POSTAGE 12")).toBeUndefined();
  });

  it("reads the PO of a bill copied from it whose own number is the PO number, and no PO from a vendor's number", () => {
    expect(toInvoice({ invoiceID: "b-1", type: "ACCPAY", invoiceNumber: "PO-0339" }).purchaseOrderNumber).toBe(
      "PO-0339",
    );
    expect(
      toInvoice({ invoiceID: "b-2", type: "ACCPAY", invoiceNumber: "HZ-7001", reference: "PO-0339" })
        .purchaseOrderNumber,
    ).toBe("PO-0339");
    expect(
      toInvoice({ invoiceID: "b-3", type: "ACCPAY", invoiceNumber: "APO-12" }).purchaseOrderNumber,
    ).toBeUndefined();
    expect(toInvoice({ invoiceID: "s-2", type: "ACCREC", invoiceNumber: "PO-12" }).purchaseOrderNumber).toBeUndefined();
  });

  it("maps purchase orders and falls back to DRAFT for an unknown status", () => {
    expect(
      toPurchaseOrder({
        purchaseOrderID: "po-1",
        purchaseOrderNumber: "PO-0042",
        total: 100,
        status: "BILLED",
        date: "2026-11-01T00:00:00",
      }),
    ).toEqual({
      id: "po-1",
      number: "PO-0042",
      contact: { id: "", name: "(no contact)" },
      date: "2026-11-01",
      total: 100,
      status: "BILLED",
    });
    expect(toPurchaseOrder({ status: "SOMETHING" }).status).toBe("DRAFT");
  });

  it("signs spend negative and receive positive, and keeps transfers as transfers", () => {
    expect(toBankTransaction({ type: "SPEND", total: 12.5, bankAccount: { name: "Operating" } })).toMatchObject({
      amount: -12.5,
      kind: "SPEND",
      reconciled: false,
      bankAccount: "Operating",
    });
    expect(toBankTransaction({ type: "RECEIVE", total: 350, isReconciled: true, reference: "Refund" })).toMatchObject({
      amount: 350,
      kind: "RECEIVE",
      reconciled: true,
      description: "Refund",
    });
    expect(toBankTransaction({ type: "SPEND-TRANSFER", total: 1000 })).toMatchObject({
      amount: -1000,
      kind: "TRANSFER",
    });
  });

  it("classifies P&L sections by Xero's standard titles and skips profit summaries", () => {
    expect(sectionKind("Income")).toBe("income");
    expect(sectionKind("Trading Income")).toBe("income");
    expect(sectionKind("Other Income")).toBe("income");
    expect(sectionKind("Less Cost of Sales")).toBe("expenses");
    expect(sectionKind("Less Operating Expenses")).toBe("expenses");
    expect(sectionKind("Turnover")).toBe("income");
    expect(sectionKind("Administrative Costs")).toBe("expenses");
    expect(sectionKind("Gross Profit")).toBeUndefined();
    expect(sectionKind("Net Profit")).toBeUndefined();
    expect(sectionKind("")).toBeUndefined();
  });

  it("parses a P&L report into accounts, skipping summary rows and thousands separators", () => {
    const pnl = toProfitAndLoss(
      {
        rows: [
          { rowType: "Header", cells: [{ value: "" }, { value: "30 Nov 26" }] },
          {
            rowType: "Section",
            title: "Income",
            rows: [
              { rowType: "Row", cells: [{ value: "Sales" }, { value: "1,200.00" }] },
              { rowType: "SummaryRow", cells: [{ value: "Total Income" }, { value: "1,200.00" }] },
            ],
          },
          {
            rowType: "Section",
            title: "Less Cost of Sales",
            rows: [{ rowType: "Row", cells: [{ value: "Purchases" }, { value: "200.00" }] }],
          },
          {
            rowType: "Section",
            title: "Gross Profit",
            rows: [{ rowType: "Row", cells: [{ value: "Gross Profit" }, { value: "1000" }] }],
          },
          {
            rowType: "Section",
            title: "Less Operating Expenses",
            rows: [{ rowType: "Row", cells: [{ value: "Marketing" }, { value: "-50.25" }] }],
          },
        ],
      },
      "2026-11",
      "NZD",
    );
    expect(pnl).toEqual({
      month: "2026-11",
      currency: "NZD",
      income: [{ account: "Sales", amount: 1200 }],
      expenses: [
        { account: "Purchases", amount: 200 },
        { account: "Marketing", amount: -50.25 },
      ],
      totalIncome: 1200,
      totalExpenses: 149.75,
      netProfit: 1050.25,
    });
  });

  it("finds no account rows in the bare layout Xero sends for a month before the books", () => {
    const header = { rowType: "Header", cells: [{ value: "" }, { value: "31 Oct 26" }] };
    const netProfit = {
      rowType: "Section",
      title: "",
      rows: [{ rowType: "Row", cells: [{ value: "Net Profit" }, { value: "0.00" }] }],
    };
    const grossProfit = {
      rowType: "Section",
      title: "Gross Profit",
      rows: [{ rowType: "Row", cells: [{ value: "Gross Profit" }, { value: "0.00" }] }],
    };
    const emptySections = [
      { rowType: "Section", title: "Income", rows: [] },
      {
        rowType: "Section",
        title: "Less Operating Expenses",
        rows: [{ rowType: "SummaryRow", cells: [{ value: "Total Operating Expenses" }, { value: "0.00" }] }],
      },
    ];

    expect(hasAccountRows({})).toBe(false);
    expect(hasAccountRows({ rows: [] })).toBe(false);
    expect(hasAccountRows({ rows: [header, ...emptySections, grossProfit, netProfit] })).toBe(false);
    expect(
      hasAccountRows({
        rows: [{ rowType: "Section", title: "Income", rows: [{ rowType: "Row", cells: [{ value: " " }] }] }],
      }),
    ).toBe(false);
  });

  it("counts an account row of 0.00 and a row under an unfamiliar section title as figures", () => {
    const zeroSales = {
      rowType: "Section",
      title: "Income",
      rows: [{ rowType: "Row", cells: [{ value: "Sales" }, { value: "0.00" }] }],
    };
    const unfamiliar = {
      rowType: "Section",
      title: "Umsatzerlöse",
      rows: [{ rowType: "Row", cells: [{ value: "Erlöse 19 %" }, { value: "800.00" }] }],
    };

    expect(hasAccountRows({ rows: [zeroSales] })).toBe(true);
    expect(toProfitAndLoss({ rows: [zeroSales] }, "2026-11", "USD")).toMatchObject({ totalIncome: 0, netProfit: 0 });
    expect(hasAccountRows({ rows: [unfamiliar] })).toBe(true);
  });

  it("escapes quotes and backslashes so text cannot change a where filter", () => {
    expect(whereString('Acme" OR Type=="ACCREC')).toBe('"Acme\\" OR Type==\\"ACCREC"');
    expect(whereString("back\\slash")).toBe('"back\\\\slash"');
    expect(() => whereString("line\nbreak")).toThrow(DaybookError);
  });

  it("builds the invoice where clause from validated parts only", () => {
    expect(invoiceWhere({ type: "ACCPAY", month: "2026-02", contact: " Office Depot " })).toBe(
      'Type=="ACCPAY" AND Date>=DateTime(2026,02,01) AND Date<=DateTime(2026,02,28) AND Contact.Name.Contains("Office Depot")',
    );
    expect(invoiceWhere({ status: "PAID", number: "4801" })).toBeUndefined();
    expect(() => invoiceWhere({ month: "2026-13" })).toThrow(DaybookError);
    expect(() => invoiceWhere({ month: '2026-11") OR (1==1' })).toThrow(DaybookError);
    // biome-ignore lint/suspicious/noExplicitAny: a caller bypassing the types must still be refused.
    expect(() => invoiceWhere({ type: 'ACCPAY" OR 1==1' as any })).toThrow(DaybookError);
    expect(bankTransactionWhere("2026-11")).toBe("Date>=DateTime(2026,11,01) AND Date<=DateTime(2026,11,30)");
  });

  it("tells invoice ids from invoice numbers", () => {
    expect(isXeroId("d4956132-ed94-4dd7-9eaa-aa22dfdf06f2")).toBe(true);
    expect(isXeroId("4729")).toBe(false);
    expect(cleanInvoiceNumber(" #4801 ")).toBe("4801");
  });

  it("follows Xero's status rules when rejecting a bill", () => {
    expect(rejectionTarget("SUBMITTED", 0)).toEqual({ kind: "update", status: "DRAFT" });
    expect(rejectionTarget("AUTHORISED", 0)).toEqual({ kind: "update", status: "VOIDED" });
    expect(rejectionTarget("DRAFT", 0)).toEqual({ kind: "note_only" });
    expect(rejectionTarget("VOIDED", 0)).toEqual({ kind: "already" });
    expect(rejectionTarget("AUTHORISED", 10).kind).toBe("refuse");
    expect(rejectionTarget("PAID", 0).kind).toBe("refuse");
  });
});
