import type { Listing, Month, WriteOptions } from "./common.ts";

export type InvoiceStatus = "DRAFT" | "SUBMITTED" | "AUTHORISED" | "PAID" | "VOIDED" | "DELETED";

export interface InvoiceLine {
  description: string;
  /** Chart-of-accounts name, e.g. "Marketing". */
  account: string;
  amount: number;
}

/** A vendor bill (Xero ACCPAY) or a sales invoice (ACCREC). */
export interface Invoice {
  id: string;
  number: string;
  type: "ACCPAY" | "ACCREC";
  contact: { id: string; name: string };
  date: string;
  dueDate?: string;
  total: number;
  currency: string;
  status: InvoiceStatus;
  reference?: string;
  /** Purchase order number the bill claims, if any. */
  purchaseOrderNumber?: string;
  lines: InvoiceLine[];
  url?: string;
}

export interface PurchaseOrder {
  id: string;
  number: string;
  contact: { id: string; name: string };
  date: string;
  total: number;
  status: "DRAFT" | "SUBMITTED" | "AUTHORISED" | "BILLED" | "DELETED";
}

/** A bank statement line as the accounting system sees it. Negative amount = money out. */
export interface BankTransaction {
  id: string;
  date: string;
  amount: number;
  kind: "SPEND" | "RECEIVE" | "TRANSFER";
  contact?: string;
  reference?: string;
  description: string;
  /** Reconciled to an entry in the books. */
  reconciled: boolean;
  /** Book entry it is matched to (invoice id/number), if reconciled. */
  matchedTo?: string;
  bankAccount: string;
}

export interface ProfitAndLoss {
  month: Month;
  currency: string;
  income: { account: string; amount: number }[];
  expenses: { account: string; amount: number }[];
  totalIncome: number;
  totalExpenses: number;
  netProfit: number;
}

/** An account of the chart of accounts (Xero GET /Accounts), what a bank line can be coded to. */
export interface LedgerAccount {
  code: string;
  name: string;
  /** Xero's account type ("EXPENSE", "REVENUE", "BANK", ...), when known. */
  type?: string;
}

/** What a bank line is coded to: an account of the chart and the memo the books keep with it. */
export interface BankLineCoding {
  accountCode: string;
  memo: string;
}

/** A month's budgeted amounts by P&L account (Xero Reports/BudgetSummary, the overall budget). */
export interface BudgetFigures {
  month: Month;
  currency: string;
  income: { account: string; amount: number }[];
  expenses: { account: string; amount: number }[];
}

/** A month's cash across the bank accounts (Xero Reports/BankSummary totals). */
export interface CashSummary {
  month: Month;
  currency: string;
  opening: number;
  received: number;
  spent: number;
  closing: number;
}

export interface InvoiceQuery {
  month?: Month;
  type?: "ACCPAY" | "ACCREC";
  status?: InvoiceStatus;
  contact?: string;
  number?: string;
}

/** Listings are complete, or marked `truncated` when a connector's safety cap cut them (say so). */
export interface AccountingPort {
  listInvoices(query: InvoiceQuery): Promise<Listing<Invoice>>;
  getInvoice(idOrNumber: string): Promise<Invoice>;
  listPurchaseOrders(month: Month): Promise<Listing<PurchaseOrder>>;
  /**
   * Purchase orders by number, wherever they are dated: a bill's PO is often raised in an earlier
   * month than the bill. Numbers with no PO are left out of the answer. A port that cannot look
   * POs up by number leaves this out (then a bill whose PO is dated in another month is unmatched).
   */
  findPurchaseOrders?(numbers: readonly string[]): Promise<PurchaseOrder[]>;
  listBankTransactions(month: Month): Promise<Listing<BankTransaction>>;
  getProfitAndLoss(month: Month): Promise<ProfitAndLoss>;
  /** The organisation's base currency (ISO 4217): what bank lines and the books are kept in. */
  baseCurrency?(): Promise<string>;
  /** The chart of accounts; a port that cannot read it leaves this out (then no bank line can be coded). */
  listAccounts?(): Promise<LedgerAccount[]>;
  /**
   * Codes a bank line to an account with a memo (Xero POST /BankTransactions/{id}, the line item's
   * AccountCode and Description). Idempotent per `options.idempotencyKey`. `reconciled` says
   * whether the system also reconciled the line (Xero's API cannot: that stays a step in Xero).
   */
  codeBankTransaction?(
    id: string,
    coding: BankLineCoding,
    options: WriteOptions,
  ): Promise<{ id: string; accountCode: string; reconciled?: boolean }>;
  /** What coding a line does in this system, shown on the approval card before anyone approves. */
  bankCodingNote?: string;
  /** The month's budget (not_found when the books hold none for it); a port without budgets leaves this out. */
  getBudget?(month: Month): Promise<BudgetFigures>;
  /** The month's opening and closing cash and what came in and went out, all bank accounts together. */
  getCashSummary?(month: Month): Promise<CashSummary>;
  /**
   * `options.note`, when given, is added to the bill's history (Xero PUT /Invoices/{id}/History).
   * The options stay the last argument, as on every write, so wrappers that forward them (retries,
   * call counting) carry the note too.
   */
  approveInvoice(id: string, options: WriteOptions & { note?: string }): Promise<{ id: string; status: InvoiceStatus }>;
  rejectInvoice(id: string, reason: string, options: WriteOptions): Promise<{ id: string; status: InvoiceStatus }>;
}
