/**
 * Coding an unreconciled bank line to an account with a memo ("the $2,100 wire is the legal
 * settlement", issue 16 item 6): the line is found by its amount (and date or words when several
 * share it), the account in the chart of accounts by the words, both before the approval card
 * is shown, so the card names the exact line and account. The write runs once after approval.
 */
import { z } from "zod";
import type { WriteAction } from "../../src/core/actions.ts";
import type { Clock } from "../../src/core/clock.ts";
import type { AccountingPort, BankTransaction, LedgerAccount } from "../../src/core/domain/accounting.ts";
import { type Month, previousMonth } from "../../src/core/domain/common.ts";
import { DaybookError } from "../../src/core/errors.ts";
import { closeMonth, localToday } from "../../src/core/period.ts";
import { formatMoney } from "../shared/compact.ts";

/** What the action reads of the accounting tools' context (tools.ts), kept here so neither imports the other. */
export interface BankCodingContext {
  clock: Clock;
  timeZone?: string;
}

export const codeBankLineSchema = z.object({
  amount: z.number().positive().max(1e12).describe('Size of the bank line, without sign: "the $2,100 wire" is 2100'),
  account: z
    .string()
    .trim()
    .min(2)
    .max(100)
    .describe('Words naming the account in the chart of accounts: "legal", "bank fees", "software"'),
  memo: z.string().trim().min(2).max(200).describe('What the line was, kept with it in the books: "Legal settlement"'),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .describe("The line's date YYYY-MM-DD, only when several lines have the same amount"),
  words: z
    .string()
    .trim()
    .min(2)
    .max(100)
    .optional()
    .describe("Words of the line's description or reference, to tell lines apart"),
  // Filled by prepare() from the books, never by the model: the card shows what they name.
  transactionId: z.string().trim().min(1).max(80).optional(),
  accountCode: z.string().trim().min(1).max(20).optional(),
  accountName: z.string().trim().min(1).max(150).optional(),
  lineDate: z.string().max(10).optional(),
  lineDescription: z.string().max(300).optional(),
  currency: z.string().max(3).optional(),
  /** What the connected system does on approval (AccountingPort.bankCodingNote), so the card says it. */
  effect: z.string().max(300).optional(),
});
export type CodeBankLineArgs = z.infer<typeof codeBankLineSchema>;

const stop = new Set([
  "the",
  "a",
  "an",
  "of",
  "for",
  "and",
  "to",
  "is",
  "was",
  "our",
  "expense",
  "expenses",
  "costs",
  "cost",
]);

function stem(word: string): string {
  return word.length > 3 && word.endsWith("s") ? word.slice(0, -1) : word;
}

function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !stop.has(w)).map(stem);
}

/** The accounts whose name's words the phrase names most; several when they tie, none when no word matches. */
export function accountsNamed(phrase: string, chart: readonly LedgerAccount[]): LedgerAccount[] {
  const said = new Set(words(phrase));
  let best = 0;
  let found: LedgerAccount[] = [];
  for (const account of chart) {
    const own = words(account.name);
    const hits = own.filter((w) => said.has(w)).length;
    if (hits === 0) continue;
    // A name all of whose words were said beats one that shares a word ("bank fees" -> Bank Fees, not Bank).
    const score = hits * 10 + (hits === own.length ? 5 : 0) - own.length;
    if (score > best) {
      best = score;
      found = [account];
    } else if (score === best) found.push(account);
  }
  return found;
}

/** Unreconciled lines of `amount` (either sign, to the cent), narrowed by date and words when given. */
export function linesMatching(
  lines: readonly BankTransaction[],
  args: Pick<CodeBankLineArgs, "amount" | "date" | "words">,
) {
  const cents = Math.round(args.amount * 100);
  let found = lines.filter((t) => !t.reconciled && Math.round(Math.abs(t.amount) * 100) === cents);
  if (args.date && found.length > 1) {
    const onDay = found.filter((t) => t.date.slice(0, 10) === args.date);
    if (onDay.length > 0) found = onDay;
  }
  if (args.words && found.length > 1) {
    const said = new Set(words(args.words));
    const named = found.filter((t) =>
      words(`${t.description} ${t.reference ?? ""} ${t.contact ?? ""}`).some((w) => said.has(w)),
    );
    if (named.length > 0) found = named;
  }
  return found;
}

/** The months an unreconciled line can still be in: the month being closed, the one before, and today's. */
function openMonths(ctx: BankCodingContext): Month[] {
  const tz = ctx.timeZone ?? "UTC";
  const now = ctx.clock.now();
  const closing = closeMonth(now, tz);
  const current = localToday(now, tz).slice(0, 7) as Month;
  return [...new Set([previousMonth(closing), closing, current])];
}

function lineLabel(t: BankTransaction, currency: string): string {
  return `${formatMoney(Math.abs(t.amount), currency)} ${t.amount < 0 ? "out" : "in"} on ${t.date.slice(0, 10)}: ${t.description}${t.reference ? ` (${t.reference})` : ""}`;
}

export function codeBankLineAction(
  accounting: AccountingPort,
  ctx: BankCodingContext,
): WriteAction<typeof codeBankLineSchema> {
  return {
    name: "accounting_code_bank_line",
    domain: "accounting",
    description:
      "Code an unreconciled bank line to an account of the chart of accounts with a memo; the line is found by its amount. " +
      "Needs approval by someone in finance. " +
      'Examples: "the <amount> wire is the legal settlement", "code the <amount> payment to software: annual licence".',
    schema: codeBankLineSchema,
    requiresApproval: true,
    async prepare(args) {
      if (!accounting.listAccounts || !accounting.codeBankTransaction) {
        return { ok: false, reply: "The connected accounting system does not let me code bank lines." };
      }
      const currency = (await accounting.baseCurrency?.()) ?? "USD";
      const shownAmount = formatMoney(args.amount, currency);
      const months = openMonths(ctx);
      const lines = (await Promise.all(months.map((m) => accounting.listBankTransactions(m)))).flat();
      const matching = linesMatching(lines, args);
      if (matching.length === 0) {
        return {
          ok: false,
          reply: `I found no unreconciled bank line of ${shownAmount} between ${months[0]} and ${months.at(-1)}, so nothing was requested.`,
        };
      }
      if (matching.length > 1) {
        const list = matching
          .slice(0, 8)
          .map((t) => `• ${lineLabel(t, currency)}`)
          .join("\n");
        return {
          ok: false,
          reply: `${matching.length} unreconciled bank lines are ${shownAmount}; which one is it? Say its date:\n${list}`,
        };
      }
      const chart = await accounting.listAccounts();
      const accounts = accountsNamed(args.account, chart);
      if (accounts.length !== 1) {
        const options = (accounts.length > 1 ? accounts : chart).slice(0, 10).map((a) => `${a.name} (${a.code})`);
        return {
          ok: false,
          reply:
            accounts.length > 1
              ? `"${args.account}" could be ${options.join(", ")}; which account should the ${shownAmount} line go to?`
              : `No account in the chart of accounts matches "${args.account}". Accounts include ${options.join(", ")}.`,
        };
      }
      const line = matching[0]!;
      const account = accounts[0]!;
      return {
        ok: true,
        args: {
          ...args,
          transactionId: line.id,
          accountCode: account.code,
          accountName: account.name,
          lineDate: line.date.slice(0, 10),
          lineDescription: `${line.description}${line.reference ? ` (${line.reference})` : ""}`.slice(0, 300),
          currency,
          ...(accounting.bankCodingNote ? { effect: accounting.bankCodingNote } : {}),
        },
      };
    },
    title: (args) =>
      `Code the ${formatMoney(args.amount, args.currency ?? "USD")} bank line${args.lineDate ? ` of ${args.lineDate}` : ""} to ${args.accountName ?? args.account}`,
    describe: (args) => [
      {
        label: "Bank line",
        value: `${formatMoney(args.amount, args.currency ?? "USD")}${args.lineDate ? ` on ${args.lineDate}` : ""}${args.lineDescription ? `: ${args.lineDescription}` : ""}`,
      },
      { label: "Account", value: args.accountCode ? `${args.accountName} (${args.accountCode})` : args.account },
      { label: "Memo", value: args.memo },
      ...(args.effect ? [{ label: "What happens", value: args.effect }] : []),
    ],
    async execute(args, options) {
      if (!accounting.codeBankTransaction || !args.transactionId || !args.accountCode) {
        return { ok: false, summary: "This request names no bank line or account; ask again with the amount." };
      }
      try {
        const done = await accounting.codeBankTransaction(
          args.transactionId,
          { accountCode: args.accountCode, memo: args.memo },
          options,
        );
        // Xero's API codes the line but cannot reconcile it: the person still confirms the match there.
        const still =
          done.reconciled === false ? " It still needs reconciling in the accounting system's Reconcile screen." : "";
        return {
          ok: true,
          summary: `Coded the ${formatMoney(args.amount, args.currency ?? "USD")} bank line${args.lineDate ? ` of ${args.lineDate}` : ""} to ${args.accountName} (${args.accountCode}): ${args.memo}.${still}`,
          ref: { id: args.transactionId },
        };
      } catch (error) {
        if (
          error instanceof DaybookError &&
          ["not_found", "conflict", "bad_request", "forbidden"].includes(error.code)
        ) {
          return { ok: false, summary: error.userMessage };
        }
        throw error;
      }
    },
  };
}
