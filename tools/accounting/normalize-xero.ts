import type {
  BankTransaction,
  Invoice,
  InvoiceQuery,
  InvoiceStatus,
  ProfitAndLoss,
  PurchaseOrder,
} from "../../src/core/domain/accounting.ts";
import { type Month, monthRange } from "../../src/core/domain/common.ts";
import { DaybookError } from "../../src/core/errors.ts";

/**
 * Pure mapping from xero-node's deserialized models to daybook's domain types. Shapes are
 * declared loosely here (only the fields read) so tests can feed plain objects.
 */
type XeroDate = string | Date | undefined;

export interface XeroContactLike {
  contactID?: string;
  name?: string;
}

export interface XeroLineLike {
  description?: string;
  accountCode?: string;
  lineAmount?: number;
}

export interface XeroInvoiceLike {
  invoiceID?: string;
  invoiceNumber?: string;
  type?: unknown;
  contact?: XeroContactLike;
  date?: XeroDate;
  dueDate?: XeroDate;
  total?: number;
  currencyCode?: unknown;
  status?: unknown;
  reference?: string;
  lineItems?: XeroLineLike[];
  amountPaid?: number;
}

export interface XeroPurchaseOrderLike {
  purchaseOrderID?: string;
  purchaseOrderNumber?: string;
  contact?: XeroContactLike;
  date?: XeroDate;
  total?: number;
  status?: unknown;
}

export interface XeroBankTransactionLike {
  bankTransactionID?: string;
  type?: unknown;
  contact?: XeroContactLike;
  lineItems?: XeroLineLike[];
  bankAccount?: { name?: string; code?: string; accountID?: string };
  isReconciled?: boolean;
  date?: XeroDate;
  reference?: string;
  total?: number;
  status?: unknown;
}

export interface XeroReportCellLike {
  value?: string;
}

export interface XeroReportRowLike {
  rowType?: unknown;
  title?: string;
  cells?: XeroReportCellLike[];
  rows?: XeroReportRowLike[];
}

export interface XeroReportLike {
  rows?: XeroReportRowLike[];
}

/**
 * Xero dates come as "/Date(1573603200000+0000)/" (xero-node turns these into Date objects),
 * or as ISO "2026-11-03T00:00:00"; returns the calendar date YYYY-MM-DD.
 */
export function xeroDate(value: XeroDate): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
  const ms = /^\/Date\((-?\d+)/.exec(value);
  if (ms?.[1]) return new Date(Number(ms[1])).toISOString().slice(0, 10);
  const iso = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  if (iso?.[1]) return iso[1];
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString().slice(0, 10);
}

const invoiceStatuses: readonly InvoiceStatus[] = ["DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"];
const poStatuses: readonly PurchaseOrder["status"][] = ["DRAFT", "SUBMITTED", "AUTHORISED", "BILLED", "DELETED"];

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  const s = String(value ?? "").toUpperCase();
  return (allowed as readonly string[]).includes(s) ? (s as T) : fallback;
}

/**
 * Xero bills have no purchase-order field; the convention is the PO number in the bill's
 * Reference, e.g. "PO-0042" (alone, or beside other text); docs/connectors.md.
 */
export function purchaseOrderNumberFrom(reference: string | undefined): string | undefined {
  const m = reference ? /\bPO[-\s]?\d+\b/i.exec(reference) : null;
  return m ? m[0].toUpperCase().replace(/\s/, "-") : undefined;
}

/** Deep link into Xero for a bill or a sales invoice. */
export function invoiceUrl(id: string, type: "ACCPAY" | "ACCREC"): string {
  const area = type === "ACCPAY" ? "AccountsPayable" : "AccountsReceivable";
  return `https://go.xero.com/${area}/View.aspx?InvoiceID=${encodeURIComponent(id)}`;
}

function contactOf(c: XeroContactLike | undefined): { id: string; name: string } {
  return { id: c?.contactID ?? "", name: c?.name ?? "(no contact)" };
}

function money(n: number | undefined): number {
  return Math.round((n ?? 0) * 100) / 100;
}

export function toInvoice(raw: XeroInvoiceLike, accountNames: ReadonlyMap<string, string> = new Map()): Invoice {
  const id = raw.invoiceID ?? "";
  const type = String(raw.type) === "ACCREC" ? "ACCREC" : "ACCPAY";
  const invoice: Invoice = {
    id,
    number: raw.invoiceNumber ?? "",
    type,
    contact: contactOf(raw.contact),
    date: xeroDate(raw.date) ?? "",
    total: money(raw.total),
    currency: raw.currencyCode === undefined ? "" : String(raw.currencyCode),
    status: oneOf(raw.status, invoiceStatuses, "DRAFT"),
    lines: (raw.lineItems ?? []).map((l) => ({
      description: l.description ?? "",
      account: (l.accountCode && accountNames.get(l.accountCode)) || l.accountCode || "",
      amount: money(l.lineAmount),
    })),
    url: invoiceUrl(id, type),
  };
  const due = xeroDate(raw.dueDate);
  if (due) invoice.dueDate = due;
  if (raw.reference) invoice.reference = raw.reference;
  // A bill copied from a PO may instead carry the PO number as its own number (the bill's
  // "Reference" in Xero's screens is the API's InvoiceNumber); the close checks then take that
  // number for the order's, not for the vendor's invoice number (close-checks.ts).
  const ownNumberIsPo = type === "ACCPAY" && /^\s*PO[-\s]?\d+\s*$/i.test(raw.invoiceNumber ?? "");
  const po =
    purchaseOrderNumberFrom(raw.reference) ?? (ownNumberIsPo ? purchaseOrderNumberFrom(raw.invoiceNumber) : undefined);
  if (po) invoice.purchaseOrderNumber = po;
  return invoice;
}

export function toPurchaseOrder(raw: XeroPurchaseOrderLike): PurchaseOrder {
  return {
    id: raw.purchaseOrderID ?? "",
    number: raw.purchaseOrderNumber ?? "",
    contact: contactOf(raw.contact),
    date: xeroDate(raw.date) ?? "",
    total: money(raw.total),
    status: oneOf(raw.status, poStatuses, "DRAFT"),
  };
}

/** Spend money is negative, receive money positive; transfers keep the side they are on. */
export function toBankTransaction(raw: XeroBankTransactionLike): BankTransaction {
  const type = String(raw.type ?? "").toUpperCase();
  const spend = type.startsWith("SPEND");
  const kind: BankTransaction["kind"] = type.includes("TRANSFER") ? "TRANSFER" : spend ? "SPEND" : "RECEIVE";
  const total = money(raw.total);
  const tx: BankTransaction = {
    id: raw.bankTransactionID ?? "",
    date: xeroDate(raw.date) ?? "",
    amount: spend ? -Math.abs(total) : Math.abs(total),
    kind,
    description: raw.lineItems?.[0]?.description || raw.reference || raw.contact?.name || type.toLowerCase(),
    reconciled: raw.isReconciled === true,
    bankAccount: raw.bankAccount?.name ?? raw.bankAccount?.code ?? "",
  };
  if (raw.contact?.name) tx.contact = raw.contact.name;
  if (raw.reference) tx.reference = raw.reference;
  return tx;
}

function amountOf(cell: XeroReportCellLike | undefined): number {
  const n = Number(String(cell?.value ?? "").replace(/,/g, ""));
  return Number.isFinite(n) ? money(n) : 0;
}

/**
 * Which P&L section a title belongs to. Xero's standard layout names them "Income" /
 * "Trading Income", "Other Income", "Less Cost of Sales", "Less Operating Expenses" and
 * "Less Other Expenses" (UK organisations: "Turnover", "Cost of Sales", "Administrative Costs");
 * "Gross Profit" and "Net Profit" are summaries and are skipped.
 */
export function sectionKind(title: string | undefined): "income" | "expenses" | undefined {
  const t = (title ?? "").toLowerCase();
  if (/profit|loss/.test(t)) return undefined;
  if (/income|revenue|turnover|sales$/.test(t) && !/cost of sales/.test(t)) return "income";
  if (/expense|cost of sales|costs/.test(t)) return "expenses";
  return undefined;
}

/** Parses Reports/ProfitAndLoss rows (one period column) into income and expenses by account. */
export function toProfitAndLoss(report: XeroReportLike, month: Month, currency: string): ProfitAndLoss {
  const income: { account: string; amount: number }[] = [];
  const expenses: { account: string; amount: number }[] = [];
  for (const section of report.rows ?? []) {
    if (String(section.rowType) !== "Section") continue;
    const kind = sectionKind(section.title);
    if (!kind) continue;
    for (const row of section.rows ?? []) {
      if (String(row.rowType) !== "Row") continue;
      const account = row.cells?.[0]?.value?.trim();
      if (!account) continue;
      (kind === "income" ? income : expenses).push({ account, amount: amountOf(row.cells?.[1]) });
    }
  }
  const sum = (list: { amount: number }[]) => money(list.reduce((s, l) => s + l.amount, 0));
  const totalIncome = sum(income);
  const totalExpenses = sum(expenses);
  return {
    month,
    currency,
    income,
    expenses,
    totalIncome,
    totalExpenses,
    netProfit: money(totalIncome - totalExpenses),
  };
}

/**
 * Whether a Reports/ProfitAndLoss answer has any account line; without one the month has no
 * figures. Xero lists only accounts with movements in the period and answers a period without any
 * (every month before an organisation's first transactions) with HTTP 200 and the bare layout: a
 * Header row, Income and expense sections with no rows (or no sections at all) and an untitled
 * section holding "Net Profit 0.00", never an error or an empty body. So the header, SummaryRows
 * and Xero's own profit lines (Gross / Operating / Net Profit, in untitled or summary sections) do
 * not count, while one account row counts whatever its amount: 0.00 (movements that net to
 * nothing) is a quiet month with books, not a month without them. A labelled row in a section
 * this parser does not classify still counts, so an unfamiliar layout reads as figures, not as
 * "no figures".
 */
export function hasAccountRows(report: XeroReportLike): boolean {
  return (report.rows ?? []).some(
    (section) =>
      String(section.rowType) === "Section" &&
      (section.rows ?? []).some((row) => {
        const label = row.cells?.[0]?.value?.trim();
        if (String(row.rowType) !== "Row" || !label) return false;
        return sectionKind(section.title) !== undefined || !/profit|loss/i.test(label);
      }),
  );
}

/**
 * A string literal for Xero's `where` filter. Xero parses where as a C#-like expression, so a
 * quote or backslash in user text must be escaped or it would change the filter.
 */
export function whereString(value: string): string {
  if ([...value].some((ch) => ch.charCodeAt(0) < 0x20)) {
    throw new DaybookError("bad_request", "control characters in a Xero filter value", {
      userMessage: "That search text contains characters Xero cannot filter on.",
    });
  }
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function assertMonth(month: Month): void {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    throw new DaybookError("bad_request", `invalid month ${JSON.stringify(month).slice(0, 20)}`, {
      userMessage: "Months are written as YYYY-MM, e.g. 2026-11.",
    });
  }
}

function dateTime(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return `DateTime(${y},${String(m).padStart(2, "0")},${String(d).padStart(2, "0")})`;
}

/**
 * The `where` clause for an invoice query, built only from validated parts
 * (https://developer.xero.com/documentation/api/accounting/invoices#optimised-use-of-the-where-filter).
 * Status and invoice number go in the dedicated Statuses/InvoiceNumbers parameters instead.
 */
export function invoiceWhere(query: InvoiceQuery): string | undefined {
  const parts: string[] = [];
  if (query.type) {
    if (query.type !== "ACCPAY" && query.type !== "ACCREC")
      throw new DaybookError("bad_request", "invalid invoice type");
    parts.push(`Type==${whereString(query.type)}`);
  }
  if (query.month) {
    assertMonth(query.month);
    const { from, to } = monthRange(query.month);
    parts.push(`Date>=${dateTime(from)}`, `Date<=${dateTime(to)}`);
  }
  if (query.contact?.trim()) parts.push(`Contact.Name.Contains(${whereString(query.contact.trim())})`);
  return parts.length > 0 ? parts.join(" AND ") : undefined;
}

export function bankTransactionWhere(month: Month): string {
  assertMonth(month);
  const { from, to } = monthRange(month);
  return `Date>=${dateTime(from)} AND Date<=${dateTime(to)}`;
}

/** Invoice numbers are typed with or without "#"; Xero stores them without. */
export function cleanInvoiceNumber(value: string): string {
  return value.trim().replace(/^#/, "");
}

export function isXeroId(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value.trim());
}

/**
 * What rejecting a bill means in Xero's status rules
 * (https://developer.xero.com/documentation/api/accounting/invoices#status-codes):
 * a submitted bill goes back to draft for the submitter to fix, an authorised bill without
 * payments is voided, a draft stays a draft (the history note records the rejection); paid
 * or part-paid bills cannot be rejected through the API.
 */
export function rejectionTarget(
  status: InvoiceStatus,
  amountPaid: number,
):
  | { kind: "update"; status: InvoiceStatus }
  | { kind: "note_only" }
  | { kind: "already" }
  | { kind: "refuse"; why: string } {
  if (status === "VOIDED" || status === "DELETED") return { kind: "already" };
  if (status === "PAID" || amountPaid > 0)
    return { kind: "refuse", why: "it already has payments; remove them in Xero first" };
  if (status === "AUTHORISED") return { kind: "update", status: "VOIDED" };
  if (status === "SUBMITTED") return { kind: "update", status: "DRAFT" };
  return { kind: "note_only" };
}
