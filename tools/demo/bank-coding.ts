/**
 * The demo books' chart of accounts and bank-line coding: the accounts the books use, plus
 * Xero's default chart ("Legal expenses", "Bank Fees", ...) where the books use no account of
 * that first word, with codes in Xero's style; coding a line reconciles it to the account.
 */
import type { BankLineCoding, BankTransaction, LedgerAccount } from "../../src/core/domain/accounting.ts";
import type { Month } from "../../src/core/domain/common.ts";
import { DaybookError } from "../../src/core/errors.ts";
import type { DemoAccounting } from "./books.ts";

/** Part of Xero's default chart for a new organisation (codes as Xero numbers them). */
export const xeroDefaults: readonly LedgerAccount[] = [
  { code: "200", name: "Sales", type: "REVENUE" },
  { code: "404", name: "Bank Fees", type: "EXPENSE" },
  { code: "429", name: "General Expenses", type: "EXPENSE" },
  { code: "441", name: "Legal expenses", type: "EXPENSE" },
  { code: "412", name: "Consulting & Accounting", type: "EXPENSE" },
  { code: "461", name: "Printing & Stationery", type: "EXPENSE" },
  { code: "485", name: "Subscriptions", type: "EXPENSE" },
];

export function demoChart(books: Pick<DemoAccounting, "invoices" | "pnl">): LedgerAccount[] {
  const used = [
    ...new Set([
      ...books.invoices.flatMap((i) => i.lines.map((l) => l.account)),
      ...Object.values(books.pnl).flatMap((p) => p.expenses.map((l) => l.account)),
    ]),
  ].sort();
  const income = new Set(Object.values(books.pnl).flatMap((p) => p.income.map((l) => l.account)));
  const first = (name: string) => name.toLowerCase().split(/\s+/)[0];
  const taken = new Set([...used, ...income].map(first));
  const own: LedgerAccount[] = [
    ...[...income].sort().map((name, n) => ({ code: String(210 + n * 10), name, type: "REVENUE" })),
    ...used.map((name, n) => ({ code: String(500 + n * 10), name, type: "EXPENSE" })),
  ];
  return [...own, ...xeroDefaults.filter((a) => !taken.has(first(a.name)))];
}

/** Codes the line in place (a copy of its month's statement, the source books stay as generated). */
export function codeDemoLine(
  bank: Record<Month, BankTransaction[]>,
  chart: readonly LedgerAccount[],
  id: string,
  coding: BankLineCoding,
): { id: string; accountCode: string; reconciled: boolean } {
  const account = chart.find((a) => a.code === coding.accountCode);
  if (!account) {
    throw new DaybookError("bad_request", `no account ${coding.accountCode} in the demo chart`, {
      userMessage: `There is no account ${coding.accountCode} in the chart of accounts.`,
    });
  }
  for (const [month, lines] of Object.entries(bank)) {
    const i = lines.findIndex((t) => t.id === id);
    if (i < 0) continue;
    const line = lines[i]!;
    if (line.reconciled) {
      throw new DaybookError("conflict", `bank line ${id} is already reconciled`, {
        userMessage: `That bank line is already reconciled${line.matchedTo ? ` (to ${line.matchedTo})` : ""}.`,
      });
    }
    const copy = [...lines];
    copy[i] = { ...line, reconciled: true, matchedTo: `${account.code} ${account.name}: ${coding.memo}` };
    bank[month as Month] = copy;
    return { id, accountCode: account.code, reconciled: true };
  }
  throw new DaybookError("not_found", `bank line ${id} not in the demo books`, {
    userMessage: "I could not find that bank line.",
  });
}
