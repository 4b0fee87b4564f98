/**
 * Types of the month-end close checks (close-checks.ts), shared by the matcher, the worker wire
 * format and the cache without import cycles.
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
  /**
   * Duplicate bills as positions in `invoices`: the bill, the original it repeats, and how
   * (a position in DUPLICATE_KINDS); the reason text is written when the report is assembled.
   */
  duplicateInvoice: ArrayLike<number>;
  duplicateOf: ArrayLike<number>;
  duplicateKind: ArrayLike<number>;
  /**
   * Positions in `bankTransactions`, and alongside each its reason as a position in BANK_REASONS:
   * no object per line to build, send or decode (a worker's typed arrays are used as they arrive).
   */
  unmatchedTx: ArrayLike<number>;
  unmatchedReason: ArrayLike<number>;
  bankReconciled: number;
  bankMatched: number;
  /** Ledger entries the bank matcher looked at: linear in the input (bank-match.ts). */
  matchSteps: number;
}

/** The checks that depend only on the records and these options (not on the P&L or the date). */
export type FindingsOptions = Pick<CloseOptions, "duplicateWindowDays" | "matchWindowDays" | "feeMaxAmount">;

/** Why a bank line has nothing in the books: findings carry the position in this list. */
export const BANK_REASONS = [
  "bank fee not in the books",
  "wire with no documentation",
  "payment with no matching bill",
  "refund of unknown origin",
  "deposit with no matching invoice",
] as const;

/** How a duplicate bill repeats its original, in the order the checks try them. */
export const DUPLICATE_KINDS = ["number", "reference", "amount"] as const;
