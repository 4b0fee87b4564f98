import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../src/core/clock.ts";
import type { AccountingPort } from "../src/core/domain/accounting.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createXeroPort } from "../tools/accounting/xero.ts";
import { caught } from "./support/errors.ts";
import { type PrismServer, specPath, startPrism } from "./support/prism.ts";

/**
 * The real xero-node client, driven through our connector, against a Prism mock of Xero's
 * published Accounting API spec (vendored in test/specs/xero). Prism runs with --errors: a request
 * the spec does not allow (no xero-tenant-id, no bearer token, a body on a GET, a wrong
 * parameter) is answered with an error and fails the test. Only one response example is changed (see beforeAll).
 */
const tenantId = "4b1a2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const invoiceId = "d4956132-ed94-4dd7-9eaa-aa22dfdf06f2";
/** The id in the spec's example for GET /Invoices/{InvoiceID}. */
const submittedId = "a03ffcd2-5d91-4c7e-b483-318584e9e439";

let prism: PrismServer;

beforeAll(async () => {
  prism = await startPrism({
    spec: specPath("xero/xero_accounting.yaml"),
    // Only a response example changes: the spec's single invoice is PAID, which daybook (rightly)
    // never writes to; a SUBMITTED copy lets approve and reject reach Xero's write endpoints.
    patch: (doc) => {
      const example = doc.paths["/Invoices/{InvoiceID}"].get.responses["200"].content["application/json"].example;
      Object.assign(example.Invoices[0], { Status: "SUBMITTED", AmountPaid: 0, Type: "ACCPAY" });
    },
  });
}, 180_000);

afterAll(async () => {
  await prism?.close();
});

function port(): AccountingPort {
  return createXeroPort(
    { tenantId, baseUrl: prism.url, accessToken: "xero-contract-token" },
    // One attempt: a spec violation must surface, not be retried away.
    {
      store: new MemoryStore(),
      clock: fixedClock("2026-11-23T09:00:00Z"),
      logger: silentLogger,
      policy: { maxRetries: 0 },
    },
  );
}

async function withLog<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw new Error(`${String(error)}\n--- prism ---\n${prism.output().slice(-3000)}`);
  }
}

// Prism spends ~3 s validating each response against the deeply nested Invoice schema.
describe("Xero connector against Xero's published OpenAPI spec", { timeout: 120_000 }, () => {
  it("lists bills for a month with a where filter and paging the spec accepts", async () => {
    const invoices = await withLog(port().listInvoices({ type: "ACCPAY", month: "2026-11", status: "AUTHORISED" }));

    expect(invoices.length).toBeGreaterThan(0);
    expect(invoices[0]).toMatchObject({ id: invoiceId, number: "INV-0001", date: "2018-10-20", currency: "NZD" });
  });

  it("finds one invoice by number", async () => {
    const invoice = await withLog(port().getInvoice("#INV-0001"));

    expect(invoice.number).toBe("INV-0001");
  });

  it("lists purchase orders and bank transactions for a month", async () => {
    const accounting = port();
    const [orders, transactions] = await withLog(
      Promise.all([accounting.listPurchaseOrders("2026-11"), accounting.listBankTransactions("2026-11")]),
    );

    expect(orders.length).toBeGreaterThan(0);
    expect(orders[0]?.id).not.toBe("");
    expect(transactions.length).toBeGreaterThan(0);
    expect(typeof transactions[0]?.reconciled).toBe("boolean");
  });

  it("looks up a purchase order by number in a request the spec accepts", async () => {
    // Prism's answer for this path does not come back whole (its example does not build), so only
    // the request is checked here: Prism validates it against the spec before answering.
    await port()
      .findPurchaseOrders?.(["PO-0001"])
      .catch(() => []);

    const log = prism.output();
    const received = log.lastIndexOf("get /PurchaseOrders/PO-0001");
    expect(received).toBeGreaterThanOrEqual(0);
    expect(log.slice(received, received + 2000)).toMatch(/The request passed the validation rules/);
  });

  it("asks for a month's profit and loss in a request the spec accepts", async () => {
    // The spec has no example for this report, so Prism answers from the schema: a report with
    // no account rows, which the connector reads as no figures for the month (as Xero answers a
    // month before the organisation's books), not as a refused request.
    const error = await caught(port().getProfitAndLoss("2026-11"));

    expect(error.code).toBe("not_found");
    expect(error.userMessage).toBe("Xero has no figures for November 2026.");
    expect(prism.output()).toMatch(/get \/Reports\/ProfitAndLoss/);
  });

  it("approves a submitted bill with a status update the spec accepts", async () => {
    const result = await withLog(port().approveInvoice(submittedId, { idempotencyKey: "approval-contract-1" }));

    // Prism answers with the spec's example invoice, whatever was sent.
    expect(result.id).toBe(submittedId);
    expect(prism.output()).toContain(`post /Invoices/${submittedId}`);
  });

  it("rejects a submitted bill: back to draft plus a history note, both accepted by the spec", async () => {
    const result = await withLog(
      port().rejectInvoice(submittedId, "Duplicate of #4756", { idempotencyKey: "approval-contract-2" }),
    );

    expect(result.id).toBe(submittedId);
    expect(prism.output()).toContain(`put /Invoices/${submittedId}/History`);
  });

  it("approves a bill with a note: the status update and a history record, both accepted by the spec", async () => {
    const result = await withLog(
      port().approveInvoice(submittedId, {
        idempotencyKey: "approval-contract-3",
        note: "Checked against the contract",
      }),
    );

    expect(result.id).toBe(submittedId);
    expect(prism.output()).toContain(`put /Invoices/${submittedId}/History`);
  });

  it("codes a bank line with a POST /BankTransactions/{id} the spec accepts", async () => {
    // The spec's example bank transaction (a RECEIVE, not reconciled).
    const bankId = "db54aab0-ad40-4ced-bcff-0940ba20db2c";
    const result = await withLog(
      port().codeBankTransaction!(
        bankId,
        { accountCode: "441", memo: "Legal settlement" },
        { idempotencyKey: "approval-contract-4" },
      ),
    );

    expect(result).toEqual({ id: bankId, accountCode: "441", reconciled: false });
    expect(prism.output()).toContain(`post /BankTransactions/${bankId}`);
  });

  it("reads the chart of accounts, a budget summary and a bank summary in requests the spec accepts", async () => {
    const p = port();
    const chart = await withLog(p.listAccounts!());
    expect(chart.length).toBeGreaterThan(0);
    // The spec's budget example holds summary rows only: no budget lines for the month.
    const budget = await caught(p.getBudget!("2026-11"));
    expect(budget.code).toBe("not_found");
    expect(prism.output()).toMatch(/get \/Reports\/BudgetSummary/);
    const cash = await withLog(p.getCashSummary!("2026-11"));
    // The spec's example: one bank account, 0.00 opening, 110.00 in, 100.00 out, 10.00 closing.
    expect(cash).toMatchObject({ month: "2026-11", opening: 0, received: 110, spent: 100, closing: 10 });
  });

  it("is refused by the spec server when the xero-tenant-id header is missing", async () => {
    const res = await fetch(`${prism.url}/Invoices`, {
      headers: { authorization: "Bearer x", accept: "application/json" },
    });
    expect(res.status).toBe(422);
  });

  it("is refused by the spec server for a GET carrying xero-node's default `{}` body", async () => {
    // fetch refuses a body on GET, so this goes through node:http as axios does.
    const status = await rawGetWithBody(`${prism.url}/Invoices`);
    expect(status).toBe(415);
  });
});

async function rawGetWithBody(url: string): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "GET",
        headers: {
          authorization: "Bearer x",
          "xero-tenant-id": tenantId,
          accept: "application/json",
          "content-type": "application/json",
          "content-length": "2",
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end("{}");
  });
}
