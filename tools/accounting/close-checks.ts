/**
 * Month-end close checks. Every join is a hash join (bills to purchase orders by number,
 * duplicates by vendor+number and vendor+amount, bank lines to book entries by amount), so
 * the cost grows with the number of records, not their product: 1,000,000 bank lines
 * against 100,000 ledger lines is a few seconds (bench/close-matching.bench.ts).
 */

import type { BankTransaction, Invoice, ProfitAndLoss, PurchaseOrder } from "../../src/core/domain/accounting.ts";
import type { Month } from "../../src/core/domain/common.ts";

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

export function runCloseChecks(input: CloseInput, opts: CloseOptions = {}): CloseReport {
  const bills = input.invoices.filter((i) => i.type === "ACCPAY" && !inactive.has(i.status));
  const { withoutPo, matched } = billsWithoutPo(bills, input.purchaseOrders);
  const duplicates = findDuplicates(bills, opts.duplicateWindowDays ?? 7);
  const bank = reconcileBank(input.invoices, input.bankTransactions, opts);
  const toDate = monthToDate(input.month, input.asOf);
  const variances = input.previousPnl
    ? findVariances(
        input.pnl,
        input.previousPnl,
        opts.varianceThresholdPct ?? 15,
        toDate ? toDate.day / toDate.days : 1,
      )
    : [];
  return {
    month: input.month,
    ...(toDate ? { monthToDate: toDate } : {}),
    invoicesWithoutPo: withoutPo,
    duplicates,
    unmatchedBank: bank.unmatched,
    variances,
    pnl: input.pnl,
    previousPnl: input.previousPnl,
    counts: {
      bills: bills.length,
      purchaseOrders: input.purchaseOrders.length,
      billsMatchedToPo: matched,
      bankTransactions: input.bankTransactions.length,
      bankReconciled: bank.reconciled,
      bankMatched: bank.matched,
      bankUnmatched: bank.unmatched.length,
      invoicesWithoutPo: withoutPo.length,
      duplicates: duplicates.length,
      variances: variances.length,
      exceptions: withoutPo.length + duplicates.length + bank.unmatched.length + variances.length,
    },
  };
}

export function billsWithoutPo(
  bills: Invoice[],
  purchaseOrders: PurchaseOrder[],
): { withoutPo: Invoice[]; matched: number } {
  const poNumbers = new Set<string>();
  for (const po of purchaseOrders) if (po.status !== "DELETED") poNumbers.add(norm(po.number));
  const withoutPo: Invoice[] = [];
  let matched = 0;
  for (const bill of bills) {
    const key = norm(bill.purchaseOrderNumber);
    if (key !== "" && poNumbers.has(key)) matched++;
    else withoutPo.push(bill);
  }
  return { withoutPo, matched };
}

export function findDuplicates(bills: Invoice[], windowDays: number): DuplicateBill[] {
  // Earliest bill is the original; ties broken by id so the result does not depend on input order.
  // Plain code-unit comparison: ISO dates and ids need no locale rules, and localeCompare
  // costs about a microsecond per call, which dominates at 100,000 bills.
  const ordered = [...bills].sort((a, b) => compare(a.date, b.date) || compare(a.id, b.id));
  const byKey = new Map<string, Invoice>();
  const byAmount = new Map<string, Invoice>();
  const out: DuplicateBill[] = [];
  for (const bill of ordered) {
    const vendor = bill.contact.id;
    const numberKey = norm(bill.number) === "" ? "" : `${vendor}\u0000n\u0000${norm(bill.number)}`;
    // A bill's reference usually carries the vendor's own invoice number (Xero ACCPAY), so a
    // repeated reference from one vendor is the same invoice entered again under a new number.
    const refKey = norm(bill.reference) === "" ? "" : `${vendor}\u0000r\u0000${norm(bill.reference)}`;
    const amountKey = `${vendor}\u0000${cents(bill.total)}`;
    const sameNumber = numberKey === "" ? undefined : byKey.get(numberKey);
    const sameRef = refKey === "" ? undefined : byKey.get(refKey);
    const sameAmount = byAmount.get(amountKey);
    if (sameNumber) {
      out.push({
        invoice: bill,
        duplicateOf: sameNumber,
        reason: `same invoice number ${bill.number} from ${bill.contact.name}`,
      });
    } else if (sameRef) {
      out.push({
        invoice: bill,
        duplicateOf: sameRef,
        reason: `same vendor invoice reference ${bill.reference} as ${sameRef.number} from ${bill.contact.name}`,
      });
    } else if (sameAmount && dayNumber(bill.date) - dayNumber(sameAmount.date) <= windowDays) {
      const days = dayNumber(bill.date) - dayNumber(sameAmount.date);
      out.push({
        invoice: bill,
        duplicateOf: sameAmount,
        reason: `same vendor and amount as ${sameAmount.number}, ${days} day${days === 1 ? "" : "s"} apart`,
      });
    } else {
      // Only originals are kept as comparison points, so a third copy is still compared to the first.
      if (numberKey !== "" && !byKey.has(numberKey)) byKey.set(numberKey, bill);
      if (refKey !== "" && !byKey.has(refKey)) byKey.set(refKey, bill);
      byAmount.set(amountKey, bill);
    }
  }
  return out;
}

interface LedgerEntry {
  invoice: Invoice;
  days: number;
  dueDays: number;
  ref: string;
  number: string;
  contact: string;
  used: boolean;
}

export function reconcileBank(
  invoices: Invoice[],
  bankTransactions: BankTransaction[],
  opts: CloseOptions = {},
): { unmatched: UnmatchedBankLine[]; reconciled: number; matched: number } {
  const window = opts.matchWindowDays ?? 7;
  const feeMax = opts.feeMaxAmount ?? 100;
  // Book side keyed by signed amount in cents: bills are money out, sales invoices money in.
  const ledger = new Map<number, LedgerEntry[]>();
  const byId = new Map<string, LedgerEntry>();
  for (const invoice of invoices) {
    if (inactive.has(invoice.status)) continue;
    const signed = invoice.type === "ACCPAY" ? -cents(invoice.total) : cents(invoice.total);
    const entry: LedgerEntry = {
      invoice,
      days: dayNumber(invoice.date),
      dueDays: invoice.dueDate ? dayNumber(invoice.dueDate) : dayNumber(invoice.date),
      ref: norm(invoice.reference),
      number: norm(invoice.number),
      contact: norm(invoice.contact.name),
      used: false,
    };
    const list = ledger.get(signed);
    if (list) list.push(entry);
    else ledger.set(signed, [entry]);
    byId.set(invoice.id, entry);
    if (entry.number !== "") byId.set(invoice.number, entry);
  }

  let reconciled = 0;
  for (const tx of bankTransactions) {
    if (!tx.reconciled) continue;
    reconciled++;
    const entry = tx.matchedTo ? byId.get(tx.matchedTo) : undefined;
    if (entry) entry.used = true;
  }

  let matched = 0;
  const unmatched: UnmatchedBankLine[] = [];
  for (const tx of bankTransactions) {
    if (tx.reconciled) continue;
    const candidates = ledger.get(cents(tx.amount));
    if (candidates && claim(candidates, tx, window)) {
      matched++;
      continue;
    }
    unmatched.push({ tx, reason: unmatchedReason(tx, feeMax) });
  }
  return { unmatched, reconciled, matched };
}

function claim(candidates: LedgerEntry[], tx: BankTransaction, window: number): boolean {
  const day = dayNumber(tx.date);
  const ref = norm(tx.reference);
  const contact = norm(tx.contact);
  for (const entry of candidates) {
    if (entry.used) continue;
    const inWindow = Math.abs(day - entry.days) <= window || Math.abs(day - entry.dueDays) <= window;
    if (!inWindow) continue;
    const sameRef = ref !== "" && (ref === entry.number || ref === entry.ref || ref.includes(entry.number));
    const sameContact = contact !== "" && contact === entry.contact;
    if (sameRef || sameContact) {
      entry.used = true;
      return true;
    }
  }
  return false;
}

export function unmatchedReason(tx: BankTransaction, feeMax = 100): string {
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
