/**
 * Accounting read tools and write actions over an AccountingPort (Xero or demo). Close
 * exceptions come from closeReports (runCloseChecks, cached), the same as the close digest.
 */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import type { WriteAction } from "../../src/core/actions.ts";
import type { ApprovalOutcome } from "../../src/core/approval.ts";
import type { Clock } from "../../src/core/clock.ts";
import type { AccountingPort, BankTransaction, Invoice, ProfitAndLoss } from "../../src/core/domain/accounting.ts";
import { type Month, partialNotes, previousMonth } from "../../src/core/domain/common.ts";
import { DaybookError } from "../../src/core/errors.ts";
import {
  closeMonth,
  localToday,
  monthLabel,
  monthPeriod,
  monthSpanPeriod,
  monthsBetween,
  type Period,
  type PeriodContext,
  previousPeriod,
  resolvePeriod,
} from "../../src/core/period.ts";
import { type EntityLabels, formatMoney, money, pct, runTool } from "../shared/compact.ts";
import { codeBankLineAction } from "./bank-coding.ts";
import { closeReports } from "./close-cache.ts";
import { monthToDate } from "./close-checks.ts";
import { loadCloseRecords } from "./close-load.ts";
import { financeReadTools } from "./finance-tools.ts";
import { periodPnl, pnlIfAny, proRataPnl } from "./period-pnl.ts";
import { accountingQbrTool } from "./qbr-tools.ts";
import { prepareRejection } from "./vendor-notice.ts";

/** `partial` on a tool result read from a listing a connector's safety cap cut: counts are then lower bounds. */
function partialField(...lists: readonly (readonly unknown[])[]): { partial?: string[] } {
  const partial = partialNotes(...lists);
  return partial.length > 0 ? { partial } : {};
}

export interface AccountingToolContext {
  clock: Clock;
  labels: EntityLabels;
  /** IANA timezone of the organisation: "this month" and the close follow its calendar. Default UTC. */
  timeZone?: string;
}

const monthSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month like 2026-11")
  .describe("Month as YYYY-MM; omit for the current month");
const invoiceRefSchema = z.string().trim().min(1).max(60).describe('Invoice number or id, e.g. "1234" or "#1234"');

export const invoicesSchema = z.object({
  invoiceNumber: invoiceRefSchema.optional().describe("One invoice by number"),
  month: monthSchema.optional(),
  type: z.enum(["ACCPAY", "ACCREC"]).optional().describe("ACCPAY = vendor bills (default), ACCREC = sales invoices"),
  status: z
    .enum(["DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED"])
    .optional()
    .describe("SUBMITTED = awaiting approval"),
  contact: z.string().trim().min(2).max(100).optional().describe("Vendor or customer name, or part of it"),
  fromMonth: monthSchema
    .optional()
    .describe("First month of a span through `month`, YYYY-MM (bills of the month being closed and after)"),
  noPurchaseOrder: z.boolean().optional().describe("true = only bills that name no purchase order"),
  unpaid: z.boolean().optional().describe("true = only bills not yet paid (submitted or authorised)"),
  overdue: z.boolean().optional().describe("true = only unpaid bills past their due date"),
  limit: z.number().int().min(1).max(50).optional().describe("How many invoices (default 15)"),
});
export const closeExceptionsSchema = z.object({
  month: monthSchema
    .optional()
    .describe("Month as YYYY-MM; omit for the month being closed (last month during the first 10 days)"),
});
export const bankTransactionsSchema = z.object({
  month: monthSchema.optional(),
  reconciled: z.boolean().optional().describe("false = only lines not yet reconciled"),
  contact: z.string().trim().min(2).max(100).optional().describe("Payee/payer or description words"),
  minAmount: z.number().min(0).optional().describe("Only lines at least this large (absolute)"),
  amount: z.number().min(0).optional().describe('Only lines of this size (absolute, to the dollar): "the $2,100 wire"'),
  limit: z.number().int().min(1).max(50).optional().describe("How many lines (default 15)"),
});
export const profitAndLossSchema = z.object({
  month: monthSchema.optional(),
  period: z
    .string()
    .trim()
    .min(2)
    .max(40)
    .optional()
    .describe('Several months: "this quarter", "last quarter", "Q3", "Q3 2026", "YTD", "this year", "last year"'),
  from: monthSchema.optional().describe("First month of a span of months, YYYY-MM"),
  to: monthSchema.optional().describe("Last month of the span, YYYY-MM; default the current month"),
});

export const approveInvoiceSchema = z.object({
  invoiceId: invoiceRefSchema,
  note: z
    .string()
    .trim()
    .min(2)
    .max(400)
    .optional()
    .describe(
      'A note kept with the approval and added to the bill\'s history: "approve <bill number>: checked against the contract"',
    ),
});
export const rejectInvoiceSchema = z.object({
  invoiceId: invoiceRefSchema,
  reason: z.string().trim().min(3).max(500).describe("Why the bill is rejected, as the vendor contact will read it"),
  // Filled by prepare() from the books, never by the model: the card shows the draft before anyone approves.
  vendorNotice: z.string().max(1500).optional(),
});

function invoiceRow(inv: Invoice) {
  return {
    id: inv.id,
    number: inv.number,
    contact: inv.contact.name,
    date: inv.date,
    total: inv.total,
    currency: inv.currency,
    status: inv.status,
    purchaseOrder: inv.purchaseOrderNumber ?? "none",
    url: inv.url,
  };
}

function txRow(tx: BankTransaction) {
  return {
    id: tx.id,
    date: tx.date,
    amount: tx.amount,
    kind: tx.kind,
    contact: tx.contact,
    reference: tx.reference,
    description: tx.description,
    reconciled: tx.reconciled,
    matchedTo: tx.matchedTo,
  };
}

function changePct(current: number, previous: number | undefined): number | undefined {
  if (previous === undefined || previous === 0) return undefined;
  return pct(((current - previous) / previous) * 100, 1);
}

function pnlView(pnl: ProfitAndLoss, previous?: ProfitAndLoss) {
  const before = new Map(previous?.expenses.map((e) => [e.account, e.amount]) ?? []);
  const incomeBefore = new Map(previous?.income.map((e) => [e.account, e.amount]) ?? []);
  return {
    month: pnl.month,
    currency: pnl.currency,
    ...(previous ? { comparedTo: previous.month } : {}),
    totalIncome: pnl.totalIncome,
    totalExpenses: pnl.totalExpenses,
    netProfit: pnl.netProfit,
    ...(previous ? { netProfitPrevious: previous.netProfit } : {}),
    income: pnl.income.map((l) => ({
      account: l.account,
      amount: l.amount,
      previous: incomeBefore.get(l.account),
      changePct: changePct(l.amount, incomeBefore.get(l.account)),
    })),
    expenses: [...pnl.expenses]
      .sort((a, b) => b.amount - a.amount)
      .map((l) => ({
        account: l.account,
        amount: l.amount,
        previous: before.get(l.account),
        changePct: changePct(l.amount, before.get(l.account)),
      })),
  };
}

/** The one line an answer gives for a comparison the books have no figures for. */
function noComparison(label: string): string {
  return `No figures for ${label} to compare with.`;
}

/** "March 2026", "January–August 2025", "November 2025–February 2026"; gaps listed one by one. */
function monthsLabel(months: Month[]): string {
  const first = months[0];
  const last = months[months.length - 1];
  if (!first || !last) return "";
  if (first === last) return monthLabel(first);
  if (monthsBetween(first, last).length !== months.length) return months.map(monthLabel).join(", ");
  const [fromName, fromYear] = monthLabel(first).split(" ");
  return fromYear === last.slice(0, 4) ? `${fromName}–${monthLabel(last)}` : `${monthLabel(first)}–${monthLabel(last)}`;
}

/** Which months a P&L request covers: a span (from/to), a said period, or one month (default this month). */
function requestedPeriod(args: z.infer<typeof profitAndLossSchema>, ctx: PeriodContext): Period {
  const thisMonth = localToday(ctx.now, ctx.timeZone).slice(0, 7);
  if (args.from || (args.to && !args.month)) {
    const from = args.from ?? args.to ?? thisMonth;
    const to = args.to ?? (args.from && args.from > thisMonth ? args.from : thisMonth);
    if (to < from)
      throw new DaybookError("bad_request", `from ${from} is after to ${to}`, {
        userMessage: `The span ends (${to}) before it starts (${from}).`,
      });
    return monthSpanPeriod(from, to, ctx);
  }
  if (args.period && !args.month) {
    const period = resolvePeriod(args.period, ctx);
    if (!period) {
      throw new DaybookError("bad_request", `unreadable period ${args.period}`, {
        userMessage: `I could not read "${args.period}" as a period; try "Q3 2026", "YTD", "last year" or from/to months.`,
      });
    }
    if (period.kind === "week") {
      throw new DaybookError("bad_request", "P&L by week", {
        userMessage: "The books keep the P&L by month; ask for a month, a quarter or a year.",
      });
    }
    return period;
  }
  return monthPeriod(args.month ?? thisMonth, ctx);
}

async function profitAndLossOver(accounting: AccountingPort, period: Period, ctx: PeriodContext) {
  if (period.months.length === 0) {
    throw new DaybookError("bad_request", `${period.label} is in the future`, {
      userMessage: `${period.label} has not started yet.`,
    });
  }
  const previous = previousPeriod(period, ctx);
  if (period.kind === "month") {
    // One month: the books' own report. A month still in progress is compared with last month to
    // the same day, or every line would read as down by the days still to come.
    const month = period.months[0] as Month;
    const pnl = await accounting.getProfitAndLoss(month);
    const whole = await pnlIfAny(accounting, previous.months[0] as Month);
    const toDate = monthToDate(month, localToday(ctx.now, ctx.timeZone));
    const before = whole && toDate ? proRataPnl(whole, toDate.day / toDate.days) : whole;
    return {
      ...pnlView(pnl, before),
      ...(toDate && before
        ? {
            monthToDate: `day ${toDate.day} of ${toDate.days}`,
            comparedWith: `${previous.label} pro rata to day ${toDate.day}`,
          }
        : {}),
      ...(before ? {} : { comparison: noComparison(previous.label) }),
    };
  }
  // A period still in progress (this quarter, YTD, this year) ends in a month in progress: the
  // previous period's matching month counts to the same day, or every line reads as down.
  const lastMonth = period.months[period.months.length - 1] as Month;
  const toDate = monthToDate(lastMonth, localToday(ctx.now, ctx.timeZone));
  const [current, earlier] = await Promise.all([
    periodPnl(accounting, period.months),
    periodPnl(accounting, previous.months, toDate ? toDate.day / toDate.days : 1),
  ]);
  if (!current.pnl) {
    throw new DaybookError("not_found", `no P&L for ${period.months.join(", ")}`, {
      userMessage: `No figures for ${period.label} in the books.`,
    });
  }
  // A comparison is of equal months or none: a year against the four months the books hold of
  // the year before would read as +200%.
  const comparable = current.missing.length === 0 && earlier.missing.length === 0 ? earlier.pnl : undefined;
  const { month: _first, comparedTo: _was, ...view } = pnlView(current.pnl, comparable);
  return {
    period: period.label,
    from: period.from,
    to: period.to,
    months: current.covered,
    ...(current.missing.length > 0 ? { noFiguresFor: monthsLabel(current.missing) } : {}),
    ...(comparable && toDate ? { monthToDate: `${monthLabel(lastMonth)} to day ${toDate.day} of ${toDate.days}` } : {}),
    ...(comparable
      ? {
          comparedTo: toDate
            ? `${previous.label} to the same point (${monthLabel(previous.months[previous.months.length - 1] as Month)} pro rata to day ${toDate.day})`
            : previous.label,
          comparedMonths: earlier.covered,
        }
      : {
          comparison:
            earlier.missing.length > 0
              ? noComparison(earlier.covered.length === 0 ? previous.label : monthsLabel(earlier.missing))
              : `Not compared with ${previous.label}: the books have no figures for ${monthsLabel(current.missing)}.`,
        }),
    ...view,
  };
}

export function accountingReadTools(accounting: AccountingPort, ctx: AccountingToolContext): StructuredToolInterface[] {
  const remember = (invoices: Invoice[]) => {
    for (const inv of invoices) {
      const label = `#${inv.number} ${inv.contact.name} ${formatMoney(inv.total, inv.currency)}`;
      ctx.labels.remember("invoice", inv.id, label);
      ctx.labels.remember("invoice", inv.number, label);
    }
  };
  const periodCtx = (): PeriodContext => ({ now: ctx.clock.now(), timeZone: ctx.timeZone ?? "UTC" });
  const currentMonth = (): Month => localToday(ctx.clock.now(), ctx.timeZone ?? "UTC").slice(0, 7);

  const invoices = tool(
    (args: z.infer<typeof invoicesSchema>) =>
      runTool(async () => {
        if (args.invoiceNumber) {
          const inv = await accounting.getInvoice(args.invoiceNumber);
          remember([inv]);
          return {
            ...invoiceRow(inv),
            type: inv.type,
            dueDate: inv.dueDate,
            reference: inv.reference,
            lines: inv.lines.map((l) => ({ description: l.description, account: l.account, amount: l.amount })),
          };
        }
        const month = args.month ?? currentMonth();
        // A span is at most a year of months, read one month at a time (the port lists by month).
        const months = [month];
        while (args.fromMonth && months.length < 12 && (months[0] as Month) > args.fromMonth)
          months.unshift(previousMonth(months[0] as Month));
        const pages = await Promise.all(
          months.map((m) =>
            accounting.listInvoices({
              month: m,
              type: args.type ?? "ACCPAY",
              ...(args.status ? { status: args.status } : {}),
              ...(args.contact ? { contact: args.contact } : {}),
            }),
          ),
        );
        const truncated = pages.find((p) => p.truncated)?.truncated;
        const listed = Object.assign(
          pages.flat().filter((i) => !args.noPurchaseOrder || !i.purchaseOrderNumber),
          truncated ? { truncated } : {},
        );
        const today = localToday(ctx.clock.now(), ctx.timeZone ?? "UTC");
        const open = (i: (typeof listed)[number]) => i.status === "SUBMITTED" || i.status === "AUTHORISED";
        const list =
          args.unpaid || args.overdue
            ? Object.assign(
                listed.filter((i) => open(i) && (!args.overdue || (i.dueDate !== undefined && i.dueDate < today))),
                { ...(listed.truncated ? { truncated: listed.truncated } : {}) },
              )
            : listed;
        const sorted = [...list].sort((a, b) => b.date.localeCompare(a.date) || b.number.localeCompare(a.number));
        const shown = sorted.slice(0, args.limit ?? 15);
        remember(shown);
        // An empty list still says what its zero is in: the organisation's currency, as bank lines do.
        const currency = shown[0]?.currency ?? (await accounting.baseCurrency?.());
        return {
          month,
          ...(months.length > 1 ? { fromMonth: months[0] } : {}),
          type: args.type ?? "ACCPAY",
          ...(currency ? { currency } : {}),
          count: list.length,
          total: money(list.reduce((s, i) => s + i.total, 0)),
          invoices: shown.map(invoiceRow),
          ...(list.length > shown.length ? { more: list.length - shown.length } : {}),
          ...partialField(list),
        };
      }),
    {
      name: "accounting_invoices",
      description:
        "Vendor bills (or sales invoices) for a month, filtered by status or vendor, or one invoice by number with its lines and purchase order. " +
        'Examples: "show invoice <number>", "bills awaiting approval", "what did we pay <vendor> this month?", "unpaid bills", "invoices from <vendor>".',
      schema: invoicesSchema,
    },
  );

  const closeExceptions = tool(
    (args: z.infer<typeof closeExceptionsSchema>) =>
      runTool(async () => {
        const month = args.month ?? closeMonth(ctx.clock.now(), ctx.timeZone ?? "UTC");
        const prev = previousMonth(month);
        // The month's POs and the earlier ones its bills name (close-load.ts).
        const {
          invoices: invoiceList,
          purchaseOrders,
          bankTransactions,
          pnl,
          previousPnl,
        } = await loadCloseRecords(accounting, month);
        // Cached per month and input version; a large month runs in a worker (close-cache.ts).
        const report = await closeReports.report({
          month,
          invoices: invoiceList,
          purchaseOrders,
          bankTransactions,
          pnl,
          previousPnl,
          asOf: localToday(ctx.clock.now(), ctx.timeZone ?? "UTC"),
        });
        remember(report.invoicesWithoutPo);
        remember(report.duplicates.flatMap((d) => [d.invoice, d.duplicateOf]));
        return {
          month,
          ...partialField(invoiceList, purchaseOrders, bankTransactions),
          ...(previousPnl ? {} : { comparison: noComparison(monthLabel(prev)) }),
          // In a month still in progress, variances compare with last month pro rata to this day.
          ...(report.monthToDate ? { monthToDate: `day ${report.monthToDate.day} of ${report.monthToDate.days}` } : {}),
          counts: report.counts,
          invoicesWithoutPo: report.invoicesWithoutPo.map((i) => ({ ...invoiceRow(i), issue: "no purchase order" })),
          duplicates: report.duplicates.map((d) => ({
            ...invoiceRow(d.invoice),
            duplicateOf: d.duplicateOf.number,
            reason: d.reason,
          })),
          unmatchedBank: report.unmatchedBank.map((u) => ({ ...txRow(u.tx), reason: u.reason })),
          variances: report.variances.map((v) => ({
            account: v.account,
            current: v.current,
            previous: v.previous,
            changePct: pct(v.changePct, 1),
          })),
        };
      }),
    {
      name: "accounting_close_exceptions",
      description:
        "Month-end close exceptions: bills without a purchase order, duplicate bills, bank lines with nothing in the books (undocumented wires, unknown refunds, bank fees) and expense accounts that moved more than 15% on the previous month. " +
        'Examples: "what is blocking the close?", "month-end exceptions", "anything odd in the books this month?", "unreconciled items", "duplicate invoices?".',
      schema: closeExceptionsSchema,
    },
  );

  const bank = tool(
    (args: z.infer<typeof bankTransactionsSchema>) =>
      runTool(async () => {
        const month = args.month ?? currentMonth();
        const all = await accounting.listBankTransactions(month);
        const words = args.contact?.toLowerCase();
        let reconciledCount = 0;
        let moneyIn = 0;
        let moneyOut = 0;
        const matches: BankTransaction[] = [];
        for (const tx of all) {
          if (tx.reconciled) reconciledCount++;
          if (tx.amount >= 0) moneyIn += tx.amount;
          else moneyOut -= tx.amount;
          if (args.reconciled !== undefined && tx.reconciled !== args.reconciled) continue;
          if (args.minAmount !== undefined && Math.abs(tx.amount) < args.minAmount) continue;
          // "the $2,100 wire" names a line by its rounded size.
          if (args.amount !== undefined && Math.abs(Math.abs(tx.amount) - args.amount) >= 1) continue;
          if (
            words !== undefined &&
            !`${tx.contact ?? ""} ${tx.description} ${tx.reference ?? ""}`.toLowerCase().includes(words)
          )
            continue;
          matches.push(tx);
        }
        // Largest movements first: they are the ones a person asks about.
        matches.sort((a, b) => Math.abs(b.amount) - Math.abs(a.amount) || a.id.localeCompare(b.id));
        const shown = matches.slice(0, args.limit ?? 15);
        // Bank lines carry no currency of their own here: they are in the organisation's.
        const currency = await accounting.baseCurrency?.();
        return {
          month,
          ...(currency ? { currency } : {}),
          totals: {
            lines: all.length,
            reconciled: reconciledCount,
            unreconciled: all.length - reconciledCount,
            moneyIn: money(moneyIn),
            moneyOut: money(moneyOut),
          },
          matching: matches.length,
          transactions: shown.map(txRow),
          ...(matches.length > shown.length ? { more: matches.length - shown.length } : {}),
          ...partialField(all),
        };
      }),
    {
      name: "accounting_bank_transactions",
      description:
        "Bank statement lines for a month with reconciliation status and totals, filterable by reconciled, payee words or size. " +
        'Examples: "unreconciled bank transactions", "what is the <amount> wire?", "payments to <payee> this month", "largest bank payments", "how much money came in?".',
      schema: bankTransactionsSchema,
    },
  );

  const profitAndLoss = tool(
    (args: z.infer<typeof profitAndLossSchema>) =>
      runTool(async () => {
        const ctxNow = periodCtx();
        return profitAndLossOver(accounting, requestedPeriod(args, ctxNow), ctxNow);
      }),
    {
      name: "accounting_profit_and_loss",
      description:
        "Profit & Loss for a month by account, with the previous month and the percent change per account. " +
        'Examples: "P&L for this month", "how much did we spend on marketing?", "why are expenses up?", "net profit last month", "revenue vs October".',
      schema: profitAndLossSchema,
    },
  );

  return [
    invoices,
    closeExceptions,
    bank,
    profitAndLoss,
    ...financeReadTools(accounting, ctx),
    accountingQbrTool(accounting, ctx),
  ];
}

function outcomeError(error: unknown): ApprovalOutcome {
  if (error instanceof DaybookError && ["not_found", "conflict", "bad_request", "forbidden"].includes(error.code)) {
    return { ok: false, summary: error.userMessage };
  }
  throw error;
}

export function accountingWriteActions(accounting: AccountingPort, ctx: AccountingToolContext) {
  const label = (ref: string) => {
    const clean = ref.trim().replace(/^#/, "");
    return ctx.labels.get("invoice", clean) ?? `invoice #${clean}`;
  };

  const approve: WriteAction<typeof approveInvoiceSchema> = {
    name: "accounting_approve_invoice",
    domain: "accounting",
    description:
      "Approve a vendor bill for payment; needs approval by someone in finance other than the requester. " +
      'Examples: "approve invoice <number>", "approve the <vendor> bill", "OK the <vendor> invoice for payment".',
    schema: approveInvoiceSchema,
    requiresApproval: true,
    title: (args) => `Approve ${label(args.invoiceId)} for payment`,
    describe: (args) => [
      { label: "Invoice", value: label(args.invoiceId) },
      { label: "Action", value: "Approve for payment (status AUTHORISED)" },
      ...(args.note ? [{ label: "Note (added to the bill's history)", value: args.note }] : []),
    ],
    async execute(args, options) {
      try {
        const result = await accounting.approveInvoice(
          args.invoiceId,
          args.note ? { ...options, note: args.note } : options,
        );
        const inv = await accounting.getInvoice(result.id).catch(() => undefined);
        return {
          ok: true,
          summary: `Approved ${inv ? `invoice #${inv.number} (${inv.contact.name}, ${formatMoney(inv.total, inv.currency)})` : label(args.invoiceId)}${args.note ? `, with the note "${args.note}" in its history` : ""}`,
          ref: { id: result.id, ...(inv?.url ? { url: inv.url } : {}) },
        };
      } catch (error) {
        return outcomeError(error);
      }
    },
  };

  const reject: WriteAction<typeof rejectInvoiceSchema> = {
    name: "accounting_reject_invoice",
    domain: "accounting",
    description:
      "Reject (void) a vendor bill with a reason; needs approval by someone in finance other than the requester. " +
      'Examples: "reject invoice <number>, it duplicates <number>", "reject the <vendor> bill: no purchase order".',
    schema: rejectInvoiceSchema,
    requiresApproval: true,
    prepare: (args) => prepareRejection(accounting, args),
    title: (args) => `Reject ${label(args.invoiceId)}`,
    describe: (args) => [
      { label: "Invoice", value: label(args.invoiceId) },
      { label: "Action", value: "Reject (void the bill)" },
      { label: "Reason", value: args.reason },
      ...(args.vendorNotice
        ? [{ label: "Vendor notice (draft, not sent: copy it to the vendor)", value: args.vendorNotice }]
        : []),
    ],
    async execute(args, options) {
      try {
        const result = await accounting.rejectInvoice(args.invoiceId, args.reason, options);
        const inv = await accounting.getInvoice(result.id).catch(() => undefined);
        return {
          ok: true,
          summary: `Rejected ${inv ? `invoice #${inv.number} (${inv.contact.name}, ${formatMoney(inv.total, inv.currency)})` : label(args.invoiceId)}: ${args.reason}${args.vendorNotice ? `. daybook sends no email: the vendor notice on this card is a draft to send to ${inv?.contact.name ?? "the vendor"}.` : ""}`,
          ref: { id: result.id, ...(inv?.url ? { url: inv.url } : {}) },
        };
      } catch (error) {
        return outcomeError(error);
      }
    },
  };

  return [approve, reject, codeBankLineAction(accounting, ctx)];
}
