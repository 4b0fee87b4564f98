/**
 * Month-end close checks. Every join is a hash join (bills to purchase orders by number,
 * duplicates by vendor + vendor invoice number or reference and vendor + amount, bank lines to book entries by amount, then
 * bank-match.ts within an amount), so the cost grows with the number of records, not their
 * product, also when every line has the same amount (bench/close-matching.bench.ts). The
 * record checks return positions (CloseFindings) so a worker can compute them and send back
 * little (close-run.ts) and a cache can reuse them for the same records (close-cache.ts).
 */

import type { Invoice, ProfitAndLoss } from "../../src/core/domain/accounting.ts";
import type { Month } from "../../src/core/domain/common.ts";
import { reconcileBank } from "./bank-match.ts";
import { cents, compare, dayNumber, inactive, norm } from "./close-keys.ts";
import {
  BANK_REASONS,
  type CheckInput,
  type CheckInvoice,
  type CheckPurchaseOrder,
  type CloseFindings,
  type CloseInput,
  type CloseOptions,
  type CloseReport,
  type DuplicateBill,
  type FindingsOptions,
  type MonthToDate,
  type UnmatchedBankLine,
  type Variance,
} from "./close-types.ts";

export { reconcileBank, unmatchedReason } from "./bank-match.ts";
export { cents, dayNumber } from "./close-keys.ts";
export type * from "./close-types.ts";
export { BANK_REASONS, DUPLICATE_KINDS } from "./close-types.ts";

/** Day-of-month progress when `asOf` (YYYY-MM-DD) is inside `month`, else undefined (a month that ended). */
export function monthToDate(month: Month, asOf: string | undefined): MonthToDate | undefined {
  if (!asOf || asOf.slice(0, 7) !== month) return undefined;
  const [y, m] = month.split("-").map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const day = Number(asOf.slice(8, 10));
  return day >= days ? undefined : { day, days };
}

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
    ...duplicates,
    unmatchedTx: bank.unmatchedTx,
    unmatchedReason: bank.unmatchedReason,
    bankReconciled: bank.reconciled,
    bankMatched: bank.matched,
    matchSteps: bank.steps,
  };
}

/** The unmatched bank lines of `found` in [from, to), as report rows over `input`'s lines. */
export function unmatchedLines(input: CloseInput, found: CloseFindings, from = 0, to = found.unmatchedTx.length) {
  const out: UnmatchedBankLine[] = [];
  for (let i = from; i < to; i++) {
    out.push({ tx: input.bankTransactions[found.unmatchedTx[i]!]!, reason: BANK_REASONS[found.unmatchedReason[i]!]! });
  }
  return out;
}

/** The duplicate bills of `found` in [from, to), as report rows over `input`'s invoices. */
export function duplicateRows(input: CloseInput, found: CloseFindings, from = 0, to = found.duplicateInvoice.length) {
  const out: DuplicateBill[] = [];
  for (let i = from; i < to; i++) {
    const invoice = input.invoices[found.duplicateInvoice[i]!]!;
    const duplicateOf = input.invoices[found.duplicateOf[i]!]!;
    out.push({ invoice, duplicateOf, reason: duplicateReason(found.duplicateKind[i]!, invoice, duplicateOf) });
  }
  return out;
}

/**
 * The report for `input` from findings computed over the same records (here, in a worker or
 * cached). The long lists may be passed prebuilt (close-cache.ts builds them in slices).
 */
export function assembleCloseReport(
  input: CloseInput,
  found: CloseFindings,
  opts: CloseOptions = {},
  unmatched: UnmatchedBankLine[] = unmatchedLines(input, found),
  duplicates: DuplicateBill[] = duplicateRows(input, found),
): CloseReport {
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

/**
 * What identifies a vendor's invoice on a bill, as close-check keys (docs/connectors.md): its
 * number (Xero ACCPAY InvoiceNumber is the supplier's invoice number) and its reference, each
 * without the purchase-order number the connector read from it. A PO number identifies an order,
 * not an invoice: two partial bills against one PO share it and are two invoices. Copy-to-bill
 * in Xero can leave the PO number as the bill's number; then the number identifies nothing.
 */
export function vendorInvoiceKeys(bill: CheckInvoice): { number: string; reference: string } {
  const po = norm(bill.purchaseOrderNumber);
  const number = norm(bill.number);
  let reference = "";
  if (bill.reference) {
    for (const token of bill.reference.split(/\s+/)) {
      const t = norm(token);
      if (t !== "" && t !== po) reference += t;
    }
  }
  return { number: number === po ? "" : number, reference };
}

/**
 * Likely duplicates, in one pass over the bills by date with three hash maps (O(n log n) for the
 * sort, O(1) per bill after): the same vendor with the same vendor invoice number or reference;
 * or, where one of the two bills carries no vendor invoice identifier at all, the same vendor and
 * amount within `windowDays`. Two bills that both carry their vendor's number and differ in it
 * are two invoices, whatever their amounts (partial bills against one order often are equal).
 */
export function findDuplicates(
  invoices: readonly CheckInvoice[],
  bills: readonly number[],
  windowDays: number,
): Pick<CloseFindings, "duplicateInvoice" | "duplicateOf" | "duplicateKind"> {
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
  const identified = new Set<number>();
  const duplicateInvoice: number[] = [];
  const duplicateOf: number[] = [];
  const duplicateKind: number[] = [];
  const found = (b: number, original: number, kind: number) => {
    duplicateInvoice.push(b);
    duplicateOf.push(original);
    duplicateKind.push(kind);
  };
  for (const b of ordered) {
    const bill = invoices[b]!;
    const vendor = bill.contact.id;
    const keys = vendorInvoiceKeys(bill);
    const numberKey = keys.number === "" ? "" : `${vendor}\u0000n\u0000${keys.number}`;
    const refKey = keys.reference === "" ? "" : `${vendor}\u0000r\u0000${keys.reference}`;
    const hasId = numberKey !== "" || refKey !== "";
    const amountKey = `${vendor}\u0000${cents(bill.total)}`;
    const sameNumber = numberKey === "" ? undefined : byKey.get(numberKey);
    const sameRef = refKey === "" ? undefined : byKey.get(refKey);
    const sameAmount = byAmount.get(amountKey);
    if (sameNumber !== undefined) found(b, sameNumber, 0);
    else if (sameRef !== undefined) found(b, sameRef, 1);
    else if (
      sameAmount !== undefined &&
      !(hasId && identified.has(sameAmount)) &&
      dayNumber(bill.date) - dayNumber(invoices[sameAmount]!.date) <= windowDays
    )
      found(b, sameAmount, 2);
    else {
      // Only originals are kept as comparison points, so a third copy is still compared to the first.
      if (numberKey !== "" && !byKey.has(numberKey)) byKey.set(numberKey, b);
      if (refKey !== "" && !byKey.has(refKey)) byKey.set(refKey, b);
      if (hasId) identified.add(b);
      byAmount.set(amountKey, b);
    }
  }
  return { duplicateInvoice, duplicateOf, duplicateKind };
}

/** The sentence for a duplicate of `kind` (a position in DUPLICATE_KINDS). */
export function duplicateReason(kind: number, bill: CheckInvoice, original: CheckInvoice): string {
  if (kind === 0) return `same invoice number ${bill.number} from ${bill.contact.name}`;
  if (kind === 1) {
    // As the vendor wrote it, without the PO number the reference may also carry.
    const po = norm(bill.purchaseOrderNumber);
    const reference = (bill.reference ?? "")
      .split(/\s+/)
      .filter((t) => t !== "" && norm(t) !== po)
      .join(" ");
    return `same vendor invoice reference ${reference} as ${original.number} from ${bill.contact.name}`;
  }
  const days = dayNumber(bill.date) - dayNumber(original.date);
  return `same vendor and amount as ${original.number}, ${days} day${days === 1 ? "" : "s"} apart`;
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
