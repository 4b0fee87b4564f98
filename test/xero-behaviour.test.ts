import { afterEach, describe, expect, it } from "vitest";
import { createDigests } from "../chains/digests/registry.ts";
import { cardToText } from "../src/core/card.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { Ports } from "../src/core/domain/ports.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createXeroPort, type XeroSettings } from "../tools/accounting/xero.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { caught } from "./support/errors.ts";
import { type FakeHandler, type RecordedRequest, startFakeServer } from "./support/http.ts";

const tenantId = "7a1b2c3d-0000-4000-8000-000000000001";
const invoiceId = "0b2a1c9e-1111-4222-8333-444455556666";

function bill(n: number, extra: Record<string, unknown> = {}) {
  return {
    InvoiceID: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    InvoiceNumber: String(4000 + n),
    Type: "ACCPAY",
    Contact: { ContactID: "c-1", Name: "Acme Consulting" },
    Date: "/Date(1794441600000+0000)/",
    DueDate: "2026-12-12T00:00:00",
    Total: 8500,
    CurrencyCode: "USD",
    Status: "SUBMITTED",
    Reference: "PO-0042",
    LineItems: [{ Description: "Consulting", AccountCode: "620", LineAmount: 8500 }],
    ...extra,
  };
}

function query(req: RecordedRequest): URLSearchParams {
  return new URL(req.path, "http://x").searchParams;
}

const accounts = { Accounts: [{ Code: "620", Name: "Marketing" }] };

/** A month with one account moving: the smallest P&L Xero sends for a month with books. */
const quietReport = {
  Reports: [
    {
      ReportName: "Profit and Loss",
      Rows: [
        {
          RowType: "Section",
          Title: "Income",
          Rows: [{ RowType: "Row", Cells: [{ Value: "Sales" }, { Value: "10.00" }] }],
        },
      ],
    },
  ],
};

const sleeps: number[] = [];
let closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
  sleeps.length = 0;
});

async function setup(
  handler: FakeHandler,
  options: { policy?: Record<string, number>; settings?: Partial<XeroSettings> } = {},
) {
  const fake = await startFakeServer(handler);
  closers.push(() => {
    fake.server.closeAllConnections();
    return fake.close();
  });
  const clock = fixedClock("2026-11-23T09:00:00Z");
  const port = createXeroPort(
    { tenantId, baseUrl: `${fake.url}/api.xro/2.0`, accessToken: "xero-test-token", ...options.settings },
    {
      store: new MemoryStore(),
      clock,
      logger: silentLogger,
      policy: { baseDelayMs: 1, maxDelayMs: 2, ...options.policy },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
  );
  const invoiceReads = () => fake.requests.filter((r) => r.path.startsWith("/api.xro/2.0/Invoices?"));
  return { fake, port, clock, invoiceReads };
}

describe("Xero connector against a scripted Xero", () => {
  it("reads bills for a month across pages of 1,000 until a short page, with a safely built where filter", async () => {
    const sizes: Record<string, number> = { "1": 1000, "2": 1000, "3": 5 };
    const { port, invoiceReads } = await setup((req) => {
      if (req.path.startsWith("/api.xro/2.0/Accounts")) return { body: accounts };
      const page = query(req).get("page") ?? "0";
      const size = sizes[page] ?? 0;
      return { body: { Invoices: Array.from({ length: size }, (_, i) => bill(Number(page) * 1000 + i)) } };
    });

    const bills = await port.listInvoices({ type: "ACCPAY", month: "2026-11", contact: 'Acme "Consulting"' });

    expect(bills).toHaveLength(2005);
    const reads = invoiceReads();
    expect(reads.map((r) => query(r).get("page"))).toEqual(["1", "2", "3"]);
    expect(reads.map((r) => query(r).get("pageSize"))).toEqual(["1000", "1000", "1000"]);
    expect(query(reads[0] as RecordedRequest).get("where")).toBe(
      'Type=="ACCPAY" AND Date>=DateTime(2026,11,01) AND Date<=DateTime(2026,11,30) AND Contact.Name.Contains("Acme \\"Consulting\\"")',
    );
    expect(reads[0]?.headers["xero-tenant-id"]).toBe(tenantId);
    expect(reads[0]?.headers.authorization).toBe("Bearer xero-test-token");
    // xero-node would send `{}` with a JSON content-type on GET; the connector strips it.
    expect(reads[0]?.body).toBe("");
    expect(bills[0]).toMatchObject({
      number: "5000",
      type: "ACCPAY",
      date: "2026-11-12",
      dueDate: "2026-12-12",
      total: 8500,
      status: "SUBMITTED",
      purchaseOrderNumber: "PO-0042",
      lines: [{ description: "Consulting", account: "Marketing", amount: 8500 }],
    });
  });

  it("waits the Retry-After delay on a 429 and then returns the purchase orders", async () => {
    let calls = 0;
    const { port } = await setup(() => {
      calls++;
      if (calls === 1) return { status: 429, headers: { "retry-after": "3" }, body: { Title: "Too Many Requests" } };
      return {
        body: {
          PurchaseOrders: [{ PurchaseOrderID: "po-1", PurchaseOrderNumber: "PO-0042", Total: 8500, Status: "BILLED" }],
        },
      };
    });

    const orders = await port.listPurchaseOrders("2026-11");

    expect(orders).toEqual([
      {
        id: "po-1",
        number: "PO-0042",
        contact: { id: "", name: "(no contact)" },
        date: "",
        total: 8500,
        status: "BILLED",
      },
    ]);
    // Retry-After: 3, counted from when the 429 arrived: what is left of it when the sleep starts.
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(2_900);
    expect(sleeps[0]).toBeLessThanOrEqual(3_000);
    expect(calls).toBe(2);
  });

  it("gives up after the bounded retries on 5xx with a message a chat user can read", async () => {
    const { port, fake } = await setup(() => ({ status: 500, body: { Type: "Exception" } }));

    const error = await caught(port.getProfitAndLoss("2026-11"));

    expect(error.code).toBe("upstream_unavailable");
    expect(error.userMessage).toBe(
      "Xero is unavailable right now (HTTP 500 after 4 attempts); please try again later.",
    );
    expect(fake.requests).toHaveLength(4);
  });

  it("reports a Xero that does not answer as a timeout", async () => {
    const { port } = await setup(() => new Promise((resolve) => setTimeout(() => resolve({ body: {} }), 400)), {
      policy: { timeoutMs: 50, maxRetries: 1 },
    });

    const error = await caught(port.listBankTransactions("2026-11"));

    expect(error.code).toBe("timeout");
    expect(error.userMessage).toBe("Xero did not answer in time; please try again in a minute.");
  });

  it("names XERO_ACCESS_TOKEN when Xero refuses the token, without retrying", async () => {
    const { port, fake } = await setup(() => ({ status: 401, body: { Title: "Unauthorized" } }));

    const error = await caught(port.getProfitAndLoss("2026-11"));

    expect(error.userMessage).toContain("XERO_ACCESS_TOKEN");
    expect(error.userMessage).not.toContain("xero-test-token");
    expect(fake.requests).toHaveLength(1);
  });

  it("answers a repeated question from the cache and reads again after approving", async () => {
    const { port, invoiceReads, fake } = await setup((req) => {
      if (req.path.startsWith("/api.xro/2.0/Accounts")) return { body: accounts };
      if (req.method === "GET" && req.path.startsWith(`/api.xro/2.0/Invoices/${invoiceId}`)) {
        return { body: { Invoices: [bill(1, { InvoiceID: invoiceId })] } };
      }
      if (req.method === "POST")
        return { body: { Invoices: [bill(1, { InvoiceID: invoiceId, Status: "AUTHORISED" })] } };
      return { body: { Invoices: [bill(1)] } };
    });

    await port.listInvoices({ month: "2026-11" });
    await port.listInvoices({ month: "2026-11" });
    expect(invoiceReads()).toHaveLength(1);

    const result = await port.approveInvoice(invoiceId, { idempotencyKey: "appr-7" });

    expect(result).toEqual({ id: invoiceId, status: "AUTHORISED" });
    const post = fake.requests.find((r) => r.method === "POST");
    expect(post?.path).toBe(`/api.xro/2.0/Invoices/${invoiceId}`);
    expect(post?.headers["idempotency-key"]).toBe("appr-7");
    expect(JSON.parse(post?.body ?? "{}")).toMatchObject({
      Invoices: [{ InvoiceID: invoiceId, Status: "AUTHORISED" }],
    });
    await port.listInvoices({ month: "2026-11" });
    expect(invoiceReads()).toHaveLength(2);
  });

  it("sends a rejected submitted bill back to draft and records the reason in its history", async () => {
    const { port, fake } = await setup((req) => {
      if (req.method === "GET")
        return { body: { Invoices: [bill(1, { InvoiceID: invoiceId, InvoiceNumber: "4801" })] } };
      if (req.method === "POST") return { body: { Invoices: [bill(1, { InvoiceID: invoiceId, Status: "DRAFT" })] } };
      return { body: { HistoryRecords: [{ Details: "ok" }] } };
    });

    const result = await port.rejectInvoice("#4801", "Duplicate of #4756", { idempotencyKey: "appr-9" });

    expect(result).toEqual({ id: invoiceId, status: "DRAFT" });
    const lookup = fake.requests[0] as RecordedRequest;
    expect(query(lookup).get("InvoiceNumbers")).toBe("4801");
    const history = fake.requests.find((r) => r.method === "PUT");
    expect(history?.path).toBe(`/api.xro/2.0/Invoices/${invoiceId}/History`);
    expect(history?.headers["idempotency-key"]).toBe("appr-9:history");
    expect(JSON.parse(history?.body ?? "{}")).toEqual({
      HistoryRecords: [{ Details: "Rejected in daybook: Duplicate of #4756" }],
    });
  });

  it("refuses to reject a bill that already has payments", async () => {
    const { port, fake } = await setup(() => ({
      body: { Invoices: [bill(1, { InvoiceID: invoiceId, Status: "AUTHORISED", AmountPaid: 100 })] },
    }));

    const error = await caught(port.rejectInvoice(invoiceId, "wrong amount", { idempotencyKey: "appr-10" }));

    expect(error.code).toBe("conflict");
    expect(fake.requests.filter((r) => r.method !== "GET")).toHaveLength(0);
  });

  it("gets a client-credentials token once and again when it expires", async () => {
    let tokens = 0;
    const fake = await startFakeServer((req) => {
      if (req.path === "/connect/token") {
        tokens++;
        return { body: { access_token: `tok-${tokens}`, expires_in: 1800, token_type: "Bearer" } };
      }
      return { body: quietReport };
    });
    closers.push(fake.close);
    const clock = fixedClock("2026-11-23T09:00:00Z");
    const port = createXeroPort(
      {
        tenantId,
        baseUrl: `${fake.url}/api.xro/2.0`,
        clientId: "client-id",
        clientSecret: "client-secret",
        tokenUrl: `${fake.url}/connect/token`,
      },
      { store: new MemoryStore(), clock, logger: silentLogger, cacheTtlMs: 1 },
    );

    await port.getProfitAndLoss("2026-10");
    await port.getProfitAndLoss("2026-11");
    clock.advance(30 * 60_000);
    await port.getProfitAndLoss("2026-09");

    const tokenRequests = fake.requests.filter((r) => r.path === "/connect/token");
    expect(tokenRequests).toHaveLength(2);
    expect(tokenRequests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from("client-id:client-secret").toString("base64")}`,
    );
    expect(tokenRequests[0]?.body).toBe("grant_type=client_credentials");
    const reads = fake.requests.filter((r) => r.path.startsWith("/api.xro/2.0/Reports/"));
    expect(reads.map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
  });

  it("fetches a fresh client-credentials token after Xero refuses the current one", async () => {
    let tokens = 0;
    const fake = await startFakeServer((req) => {
      if (req.path === "/connect/token") {
        tokens++;
        return { body: { access_token: `tok-${tokens}`, expires_in: 1800 } };
      }
      if (req.headers.authorization === "Bearer tok-1") return { status: 401, body: { Title: "Unauthorized" } };
      return { body: quietReport };
    });
    closers.push(fake.close);
    const port = createXeroPort(
      { tenantId, baseUrl: fake.url, clientId: "id", clientSecret: "secret", tokenUrl: `${fake.url}/connect/token` },
      { store: new MemoryStore(), clock: fixedClock("2026-11-23T09:00:00Z"), logger: silentLogger },
    );

    const error = await caught(port.getProfitAndLoss("2026-11"));
    expect(error.userMessage).toContain("XERO_CLIENT_ID / XERO_CLIENT_SECRET");
    await expect(port.getProfitAndLoss("2026-11")).resolves.toMatchObject({ month: "2026-11" });
    expect(tokens).toBe(2);
  });

  it("reports the P&L in the organisation's base currency, read once from /Organisation", async () => {
    const { port, fake } = await setup((req) => {
      if (req.path.startsWith("/api.xro/2.0/Organisation")) {
        return { body: { Organisations: [{ Name: "Kestrel Robotics GmbH", BaseCurrency: "EUR" }] } };
      }
      return { body: quietReport };
    });

    const november = await port.getProfitAndLoss("2026-11");
    const october = await port.getProfitAndLoss("2026-10");

    expect([november.currency, october.currency]).toEqual(["EUR", "EUR"]);
    expect(fake.requests.filter((r) => r.path.startsWith("/api.xro/2.0/Organisation"))).toHaveLength(1);
  });

  it("parses the profit and loss report and signs bank transactions by direction", async () => {
    const { port } = await setup((req) => {
      if (req.path.startsWith("/api.xro/2.0/Reports/ProfitAndLoss")) {
        expect(query(req).get("fromDate")).toBe("2026-11-01");
        expect(query(req).get("toDate")).toBe("2026-11-30");
        return {
          body: {
            Reports: [
              {
                ReportName: "Profit and Loss",
                Rows: [
                  { RowType: "Header", Cells: [{ Value: "" }, { Value: "30 Nov 2026" }] },
                  {
                    RowType: "Section",
                    Title: "Income",
                    Rows: [
                      { RowType: "Row", Cells: [{ Value: "Sales" }, { Value: "120000.00" }] },
                      { RowType: "SummaryRow", Cells: [{ Value: "Total Income" }, { Value: "120000.00" }] },
                    ],
                  },
                  {
                    RowType: "Section",
                    Title: "Less Operating Expenses",
                    Rows: [
                      { RowType: "Row", Cells: [{ Value: "Marketing" }, { Value: "23600.00" }] },
                      { RowType: "Row", Cells: [{ Value: "Bank Fees" }, { Value: "12.50" }] },
                    ],
                  },
                  {
                    RowType: "Section",
                    Title: "",
                    Rows: [{ RowType: "Row", Cells: [{ Value: "Net Profit" }, { Value: "96387.50" }] }],
                  },
                ],
              },
            ],
          },
        };
      }
      return {
        body: {
          BankTransactions: [
            {
              BankTransactionID: "bt-1",
              Type: "SPEND",
              Total: 2100,
              IsReconciled: false,
              Date: "2026-11-05T00:00:00",
              BankAccount: { Name: "Operating" },
              LineItems: [{ Description: "Wire transfer" }],
            },
            { BankTransactionID: "bt-2", Type: "RECEIVE", Total: 350, IsReconciled: true, Reference: "Refund" },
          ],
        },
      };
    });

    const pnl = await port.getProfitAndLoss("2026-11");
    const txs = await port.listBankTransactions("2026-11");

    expect(pnl).toEqual({
      month: "2026-11",
      currency: "USD",
      income: [{ account: "Sales", amount: 120000 }],
      expenses: [
        { account: "Marketing", amount: 23600 },
        { account: "Bank Fees", amount: 12.5 },
      ],
      totalIncome: 120000,
      totalExpenses: 23612.5,
      netProfit: 96387.5,
    });
    expect(txs.map((t) => [t.amount, t.kind, t.reconciled, t.description])).toEqual([
      [-2100, "SPEND", false, "Wire transfer"],
      [350, "RECEIVE", true, "Refund"],
    ]);
  });
});

describe("a Xero organisation whose books started this month", () => {
  const emptyReports = [
    { Reports: [{ ReportName: "Profit and Loss", Rows: [] }] },
    {
      Reports: [
        {
          Rows: [
            { RowType: "Section", Title: "Income", Rows: [] },
            { RowType: "Section", Title: "Less Operating Expenses", Rows: [] },
          ],
        },
      ],
    },
    // The whole layout as Xero sends it for a month without entries: header, totals, a Net Profit of 0.00.
    {
      Reports: [
        {
          ReportName: "Profit and Loss",
          Rows: [
            { RowType: "Header", Cells: [{ Value: "" }, { Value: "31 Oct 2026" }] },
            {
              RowType: "Section",
              Title: "Income",
              Rows: [{ RowType: "SummaryRow", Cells: [{ Value: "Total Income" }, { Value: "0.00" }] }],
            },
            {
              RowType: "Section",
              Title: "",
              Rows: [{ RowType: "Row", Cells: [{ Value: "Net Profit" }, { Value: "0.00" }] }],
            },
          ],
        },
      ],
    },
  ];

  it.each(emptyReports.map((r, i) => [i, r] as const))(
    "reads a report with no account rows (%i) as no figures for the month, naming it",
    async (_i, report) => {
      const { port } = await setup(() => ({ body: report }));

      const error = await caught(port.getProfitAndLoss("2026-10"));

      expect(error.code).toBe("not_found");
      expect(error.userMessage).toBe("Xero has no figures for October 2026.");
    },
  );

  it("keeps a month whose accounts moved, even when they net to zero", async () => {
    const { port } = await setup(() => ({
      body: {
        Reports: [
          {
            Rows: [
              {
                RowType: "Section",
                Title: "Income",
                Rows: [{ RowType: "Row", Cells: [{ Value: "Sales" }, { Value: "0.00" }] }],
              },
            ],
          },
        ],
      },
    }));

    await expect(port.getProfitAndLoss("2026-11")).resolves.toMatchObject({ month: "2026-11", totalIncome: 0 });
  });

  it("builds the close digest with one line for the missing comparison and no variances", async () => {
    const { port } = await setup((req) => {
      if (req.path.startsWith("/api.xro/2.0/Reports/ProfitAndLoss")) {
        if (query(req).get("fromDate") === "2026-10-01") return { body: { Reports: [{ Rows: [] }] } };
        return {
          body: {
            Reports: [
              {
                Rows: [
                  {
                    RowType: "Section",
                    Title: "Income",
                    Rows: [{ RowType: "Row", Cells: [{ Value: "Sales" }, { Value: "5000.00" }] }],
                  },
                  {
                    RowType: "Section",
                    Title: "Less Operating Expenses",
                    Rows: [{ RowType: "Row", Cells: [{ Value: "Marketing" }, { Value: "900.00" }] }],
                  },
                ],
              },
            ],
          },
        };
      }
      if (req.path.startsWith("/api.xro/2.0/Accounts")) return { body: accounts };
      if (req.path.startsWith("/api.xro/2.0/Organisation"))
        return { body: { Organisations: [{ BaseCurrency: "USD" }] } };
      return { body: {} };
    });
    const clock = fixedClock("2026-11-23T09:00:00Z");
    const demo = createDemoPorts({ clock });
    const ports: Ports = { ...demo, accounting: port, sources: { ...demo.sources, accounting: "real" } };
    const digests = createDigests({ ports, clock, store: new MemoryStore({ clock }) });

    const text = cardToText(await digests.close.run());

    expect(text).toContain("No figures for October 2026 to compare with.");
    expect(text).not.toMatch(/Spend variance/);
    expect(text).not.toMatch(/error|not found/i);
  });
});
