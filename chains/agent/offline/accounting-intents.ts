/**
 * Accounting questions whose words name one answer (issue 13, item 4): bills by vendor, status
 * or a missing purchase order over the bills of the month being closed and after (on the 1st,
 * "unpaid bills from <vendor>" still means November's too), bank lines that are not reconciled
 * ("and the bank side?", "anything weird in the bank?") in the month being closed, and the bill
 * without a PO among the close's exceptions. Each sets the bound tool's own filters and narrows
 * its result; every figure is one the tool returned.
 */
import { closeMonth, localToday, monthLabel, shiftMonth } from "../../../src/core/period.ts";
import { amountIn, counterpartyIn, reconciledIn } from "./filters.ts";
import type { Intent, IntentTurn, Obj } from "./intent.ts";

function objs(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter((x): x is Obj => typeof x === "object" && x !== null) : [];
}

/** The question names its own month or period: the tool reads it from the words. */
const periodNamed =
  /\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t|tember)?|oct(ober)?|nov(ember)?|dec(ember)?|month|quarter|year|ytd|week|today|yesterday|q[1-4]|\d{4}-\d{2})\b/i;

const bills = /\b(bills?|invoices?)\b/i;
const billFilter =
  /\b(awaiting|pending|waiting for|needs?|to)\s+(my\s+)?approv\w*|\b(unapproved|submitted|unpaid|not paid|outstanding|overdue|past due|drafts?)\b|\b(without|no|missing)\s+(an?\s+)?(po|purchase orders?)\b/i;
const bankWords = /\b(bank|wires?|bank (lines?|transactions?))\b|\bunreconc\w*|\bnot reconciled\b/i;
const oddWords = /\b(side|weird|odd|strange|unexplained|unusual|suspicious|wrong|unmatched)\b/i;

/**
 * Money customers owe us (accounts receivable): "who's late paying us?", "sales invoices",
 * "overdue invoices" with no vendor named. Bills are what we owe; listing them here would answer
 * another question with confidence.
 */
const receivableWords =
  /\b(sales invoices?|(accounts )?receivables?|a\/r|(owes?|owing) us|owed to us|late (paying|payers?|to pay)|slow (paying|payers?)|paying us|pay us|paid us|who owes|customers? (who )?(haven'?t|have not|didn'?t|did not|never) paid|(customer|client)s?'? invoices?|invoices? (we|i) (sent|issued|raised))\b/i;
const payableWords =
  /\b(bills?|vendors?|suppliers?|we owe|(we|i) (still )?(need to|have to|must) pay|payables?|a\/p)\b/i;
const lateInvoices = /\binvoices?\b/i;
const lateWords = /\b(overdue|past due|late|unpaid|not (yet )?paid|outstanding)\b/i;
export function asksReceivables(q: string): boolean {
  if (payableWords.test(q) || /\b(invoice|bill)\s+#?\d{3,}\b|#\d{3,}/i.test(q)) return false;
  // "overdue invoices from <vendor>" names whom we pay: those are bills.
  return receivableWords.test(q) || (lateInvoices.test(q) && lateWords.test(q) && counterpartyIn(q) === undefined);
}

/** Past due when the words say so; otherwise everything still unpaid ("who owes us money?"). */
const lateOnly = (q: string) => /\b(overdue|past due|late|slow)\b/i.test(q);

const closing = (turn: IntentTurn | undefined) =>
  turn?.now === undefined ? undefined : closeMonth(turn.now, turn.timeZone ?? "UTC");

export const accountingIntents: Intent[] = [
  {
    name: "receivables",
    test: asksReceivables,
    tool: "accounting_invoices",
    // Sales invoices of the last twelve months (the tool's longest span) still open; past due unless "unpaid".
    args: (q, turn) => {
      const month = turn?.now === undefined ? undefined : localToday(turn.now, turn.timeZone ?? "UTC").slice(0, 7);
      const late = lateOnly(q);
      return {
        type: "ACCREC",
        ...(month ? { month, fromMonth: shiftMonth(month, -11) } : {}),
        ...(late ? { overdue: true, unpaid: undefined } : { unpaid: true, overdue: undefined }),
        invoiceNumber: undefined,
        contact: undefined,
      };
    },
    finish: (text, v, q) => {
      const what = lateOnly(q) ? "overdue" : "unpaid";
      if (v.type !== "ACCREC") return text;
      const span =
        typeof v.fromMonth === "string" && typeof v.month === "string"
          ? ` from ${monthLabel(v.fromMonth)} to ${monthLabel(v.month)}`
          : "";
      if (v.count === 0)
        return `The books hold no ${what} sales invoices (money customers owe us)${span}. Bills are what we owe vendors: ask "any overdue bills?" for those.`;
      return `Sales invoices customers still owe us (accounts receivable), ${what}:\n${text}`;
    },
  },
  {
    name: "bills-filtered",
    test: (q) =>
      bills.test(q) &&
      !/\b(invoice|bill)\s+#?\d{3,}\b|#\d{3,}/i.test(q) &&
      (billFilter.test(q) || counterpartyIn(q) !== undefined) &&
      !/\bclose\b|\bmonth[- ]end\b|\bduplicat/i.test(q),
    tool: "accounting_invoices",
    args: (q, turn) => {
      const from = closing(turn);
      return periodNamed.test(q) || !from ? {} : { fromMonth: from };
    },
  },
  {
    name: "bank-lines",
    test: (q) => bankWords.test(q) && !/\b(close|month[- ]end|p&l|profit)\b/i.test(q),
    tool: "accounting_bank_transactions",
    args: (q, turn) => {
      const open = reconciledIn(q) === false || oddWords.test(q) || /\bwire\b/i.test(q);
      const from = closing(turn);
      return {
        ...(open && reconciledIn(q) !== true ? { reconciled: false } : {}),
        ...(!periodNamed.test(q) && from && (open || amountIn(q) !== undefined) ? { month: from } : {}),
      };
    },
    focus: (v, turn) =>
      /\b(biggest|largest)\b/i.test(turn?.question ?? "")
        ? {
            ...v,
            transactions: [...objs(v.transactions)].sort(
              (a, b) => Math.abs(Number(b.amount ?? 0)) - Math.abs(Number(a.amount ?? 0)),
            ),
          }
        : v,
  },
  {
    name: "close-without-po",
    // "and the one without a PO?" after the close's exceptions: that bill, not the whole list.
    test: (q) =>
      /\b(the )?(one|bill|invoice)s?\s+(without|with no|missing|lacking)\s+(an?\s+)?(po|purchase order)\b/i.test(q) &&
      !billFilter.test(q.replace(/\b(without|with no|missing|lacking)\s+(an?\s+)?(po|purchase order)\b/gi, "")),
    tool: "accounting_close_exceptions",
    focus: (v) => {
      const counts = typeof v.counts === "object" && v.counts !== null ? (v.counts as Obj) : {};
      const noPo = objs(v.invoicesWithoutPo);
      return {
        ...v,
        duplicates: [],
        unmatchedBank: [],
        variances: [],
        counts: { ...counts, exceptions: noPo.length },
      };
    },
    refersToNarrowed: true,
  },
];
