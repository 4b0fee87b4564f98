/**
 * Month-end close checks. Every join is a hash join (bills to purchase orders by number,
 * duplicates by vendor+number and vendor+amount, bank lines to book entries by amount, then
 * bank-match.ts within an amount), so the cost grows with the number of records, not their
 * product, also when every line has the same amount (bench/close-matching.bench.ts). The
 * record checks return positions (CloseFindings) so a worker can compute them and send back
 * little (close-run.ts) and a cache can reuse them for the same records (close-cache.ts).
 */

import type { BankTransaction, Invoice, ProfitAndLoss, PurchaseOrder } from "../../src/core/domain/accounting.ts";
import type { Month } from "../../src/core/domain/common.ts";
import { type Bucket, claim, type LedgerEntry, newBucket, type StepCounter } from "./bank-match.ts";

export interface CloseInput {
  month: Month;
  invoices: Invoice[];
  purchaseOrders: PurchaseOrder[];
  bankTransactions: BankTransaction[];
  pnl: ProfitAndLoss;
  /** Undefined when the books have no previous month (an organisation that started this month). */
  previousPnl?: ProfitAndLoss | undefined;
  /**
   * Today in the organisation's timezone (YYYY-MM-DD). When it falls inside `month`, the month is
   * in progress and spend is compared with the previous month pro rata to the same day: 23 days
   * of November against all of October would flag every account as down about 25 %.
   */
  asOf?: string;
}

export interface CloseOptions {
  /** Same vendor and amount within this many days = likely duplicate. Default 7. */
  duplicateWindowDays?: number;
  /** A bank line matches a book entry dated (or due) within this many days. Default 7. */
  matchWindowDays?: number;
  /** Expense accounts whose month-on-month change exceeds this percent are flagged. Default 15. */
  varianceThresholdPct?: number;
  /** Money out up to this amount described as a fee/charge is a bank fee. Default 100. */
  feeMaxAmount?: number;
}

export interface DuplicateBill {
  invoice: Invoice;
  duplicateOf: Invoice;
  reason: string;
}

export interface UnmatchedBankLine {
  tx: BankTransaction;
  reason: string;
}

export interface Variance {
  account: string;
  current: number;
  previous: number;
  /** Percent change vs the previous month (pro rata in a month in progress), e.g. 18 for +18%. */
  changePct: number;
}

/** How far a month in progress is: day `day` of `days`. */
export interface MonthToDate {
  day: number;
  days: number;
}

export interface CloseCounts {
  bills: number;
  purchaseOrders: number;
  billsMatchedToPo: number;
  bankTransactions: number;
  /** Already reconciled in the accounting system. */
  bankReconciled: number;
  /** Not reconciled there, but matched to a book entry by this check. */
  bankMatched: number;
  bankUnmatched: number;
  invoicesWithoutPo: number;
  duplicates: number;
  variances: number;
  /** invoicesWithoutPo + duplicates + bankUnmatched + variances */
  exceptions: number;
}

export interface CloseReport {
  month: Month;
  invoicesWithoutPo: Invoice[];
  duplicates: DuplicateBill[];
  unmatchedBank: UnmatchedBankLine[];
  variances: Variance[];
  pnl: ProfitAndLoss;
  /** Undefined when there was no previous month to compare with: then there are no variances. */
  previousPnl?: ProfitAndLoss | undefined;
  /** Set when the month is still in progress: variances compare with the previous month pro rata. */
  monthToDate?: MonthToDate;
  counts: CloseCounts;
}

/** Day-of-month progress when `asOf` (YYYY-MM-DD) is inside `month`, else undefined (a month that ended). */
export function monthToDate(month: Month, asOf: string | undefined): MonthToDate | undefined {
  if (!asOf || asOf.slice(0, 7) !== month) return undefined;
  const [y, m] = month.split("-").map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const day = Number(asOf.slice(8, 10));
  return day >= days ? undefined : { day, days };
}

const DAY_MS = 86_400_000;
const inactive = new Set(["VOIDED", "DELETED", "DRAFT"]);

/** Whole days since the epoch of a "YYYY-MM-DD..." string, without Date.parse (hot path). */
export function dayNumber(date: string): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function cents(amount: number): number {
  return Math.round(amount * 100);
}

function norm(value: string | undefined): string {
  return value ? value.toLowerCase().replace(/[^a-z0-9]/g, "") : "";
}

/** The invoice fields the checks read: the worker receives exactly these (close-wire.ts). */
export type CheckInvoice = Pick<
  Invoice,
  "id" | "number" | "type" | "status" | "contact" | "date" | "dueDate" | "total" | "reference" | "purchaseOrderNumber"
>;
export type CheckPurchaseOrder = Pick<PurchaseOrder, "number" | "status">;
export type CheckBankLine = Pick<
  BankTransaction,
  "date" | "amount" | "kind" | "contact" | "reference" | "description" | "reconciled" | "matchedTo"
>;

export interface CheckInput {
  invoices: readonly CheckInvoice[];
  purchaseOrders: readonly CheckPurchaseOrder[];
  bankTransactions: readonly CheckBankLine[];
}

/**
 * What the record-level checks found, as positions in the input's lists: small to send back from
 * a worker, and valid for any input whose checked fields are the same (close-cache.ts).
 */
export interface CloseFindings {
  bills: number;
  billsMatchedToPo: number;
  /** Positions in `invoices`. */
  withoutPo: number[];
  duplicates: { invoice: number; duplicateOf: number; reason: string }[];
  /** Positions in `bankTransactions`. */
  unmatched: { tx: number; reason: string }[];
  bankReconciled: number;
  bankMatched: number;
  /** Ledger entries the bank matcher looked at: linear in the input (bank-match.ts). */
  matchSteps: number;
}

/** The checks that depend only on the records and these options (not on the P&L or the date). */
export type FindingsOptions = Pick<CloseOptions, "duplicateWindowDays" | "matchWindowDays" | "feeMaxAmount">;

export function findCloseExceptions(input: CheckInput, opts: FindingsOptions = {}): CloseFindings {
  const bills: number[] = [];
  input.invoices.forEach((inv, i) => {
    if (inv.type === "ACCPAY" && !inactive.has(inv.status)) bills.push(i);
  });
  const { withoutPo, matched } = billsWithoutPo(input.invoices, bills, input.purchaseOrders);
  const duplicates = findDuplicates(input.invoices, bills, opts.duplicateWindowDays ?? 7);
  const bank = reconcileBank(input.invoices, input.bankTransactions, opts);
  return {
    bills: bills.length,
    billsMatchedToPo: matched,
    withoutPo,
    duplicates,
    unmatched: bank.unmatched,
    bankReconciled: bank.reconciled,
    bankMatched: bank.matched,
    matchSteps: bank.steps,
  };
}

/** The report for `input` from findings computed over the same records (here, in a worker or cached). */
export function assembleCloseReport(input: CloseInput, found: CloseFindings, opts: CloseOptions = {}): CloseReport {
  const toDate = monthToDate(input.month, input.asOf);
  const variances = input.previousPnl
    ? findVariances(
        input.pnl,
        input.previousPnl,
        opts.varianceThresholdPct ?? 15,
        toDate ? toDate.day / toDate.days : 1,
      )
    : [];
  const invoice = (i: number): Invoice => input.invoices[i]!;
  const withoutPo = found.withoutPo.map(invoice);
  const duplicates = found.duplicates.map((d) => ({
    invoice: invoice(d.invoice),
    duplicateOf: invoice(d.duplicateOf),
    reason: d.reason,
  }));
  const unmatched = found.unmatched.map((u) => ({ tx: input.bankTransactions[u.tx]!, reason: u.reason }));
  return {
    month: input.month,
    ...(toDate ? { monthToDate: toDate } : {}),
    invoicesWithoutPo: withoutPo,
    duplicates,
    unmatchedBank: unmatched,
    variances,
    pnl: input.pnl,
    previousPnl: input.previousPnl,
    counts: {
      bills: found.bills,
      purchaseOrders: input.purchaseOrders.length,
      billsMatchedToPo: found.billsMatchedToPo,
      bankTransactions: input.bankTransactions.length,
      bankReconciled: found.bankReconciled,
      bankMatched: found.bankMatched,
      bankUnmatched: unmatched.length,
      invoicesWithoutPo: withoutPo.length,
      duplicates: duplicates.length,
      variances: variances.length,
      exceptions: withoutPo.length + duplicates.length + unmatched.length + variances.length,
    },
  };
}

/** Inline, on the calling thread: for small inputs and tests. close-run.ts decides when to use a worker. */
export function runCloseChecks(input: CloseInput, opts: CloseOptions = {}): CloseReport {
  return assembleCloseReport(input, findCloseExceptions(input, opts), opts);
}

/** `bills` are positions in `invoices`; so are the bills returned. */
export function billsWithoutPo(
  invoices: readonly CheckInvoice[],
  bills: readonly number[],
  purchaseOrders: readonly CheckPurchaseOrder[],
): { withoutPo: number[]; matched: number } {
  const poNumbers = new Set<string>();
  for (const po of purchaseOrders) if (po.status !== "DELETED") poNumbers.add(norm(po.number));
  const withoutPo: number[] = [];
  let matched = 0;
  for (const b of bills) {
    const key = norm(invoices[b]!.purchaseOrderNumber);
    if (key !== "" && poNumbers.has(key)) matched++;
    else withoutPo.push(b);
  }
  return { withoutPo, matched };
}

/** One pass over the bills by date with three hash maps: O(n log n) for the sort, O(1) per bill after. */
export function findDuplicates(
  invoices: readonly CheckInvoice[],
  bills: readonly number[],
  windowDays: number,
): CloseFindings["duplicates"] {
  // Earliest bill is the original; ties broken by id so the result does not depend on input order.
  // Plain code-unit comparison: ISO dates and ids need no locale rules, and localeCompare
  // costs about a microsecond per call, which dominates at 100,000 bills.
  const ordered = [...bills].sort((a, b) => {
    const x = invoices[a]!;
    const y = invoices[b]!;
    return compare(x.date, y.date) || compare(x.id, y.id);
  });
  const byKey = new Map<string, number>();
  const byAmount = new Map<string, number>();
  const out: CloseFindings["duplicates"] = [];
  for (const b of ordered) {
    const bill = invoices[b]!;
    const vendor = bill.contact.id;
    const number = norm(bill.number);
    const numberKey = number === "" ? "" : `${vendor}\u0000n\u0000${number}`;
    // A bill's reference usually carries the vendor's own invoice number (Xero ACCPAY), so a
    // repeated reference from one vendor is the same invoice entered again under a new number.
    const reference = norm(bill.reference);
    const refKey = reference === "" ? "" : `${vendor}\u0000r\u0000${reference}`;
    const amountKey = `${vendor}\u0000${cents(bill.total)}`;
    const sameNumber = numberKey === "" ? undefined : byKey.get(numberKey);
    const sameRef = refKey === "" ? undefined : byKey.get(refKey);
    const sameAmount = byAmount.get(amountKey);
    if (sameNumber !== undefined) {
      out.push({
        invoice: b,
        duplicateOf: sameNumber,
        reason: `same invoice number ${bill.number} from ${bill.contact.name}`,
      });
    } else if (sameRef !== undefined) {
      out.push({
        invoice: b,
        duplicateOf: sameRef,
        reason: `same vendor invoice reference ${bill.reference} as ${invoices[sameRef]!.number} from ${bill.contact.name}`,
      });
    } else if (sameAmount !== undefined && dayNumber(bill.date) - dayNumber(invoices[sameAmount]!.date) <= windowDays) {
      const days = dayNumber(bill.date) - dayNumber(invoices[sameAmount]!.date);
      out.push({
        invoice: b,
        duplicateOf: sameAmount,
        reason: `same vendor and amount as ${invoices[sameAmount]!.number}, ${days} day${days === 1 ? "" : "s"} apart`,
      });
    } else {
      // Only originals are kept as comparison points, so a third copy is still compared to the first.
      if (numberKey !== "" && !byKey.has(numberKey)) byKey.set(numberKey, b);
      if (refKey !== "" && !byKey.has(refKey)) byKey.set(refKey, b);
      byAmount.set(amountKey, b);
    }
  }
  return out;
}

export function reconcileBank(
  invoices: readonly CheckInvoice[],
  bankTransactions: readonly CheckBankLine[],
  opts: FindingsOptions = {},
): {
  unmatched: CloseFindings["unmatched"];
  reconciled: number;
  matched: number;
  steps: number;
  /** Per bank line, the position of the invoice this check matched it to, or -1. */
  claimedBy: Int32Array;
} {
  const window = opts.matchWindowDays ?? 7;
  const feeMax = opts.feeMaxAmount ?? 100;
  // Book side keyed by signed amount in cents: bills are money out, sales invoices money in.
  const ledger = new Map<number, Bucket>();
  const byId = new Map<string, LedgerEntry>();
  invoices.forEach((invoice, index) => {
    if (inactive.has(invoice.status)) return;
    const signed = invoice.type === "ACCPAY" ? -cents(invoice.total) : cents(invoice.total);
    let bucket = ledger.get(signed);
    if (!bucket) {
      bucket = newBucket();
      ledger.set(signed, bucket);
    }
    const entry: LedgerEntry = {
      index,
      rank: bucket.entries.length,
      days: dayNumber(invoice.date),
      dueDays: invoice.dueDate ? dayNumber(invoice.dueDate) : dayNumber(invoice.date),
      ref: norm(invoice.reference),
      number: norm(invoice.number),
      contact: norm(invoice.contact.name),
      used: false,
    };
    bucket.entries.push(entry);
    byId.set(invoice.id, entry);
    if (entry.number !== "") byId.set(invoice.number, entry);
  });

  let reconciled = 0;
  for (const tx of bankTransactions) {
    if (!tx.reconciled) continue;
    reconciled++;
    const entry = tx.matchedTo ? byId.get(tx.matchedTo) : undefined;
    if (entry) entry.used = true;
  }

  let matched = 0;
  const counter: StepCounter = { steps: 0 };
  const unmatched: CloseFindings["unmatched"] = [];
  const claimedBy = new Int32Array(bankTransactions.length).fill(-1);
  bankTransactions.forEach((tx, i) => {
    if (tx.reconciled) return;
    const bucket = ledger.get(cents(tx.amount));
    const line = { day: dayNumber(tx.date), ref: norm(tx.reference), contact: norm(tx.contact) };
    const entry = bucket && claim(bucket, line, window, counter);
    if (entry) {
      matched++;
      claimedBy[i] = entry.index;
    } else unmatched.push({ tx: i, reason: unmatchedReason(tx, feeMax) });
  });
  return { unmatched, reconciled, matched, steps: counter.steps, claimedBy };
}

export function unmatchedReason(tx: CheckBankLine, feeMax = 100): string {
  const text = `${tx.description} ${tx.reference ?? ""}`;
  if (tx.amount < 0) {
    if (/\b(fee|charge|commission)s?\b/i.test(text) && -tx.amount <= feeMax) return "bank fee not in the books";
    if (/\bwire\b|\btransfer\b/i.test(text) || tx.kind === "TRANSFER") return "wire with no documentation";
    return "payment with no matching bill";
  }
  if (/\brefund/i.test(text)) return "refund of unknown origin";
  return "deposit with no matching invoice";
}

/** `share` (0-1] scales the previous month to the part of this month that has passed. */
export function findVariances(
  pnl: ProfitAndLoss,
  previous: ProfitAndLoss,
  thresholdPct: number,
  share = 1,
): Variance[] {
  const before = new Map(previous.expenses.map((e) => [e.account, Math.round(e.amount * share * 100) / 100]));
  const out: Variance[] = [];
  for (const line of pnl.expenses) {
    const prev = before.get(line.account);
    // A new account has no meaningful percent change; it shows in the P&L lines instead.
    if (prev === undefined || prev === 0) continue;
    const changePct = ((line.amount - prev) / prev) * 100;
    if (Math.abs(changePct) > thresholdPct)
      out.push({ account: line.account, current: line.amount, previous: prev, changePct });
  }
  return out.sort((a, b) => Math.abs(b.changePct) - Math.abs(a.changePct));
}
