/**
 * Coding a bank line in Xero (issue 16, item 6): the chart of accounts (GET /Accounts) and the
 * write that sets a line's account and memo.
 *
 * Which call: the lines daybook lists are Xero BankTransactions (spend / receive money, GET
 * /BankTransactions) not yet reconciled. Xero's Accounting API codes one by updating it,
 * POST /BankTransactions/{BankTransactionID} with its LineItems' AccountCode and Description
 * (https://developer.xero.com/documentation/api/accounting/banktransactions#post-banktransactions).
 * Creating a new BankTransaction (PUT) would book the money twice. The API cannot reconcile a
 * transaction against a bank-feed statement line: statement lines are not exposed there, and
 * IsReconciled is only for conversion apps without a statement line (same page, "IsReconciled").
 * So the coded line stays unreconciled and a person confirms the match in Xero's Reconcile
 * screen; the approval card says so (`bankCodingNote`).
 */
import type { LineItem, BankTransaction as XeroBankTransaction, XeroClient } from "xero-node";
import type { BankLineCoding, LedgerAccount } from "../../src/core/domain/accounting.ts";
import type { WriteOptions } from "../../src/core/domain/common.ts";
import { DaybookError } from "../../src/core/errors.ts";
import type { ReadCache } from "../shared/read-cache.ts";

export const XERO_BANK_CODING_NOTE =
  "Xero updates the line's account and description (POST /BankTransactions/{id}); matching it to the bank statement line stays a step in Xero's Reconcile screen.";

interface XeroCodingDeps {
  api: XeroClient["accountingApi"];
  tenant: string;
  cache: ReadCache;
  call<T>(operation: string, op: () => Promise<T>): Promise<T>;
}

/** The line items the coded line will carry: the same amounts, every one on `coding`'s account with its memo. */
export function codedLineItems(raw: XeroBankTransaction, coding: BankLineCoding): LineItem[] {
  const items = raw.lineItems ?? [];
  if (items.length === 0) {
    return [
      { description: coding.memo, quantity: 1, unitAmount: Math.abs(raw.total ?? 0), accountCode: coding.accountCode },
    ];
  }
  return items.map((item) => ({
    ...(item.lineItemID ? { lineItemID: item.lineItemID } : {}),
    description: coding.memo,
    quantity: item.quantity ?? 1,
    unitAmount: item.unitAmount ?? item.lineAmount ?? 0,
    ...(item.lineAmount !== undefined ? { lineAmount: item.lineAmount } : {}),
    ...(item.taxType ? { taxType: item.taxType } : {}),
    accountCode: coding.accountCode,
  }));
}

export function xeroBankCoding(deps: XeroCodingDeps) {
  const { api, tenant, cache, call } = deps;
  return {
    async listAccounts(): Promise<LedgerAccount[]> {
      return cache.get("chart-of-accounts", async () => {
        const res = await call("list accounts", () => api.getAccounts(tenant));
        return (res.body.accounts ?? []).flatMap((a) =>
          a.code && a.name && String(a.status ?? "ACTIVE") === "ACTIVE"
            ? [{ code: a.code, name: a.name, ...(a.type !== undefined ? { type: String(a.type) } : {}) }]
            : [],
        );
      });
    },

    async codeBankTransaction(
      id: string,
      coding: BankLineCoding,
      options: WriteOptions,
    ): Promise<{ id: string; accountCode: string; reconciled: boolean }> {
      const res = await call("read bank transaction", () => api.getBankTransaction(tenant, id));
      const raw = res.body.bankTransactions?.[0];
      if (!raw) {
        throw new DaybookError("not_found", `Xero bank transaction ${id} not found`, {
          userMessage: "Xero has no such bank line any more.",
        });
      }
      if (raw.isReconciled) {
        throw new DaybookError("conflict", `Xero bank transaction ${id} is reconciled`, {
          userMessage: "That bank line was reconciled in Xero in the meantime, so it was left as it is.",
        });
      }
      const status = String(raw.status ?? "AUTHORISED");
      if (status === "DELETED" || status === "VOIDED") {
        throw new DaybookError("conflict", `Xero bank transaction ${id} is ${status}`, {
          userMessage: `That bank line is ${status.toLowerCase()} in Xero.`,
        });
      }
      const items = codedLineItems(raw, coding);
      const type = raw.type;
      if (type === undefined) {
        throw new DaybookError("upstream_error", `Xero bank transaction ${id} has no Type`, {
          userMessage: "Xero answered with a bank line I cannot read, so nothing was changed.",
        });
      }
      await call("code bank transaction", () =>
        api.updateBankTransaction(
          tenant,
          id,
          {
            bankTransactions: [
              {
                bankTransactionID: id,
                type,
                ...(raw.contact?.contactID ? { contact: { contactID: raw.contact.contactID } } : {}),
                bankAccount: raw.bankAccount?.accountID
                  ? { accountID: raw.bankAccount.accountID }
                  : { code: raw.bankAccount?.code ?? "" },
                ...(raw.lineAmountTypes !== undefined ? { lineAmountTypes: raw.lineAmountTypes } : {}),
                lineItems: items,
              },
            ],
          },
          undefined,
          // Xero replays the first response for a repeated Idempotency-Key, so a retried approval
          // cannot apply twice (https://developer.xero.com/documentation/guides/idempotent-requests/idempotency).
          options.idempotencyKey,
        ),
      );
      await cache.invalidate();
      return { id, accountCode: coding.accountCode, reconciled: false };
    },
  };
}
