/**
 * A local Xero Accounting API serving a generated organisation's books in Xero's wire shapes,
 * for the real connector (tools/accounting/xero.ts over xero-node): PascalCase JSON, dates as
 * "/Date(ms+0000)/", UUID record ids, line items by account code (names in /Accounts),
 * `where` filters, 1-based `page` paging, the Profit and Loss report as rows and sections, and
 * the organisation's base currency in /Organisation.
 *
 * It refuses what Xero refuses: a missing or wrong bearer token (401), a missing or unknown
 * xero-tenant-id (403), pageSize above 1000 or page below 1 (400), a `where` it cannot read
 * (400). A P&L for a period without transactions is a report without account rows, as Xero
 * answers for months before an organisation's books begin.
 */
import type { BankTransaction, Invoice, LedgerAccount, PurchaseOrder } from "../../../src/core/domain/accounting.ts";
import { monthRange } from "../../../src/core/domain/common.ts";
import { xeroDefaults } from "../../../tools/demo/bank-coding.ts";
import { demoBudget, demoCashSummary } from "../../../tools/demo/finance.ts";
import type { DemoOrg } from "../../../tools/demo/generate.ts";
import type { RecordedRequest } from "../http.ts";
import { type FakeReply, jsonBody, matcher, type OrgFake, Refusal, stableUuid, startOrgFake, urlOf } from "./common.ts";

export const XERO_FAKE_TOKEN = "xero-fake-token";
export const XERO_FAKE_TENANT = "4e1f2a7c-5b3d-4c8e-9f10-0000000c0001";

const msDate = (day: string) => `/Date(${Date.parse(`${day.slice(0, 10)}T00:00:00Z`)}+0000)/`;
const dateString = (day: string) => `${day.slice(0, 10)}T00:00:00`;

function badRequest(message: string): Refusal {
  return new Refusal(400, { ErrorNumber: 10, Type: "ValidationException", Message: message });
}

type Where = (row: { date: string; type?: string; contact?: string }) => boolean;

/** The `where` subset the connector writes: Type==, Date>= / Date<= DateTime(y,m,d), Contact.Name.Contains(). */
function parseWhere(where: string | null): Where {
  if (!where) return () => true;
  const tests: Where[] = [];
  for (const part of where.split(" AND ")) {
    const m = matcher(part);
    if (m.on(/^Type=="(ACCPAY|ACCREC)"$/)) {
      const type = m.group(1);
      tests.push((r) => r.type === type);
    } else if (m.on(/^Date(>=|<=)DateTime\((\d{4}),(\d{2}),(\d{2})\)$/)) {
      const day = `${m.group(2)}-${m.group(3)}-${m.group(4)}`;
      const op = m.group(1);
      tests.push((r) => (op === ">=" ? r.date >= day : r.date <= day));
    } else if (m.on(/^Contact\.Name\.Contains\("((?:[^"\\]|\\.)*)"\)$/)) {
      const needle = (JSON.parse(`"${m.group(1)}"`) as string).toLowerCase();
      tests.push((r) => (r.contact ?? "").toLowerCase().includes(needle));
    } else {
      throw badRequest(`could not read the where filter near '${part.slice(0, 60)}'`);
    }
  }
  return (r) => tests.every((t) => t(r));
}

/** Xero's paging metadata, sent with every paged listing (https://developer.xero.com/documentation/api/accounting/requests-and-responses#pagination). */
export interface XeroPagination {
  page: number;
  pageSize: number;
  pageCount: number;
  itemCount: number;
}

/**
 * One page of `rows` (or all of them without `page`), and Xero's `pagination` object for a paged
 * request. `paginationMetadata: false` answers as Xero did before it sent one.
 */
function paged<T>(rows: T[], q: URLSearchParams, withMetadata = true): { rows: T[]; pagination?: XeroPagination } {
  const page = q.has("page") ? Number(q.get("page")) : undefined;
  const size = q.has("pageSize") ? Number(q.get("pageSize")) : 100;
  if (!Number.isInteger(size) || size < 1 || size > 1000) throw badRequest("pageSize must be between 1 and 1000");
  if (page === undefined) return { rows };
  if (!Number.isInteger(page) || page < 1) throw badRequest("page must be 1 or more");
  const slice = rows.slice((page - 1) * size, page * size);
  if (!withMetadata) return { rows: slice };
  const pagination = { page, pageSize: size, pageCount: Math.ceil(rows.length / size), itemCount: rows.length };
  return { rows: slice, pagination };
}

export interface XeroFakeOptions {
  org: DemoOrg;
  /** Extra bank lines per month on top of the organisation's books (volume tests). */
  extraBank?: Record<string, BankTransaction[]>;
  /** false: listings carry no `pagination` object, as Xero answered before sending one. */
  paginationMetadata?: boolean;
  /** Milliseconds each listing response is held, so concurrent calls overlap (in-flight counting). */
  delayMs?: number;
  /** The first `times` bank-line reads are answered 429 with Retry-After (seconds), as Xero's minute limit does. */
  throttle?: { times: number; retryAfterSeconds: number };
}

export interface XeroFake extends OrgFake {
  /** Most requests the fake was answering at one moment. */
  maxInFlight(): number;
}

export async function startXeroFake(options: XeroFakeOptions): Promise<XeroFake> {
  const { org } = options;
  const books = org.accounting;
  const meta = options.paginationMetadata ?? true;
  const bankOf = (month: string) => [...(books.bank[month] ?? []), ...(options.extraBank?.[month] ?? [])];
  const hold = () => new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
  let inFlight = 0;
  let maxInFlight = 0;
  let throttled = 0;
  const bankRows = new Map<string, BankTransaction[]>();
  const accountNames = [
    ...new Set([
      ...books.invoices.flatMap((i) => i.lines.map((l) => l.account)),
      ...Object.values(books.pnl).flatMap((p) => [...p.income, ...p.expenses].map((l) => l.account)),
    ]),
  ].sort();
  const codeOf = new Map(accountNames.map((name, n) => [name, String(200 + n * 10)]));
  // The organisation's accounts, then Xero's default chart where neither a code nor a first word is taken.
  const first = (name: string) => name.toLowerCase().split(/\s+/)[0];
  const chart: LedgerAccount[] = [
    ...accountNames.map((name) => ({ code: codeOf.get(name)!, name })),
    ...xeroDefaults.filter(
      (a) => ![...codeOf.values()].includes(a.code) && !accountNames.some((n) => first(n) === first(a.name)),
    ),
  ];
  /** Lines coded through POST /BankTransactions/{id}: account code and description per line id. */
  const coded = new Map<string, { accountCode: string; description: string }>();
  /** Invoice statuses set through POST /Invoices/{id}, and notes added with PUT /Invoices/{id}/History. */
  const statusOf = new Map<string, string>();
  const historyOf = new Map<string, string[]>();
  /** Xero replays the first answer to a repeated Idempotency-Key. */
  const replays = new Map<string, FakeReply>();
  const byUuid = new Map(books.invoices.map((i) => [stableUuid(`invoice:${i.id}`), i]));

  const contact = (c: { id: string; name: string }) => ({ ContactID: stableUuid(`contact:${c.id}`), Name: c.name });
  const invoiceJson = (i: Invoice) => ({
    Type: i.type,
    InvoiceID: stableUuid(`invoice:${i.id}`),
    InvoiceNumber: i.number,
    // Xero bills have no purchase-order field: "Copy to bill" puts the PO number in the Reference.
    Reference: [i.reference, i.purchaseOrderNumber].filter(Boolean).join(" "),
    Contact: contact(i.contact),
    Date: msDate(i.date),
    DateString: dateString(i.date),
    ...(i.dueDate ? { DueDate: msDate(i.dueDate), DueDateString: dateString(i.dueDate) } : {}),
    Status: statusOf.get(stableUuid(`invoice:${i.id}`)) ?? i.status,
    LineAmountTypes: "Exclusive",
    LineItems: i.lines.map((l) => ({
      Description: l.description,
      Quantity: 1,
      UnitAmount: l.amount,
      AccountCode: codeOf.get(l.account),
      LineAmount: l.amount,
    })),
    SubTotal: i.total,
    TotalTax: 0,
    Total: i.total,
    AmountPaid: i.status === "PAID" ? i.total : 0,
    AmountDue: i.status === "PAID" ? 0 : i.total,
    CurrencyCode: i.currency,
    UpdatedDateUTC: msDate(i.date),
  });
  const purchaseOrderJson = (po: PurchaseOrder) => ({
    PurchaseOrderID: stableUuid(`po:${po.id}`),
    PurchaseOrderNumber: po.number,
    Contact: contact(po.contact),
    Date: msDate(po.date),
    DateString: dateString(po.date),
    Total: po.total,
    Status: po.status,
    CurrencyCode: org.profile.currency,
  });
  const bankJson = (t: BankTransaction) => {
    const out = t.amount < 0;
    const type = t.kind === "TRANSFER" ? (out ? "SPEND-TRANSFER" : "RECEIVE-TRANSFER") : t.kind;
    const id = stableUuid(`bank:${t.id}`);
    const coding = coded.get(id);
    return {
      BankTransactionID: id,
      Type: type,
      ...(t.contact ? { Contact: { ContactID: stableUuid(`contact:${t.contact}`), Name: t.contact } } : {}),
      LineItems: [
        {
          LineItemID: stableUuid(`bank-line:${t.id}`),
          Description: coding?.description ?? t.description,
          Quantity: 1,
          UnitAmount: Math.abs(t.amount),
          LineAmount: Math.abs(t.amount),
          ...(coding ? { AccountCode: coding.accountCode } : {}),
        },
      ],
      BankAccount: { AccountID: stableUuid(`bank-account:${t.bankAccount}`), Code: "090", Name: t.bankAccount },
      IsReconciled: t.reconciled,
      Date: msDate(t.date),
      DateString: dateString(t.date),
      ...(t.reference ? { Reference: t.reference } : {}),
      CurrencyCode: org.profile.currency,
      Status: "AUTHORISED",
      LineAmountTypes: "NoTax",
      SubTotal: Math.abs(t.amount),
      TotalTax: 0,
      Total: Math.abs(t.amount),
    };
  };

  const report = (from: string, to: string) => {
    const month = from.slice(0, 7);
    const range = monthRange(month);
    const pnl = range.from === from && range.to === to ? books.pnl[month] : undefined;
    const row = (account: string, amount: number) => ({
      RowType: "Row",
      Cells: [{ Value: account }, { Value: amount.toFixed(2) }],
    });
    const section = (title: string, lines: { account: string; amount: number }[], total: string) => ({
      RowType: "Section",
      Title: title,
      Rows: [
        ...lines.map((l) => row(l.account, l.amount)),
        ...(lines.length > 0
          ? [
              {
                RowType: "SummaryRow",
                Cells: [{ Value: total }, { Value: lines.reduce((s, l) => s + l.amount, 0).toFixed(2) }],
              },
            ]
          : []),
      ],
    });
    return {
      Reports: [
        {
          ReportID: "ProfitAndLoss",
          ReportName: "Profit and Loss",
          ReportType: "ProfitAndLoss",
          ReportTitles: ["Profit & Loss", org.profile.organisation, `${from} to ${to}`],
          ReportDate: to,
          Rows: [
            { RowType: "Header", Cells: [{ Value: "" }, { Value: to }] },
            section("Income", pnl?.income ?? [], "Total Income"),
            section("Less Operating Expenses", pnl?.expenses ?? [], "Total Operating Expenses"),
            {
              RowType: "Section",
              Title: "",
              Rows: [{ RowType: "Row", Cells: [{ Value: "Net Profit" }, { Value: (pnl?.netProfit ?? 0).toFixed(2) }] }],
            },
          ],
        },
      ],
    };
  };

  const cell = (n: number) => ({ Value: n.toFixed(2) });
  /**
   * The overall budget for `date`'s month (periods=1, timeframe=1 is all the connector asks for);
   * account rows under Income and Less Operating Expenses, as Xero's Budget Summary lays them out.
   */
  const budgetReport = (q: URLSearchParams) => {
    const date = q.get("date") ?? "";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw badRequest("date is required as YYYY-MM-DD");
    if (q.get("periods") !== "1" || q.get("timeframe") !== "1") throw badRequest("the fake serves one month");
    let budget: { income: { account: string; amount: number }[]; expenses: { account: string; amount: number }[] };
    try {
      budget = demoBudget(books, date.slice(0, 7));
    } catch {
      budget = { income: [], expenses: [] };
    }
    const section = (title: string, lines: { account: string; amount: number }[]) => ({
      RowType: "Section",
      Title: title,
      Rows: lines.map((l) => ({ RowType: "Row", Cells: [{ Value: l.account }, cell(l.amount)] })),
    });
    return {
      Reports: [
        {
          ReportName: "Budget Summary",
          ReportType: "BudgetSummary",
          ReportTitles: ["Overall Budget", "Budget Summary", org.profile.organisation],
          Rows: [
            { RowType: "Header", Cells: [{ Value: "Account" }, { Value: date.slice(0, 7) }] },
            section("Income", budget.income),
            section("Less Operating Expenses", budget.expenses),
          ],
        },
      ],
    };
  };
  /** One bank account's Opening Balance, Cash Received, Cash Spent, Closing Balance and the Total row. */
  const bankSummaryReport = (from: string, to: string) => {
    const month = from.slice(0, 7);
    const range = monthRange(month);
    if (range.from !== from || range.to !== to) throw badRequest("the fake serves whole months");
    const c = demoCashSummary(books, month, org.profile.currency, org.profile.organisation);
    const cells = [cell(c.opening), cell(c.received), cell(c.spent), cell(c.closing)];
    return {
      Reports: [
        {
          ReportName: "Bank Summary",
          ReportType: "BankSummary",
          Rows: [
            {
              RowType: "Header",
              Cells: [
                { Value: "Bank Accounts" },
                { Value: "Opening Balance" },
                { Value: "Cash Received" },
                { Value: "Cash Spent" },
                { Value: "Closing Balance" },
              ],
            },
            {
              RowType: "Section",
              Title: "",
              Rows: [
                { RowType: "Row", Cells: [{ Value: "Business Account" }, ...cells] },
                { RowType: "SummaryRow", Cells: [{ Value: "Total" }, ...cells] },
              ],
            },
          ],
        },
      ],
    };
  };

  // Xero spells this one object in camelCase among PascalCase fields (xero-node's `pagination` baseName).
  const pagination = (p: { pagination?: XeroPagination }) => (p.pagination ? { pagination: p.pagination } : {});

  const bankLine = (id: string): BankTransaction => {
    for (const month of [...Object.keys(books.bank), ...Object.keys(options.extraBank ?? {})]) {
      const found = bankOf(month).find((t) => stableUuid(`bank:${t.id}`) === id);
      if (found) return found;
    }
    throw new Refusal(404, {
      Title: "Not Found",
      Status: 404,
      Detail: "The resource you're looking for cannot be found",
    });
  };

  /**
   * POST /BankTransactions/{id}: the line's items get the account code and description sent
   * (https://developer.xero.com/documentation/api/accounting/banktransactions#post-banktransactions).
   * A reconciled line or an account code not in the chart is a ValidationException, as in Xero;
   * IsReconciled stays as it was (the API does not reconcile against statement lines).
   */
  const codeLine = (req: RecordedRequest, rawId: string): FakeReply => {
    const key = req.headers["idempotency-key"];
    const replay = typeof key === "string" ? replays.get(key) : undefined;
    if (replay) return replay;
    const id = decodeURIComponent(rawId);
    const line = bankLine(id);
    const body = jsonBody<{ BankTransactions?: { LineItems?: { AccountCode?: string; Description?: string }[] }[] }>(
      req,
    );
    const items = body.BankTransactions?.[0]?.LineItems ?? [];
    if (line.reconciled) throw badRequest("This Bank Transaction cannot be edited as it has been reconciled.");
    if (items.length === 0) throw badRequest("A bank transaction needs at least one line item.");
    for (const item of items) {
      if (!chart.some((a) => a.code === item.AccountCode)) {
        throw badRequest(`Account code '${item.AccountCode ?? ""}' is not a valid code for this document.`);
      }
    }
    coded.set(id, { accountCode: items[0]!.AccountCode!, description: items[0]!.Description ?? line.description });
    bankRows.clear();
    const reply: FakeReply = { body: { BankTransactions: [bankJson(line)] } };
    if (typeof key === "string") replays.set(key, reply);
    return reply;
  };

  const invoiceByUuid = (id: string) => {
    const found = byUuid.get(decodeURIComponent(id));
    if (!found)
      throw new Refusal(404, {
        Title: "Not Found",
        Status: 404,
        Detail: "The resource you're looking for cannot be found",
      });
    return found;
  };
  const replayed = (req: RecordedRequest, answer: () => FakeReply): FakeReply => {
    const key = req.headers["idempotency-key"];
    const seen = typeof key === "string" ? replays.get(`${req.method} ${req.path} ${key}`) : undefined;
    if (seen) return seen;
    const reply = answer();
    if (typeof key === "string") replays.set(`${req.method} ${req.path} ${key}`, reply);
    return reply;
  };
  /** POST /Invoices/{id} with a Status: the moves Xero allows a bill (to AUTHORISED, back to DRAFT, VOIDED). */
  const setInvoiceStatus = (req: RecordedRequest, id: string): FakeReply =>
    replayed(req, () => {
      const invoice = invoiceByUuid(id);
      const wanted = jsonBody<{ Invoices?: { Status?: string }[] }>(req).Invoices?.[0]?.Status;
      if (!wanted || !["AUTHORISED", "DRAFT", "SUBMITTED", "VOIDED"].includes(wanted)) {
        throw badRequest(`Status '${wanted ?? ""}' is not one this fake sets`);
      }
      statusOf.set(decodeURIComponent(id), wanted);
      return { body: { Invoices: [invoiceJson(invoice)] } };
    });
  /** PUT /Invoices/{id}/History (https://developer.xero.com/documentation/api/accounting/historyandnotes). */
  const addHistory = (req: RecordedRequest, id: string): FakeReply =>
    replayed(req, () => {
      invoiceByUuid(id);
      const records = jsonBody<{ HistoryRecords?: { Details?: string }[] }>(req).HistoryRecords ?? [];
      if (records.length === 0 || records.some((r) => !r.Details)) throw badRequest("A history record needs Details");
      const kept = historyOf.get(decodeURIComponent(id)) ?? [];
      kept.push(...records.map((r) => r.Details!));
      historyOf.set(decodeURIComponent(id), kept);
      return {
        body: { HistoryRecords: records.map((r) => ({ Details: r.Details, Changes: "Note", User: "daybook" })) },
      };
    });

  const route = async (req: RecordedRequest): Promise<FakeReply> => {
    if (req.headers.authorization !== `Bearer ${XERO_FAKE_TOKEN}`) {
      throw new Refusal(401, { Type: null, Title: "Unauthorized", Status: 401, Detail: "AuthenticationUnsuccessful" });
    }
    if (req.headers["xero-tenant-id"] !== XERO_FAKE_TENANT) {
      throw new Refusal(403, { Type: null, Title: "Forbidden", Status: 403, Detail: "AuthenticationUnsuccessful" });
    }
    const url = urlOf(req);
    const path = url.pathname.replace(/^\/api\.xro\/2\.0/, "");
    const m = matcher(path);
    const q = url.searchParams;
    if (req.method === "POST" && m.on(/^\/BankTransactions\/([^/]+)$/)) return codeLine(req, m.group(1));
    if (req.method === "POST" && m.on(/^\/Invoices\/([^/]+)$/)) return setInvoiceStatus(req, m.group(1));
    if (req.method === "PUT" && m.on(/^\/Invoices\/([^/]+)\/History$/)) return addHistory(req, m.group(1));
    if (req.method !== "GET") throw new Refusal(405, { Message: `not served by the fake: ${req.method} ${path}` });
    if (path === "/Organisation") {
      return {
        body: {
          Organisations: [
            {
              OrganisationID: XERO_FAKE_TENANT,
              Name: org.profile.organisation,
              BaseCurrency: org.profile.currency,
              Timezone: org.profile.timeZone,
              OrganisationStatus: "ACTIVE",
            },
          ],
        },
      };
    }
    if (path === "/Accounts") {
      return {
        body: {
          Accounts: chart.map((a) => ({
            AccountID: stableUuid(`account:${a.name}`),
            Code: a.code,
            Name: a.name,
            Status: "ACTIVE",
            ...(a.type ? { Type: a.type } : {}),
          })),
        },
      };
    }
    if (path === "/Invoices") {
      const where = parseWhere(q.get("where"));
      const statuses = q.get("Statuses")?.split(",");
      const numbers = q.get("InvoiceNumbers")?.split(",");
      const rows = books.invoices.filter(
        (i) =>
          where({ date: i.date, type: i.type, contact: i.contact.name }) &&
          (!statuses || statuses.includes(i.status)) &&
          (!numbers || numbers.includes(i.number)),
      );
      const p = paged(rows, q, meta);
      await hold();
      return { body: { ...pagination(p), Invoices: p.rows.map(invoiceJson) } };
    }
    if (m.on(/^\/Invoices\/([^/]+)$/)) {
      const found = byUuid.get(decodeURIComponent(m.group(1)));
      if (!found)
        throw new Refusal(404, {
          Title: "Not Found",
          Status: 404,
          Detail: "The resource you're looking for cannot be found",
        });
      return { body: { Invoices: [invoiceJson(found)] } };
    }
    if (path === "/PurchaseOrders") {
      // DateFrom / DateTo filter on the PO's own date (https://developer.xero.com/documentation/api/accounting/purchaseorders).
      const from = q.get("DateFrom") ?? "0000-00-00";
      const to = q.get("DateTo") ?? "9999-99-99";
      const rows = books.purchaseOrders.filter((po) => po.date >= from && po.date <= to);
      const p = paged(rows, q, meta);
      await hold();
      return { body: { ...pagination(p), PurchaseOrders: p.rows.map(purchaseOrderJson) } };
    }
    if (m.on(/^\/PurchaseOrders\/([^/]+)$/)) {
      // GET /PurchaseOrders/{PurchaseOrderID} or /PurchaseOrders/{PurchaseOrderNumber}; an unknown one is a 404.
      const wanted = decodeURIComponent(m.group(1));
      const found = books.purchaseOrders.find((po) => po.number === wanted || stableUuid(`po:${po.id}`) === wanted);
      if (!found)
        throw new Refusal(404, {
          Title: "Not Found",
          Status: 404,
          Detail: "The resource you're looking for cannot be found",
        });
      return { body: { PurchaseOrders: [purchaseOrderJson(found)] } };
    }
    if (path === "/BankTransactions") {
      if (options.throttle && throttled < options.throttle.times) {
        throttled++;
        // https://developer.xero.com/documentation/guides/oauth2/limits/#api-rate-limits
        return {
          status: 429,
          headers: { "retry-after": String(options.throttle.retryAfterSeconds), "x-rate-limit-problem": "minute" },
          body: { Title: "Too Many Requests" },
        };
      }
      const filter = q.get("where") ?? "";
      const where = parseWhere(filter);
      // One filter's rows are kept until a line is coded (bankJson reads the coding as it answers).
      const rows =
        bankRows.get(filter) ??
        [...new Set([...Object.keys(books.bank), ...Object.keys(options.extraBank ?? {})])]
          .flatMap(bankOf)
          .filter((t) => where({ date: t.date, ...(t.contact ? { contact: t.contact } : {}) }))
          .sort((a, b) => a.date.localeCompare(b.date));
      bankRows.set(filter, rows);
      const p = paged(rows, q, meta);
      await hold();
      return { body: { ...pagination(p), BankTransactions: p.rows.map(bankJson) } };
    }
    if (m.on(/^\/BankTransactions\/([^/]+)$/)) {
      const found = bankLine(decodeURIComponent(m.group(1)));
      return { body: { BankTransactions: [bankJson(found)] } };
    }
    if (path === "/Reports/BudgetSummary") {
      return { body: budgetReport(q) };
    }
    if (path === "/Reports/BankSummary") {
      const from = q.get("fromDate");
      const to = q.get("toDate");
      if (!from || !to) throw badRequest("fromDate and toDate are required here");
      return { body: bankSummaryReport(from, to) };
    }
    if (path === "/Reports/ProfitAndLoss") {
      const from = q.get("fromDate");
      const to = q.get("toDate");
      if (!from || !to) throw badRequest("fromDate and toDate are required here");
      return { body: report(from, to) };
    }
    throw new Refusal(404, { Title: "Not Found", Status: 404, Detail: `not served by the fake: ${path}` });
  };

  const fake = await startOrgFake(async (req) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      return await route(req);
    } finally {
      inFlight--;
    }
  });
  return { ...fake, maxInFlight: () => maxInFlight };
}
