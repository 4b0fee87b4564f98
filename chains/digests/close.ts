/**
 * Month-end close: exceptions only (bills without a PO, likely duplicates, bank lines with
 * nothing in the books, spend variances), then the P&L summary. Bills awaiting approval get
 * Approve / Reject buttons that start the approval flow with the finance approvers.
 */

import { digestTemplates, digestTitles } from "../../prompts/digests.ts";
import { CLOSE_APPROVE_INVOICE_ACTION_ID, CLOSE_REJECT_INVOICE_ACTION_ID } from "../../src/core/action-ids.ts";
import type { Card, CardBlock, CardButton, CardListItem } from "../../src/core/card.ts";
import type { Invoice } from "../../src/core/domain/accounting.ts";
import { type Month, partialNotes, previousMonth } from "../../src/core/domain/common.ts";
import { closeMonth, localToday } from "../../src/core/period.ts";
import { closeReports } from "../../tools/accounting/close-cache.ts";
import type { CloseReport } from "../../tools/accounting/close-checks.ts";
import { loadCloseRecords } from "../../tools/accounting/close-load.ts";
import { type CloseFinance, closeFinanceBlocks, loadCloseFinance } from "./close-finance.ts";
import { capped, day, link, money, monthLabel, s, signedPct } from "./format.ts";
import { narrative } from "./narrative.ts";
import type { Digest, DigestDeps } from "./types.ts";

/**
 * The month a close run is about, in the organisation's timezone: in the first ten days of a
 * month the books being closed are last month's; later in the month (the 25th-31st firings)
 * it is the current one.
 */
export function digestCloseMonth(deps: Pick<DigestDeps, "clock" | "timeZone">): Month {
  return closeMonth(deps.clock.now(), deps.timeZone ?? "UTC");
}

/** A close report; `partial` names the listings a connector's safety cap cut (the card says so). */
export type LoadedCloseReport = CloseReport & { partial?: string[] };

/** A month without a previous one in the books still closes: variances need the comparison, nothing else does. */
export async function loadCloseReport(deps: DigestDeps, month: Month): Promise<LoadedCloseReport> {
  const accounting = deps.ports.accounting;
  // The month's POs and the earlier ones its bills name (close-load.ts).
  const { invoices, purchaseOrders, bankTransactions, pnl, previousPnl } = await loadCloseRecords(accounting, month);
  const partial = partialNotes(invoices, purchaseOrders, bankTransactions);
  // Cached per month and input version, shared with the close tool; large months run in a worker.
  const report = await closeReports.report(
    {
      month,
      invoices,
      purchaseOrders,
      bankTransactions,
      pnl,
      previousPnl,
      asOf: localToday(deps.clock.now(), deps.timeZone ?? "UTC"),
    },
    { varianceThresholdPct: deps.varianceThresholdPct ?? 15 },
  );
  return partial.length > 0 ? { ...report, partial } : report;
}

export function createCloseDigest(deps: DigestDeps): Digest {
  const title = digestTitles.close;
  return {
    name: "close",
    title,
    async run(options = {}) {
      const month = options.month ?? digestCloseMonth(deps);
      const [report, finance] = await Promise.all([loadCloseReport(deps, month), loadCloseFinance(deps, month)]);
      const threshold = deps.varianceThresholdPct ?? 15;
      const c = report.counts;
      const facts = {
        month: monthLabel(month),
        exceptions: c.exceptions,
        exceptionsS: s(c.exceptions),
        noPo: c.invoicesWithoutPo,
        duplicates: c.duplicates,
        duplicatesS: s(c.duplicates),
        unmatched: c.bankUnmatched,
        unmatchedS: s(c.bankUnmatched),
        variances: c.variances,
        variancesS: s(c.variances),
        threshold,
      };
      const template =
        c.exceptions > 0
          ? digestTemplates.close.summary
          : report.previousPnl
            ? digestTemplates.close.clean
            : digestTemplates.close.cleanNoComparison;
      return closeCard(report, await narrative("close", template, facts, deps.narrate, deps.logger), finance);
    },
  };
}

function invoiceButtons(invoice: Invoice): CardButton[] {
  // Only bills still waiting for approval can be approved or rejected in the books.
  if (invoice.status !== "SUBMITTED" && invoice.status !== "DRAFT") return [];
  return [
    { actionId: CLOSE_APPROVE_INVOICE_ACTION_ID, label: "Approve", value: invoice.id, style: "primary" },
    {
      actionId: CLOSE_REJECT_INVOICE_ACTION_ID,
      label: "Reject",
      value: invoice.id,
      style: "danger",
      confirm: {
        title: "Reject this bill?",
        text: `Ask finance to reject bill #${invoice.number}.`,
        confirm: "Reject",
        deny: "Cancel",
      },
    },
  ];
}

function billTitle(invoice: Invoice): string {
  return `${link(`#${invoice.number}`, invoice.url)} ${invoice.contact.name}, ${money(invoice.total, invoice.currency)}`;
}

export function closeCard(report: LoadedCloseReport, summary: string, finance?: CloseFinance): Card {
  const blocks: CardBlock[] = [{ type: "text", text: summary }];
  const currency = report.pnl.currency;
  if (report.invoicesWithoutPo.length > 0) {
    const items: CardListItem[] = report.invoicesWithoutPo.map((inv) => {
      const buttons = invoiceButtons(inv);
      return {
        title: billTitle(inv),
        text: inv.purchaseOrderNumber ? `PO ${inv.purchaseOrderNumber} not found` : "no purchase order",
        meta: `${day(inv.date)}, ${inv.status.toLowerCase()}`,
        ...(buttons.length > 0 ? { buttons } : {}),
      };
    });
    blocks.push({ type: "list", title: "**Bills without a purchase order**", items: capped(items, 8) });
  }
  if (report.duplicates.length > 0) {
    const items: CardListItem[] = report.duplicates.map((d) => {
      const buttons = invoiceButtons(d.invoice);
      return {
        title: billTitle(d.invoice),
        text: `possible duplicate of #${d.duplicateOf.number}: ${d.reason}`,
        meta: `${day(d.invoice.date)}, ${d.invoice.status.toLowerCase()}`,
        ...(buttons.length > 0 ? { buttons } : {}),
      };
    });
    blocks.push({ type: "list", title: "**Possible duplicates**", items: capped(items, 8) });
  }
  if (report.unmatchedBank.length > 0) {
    const items: CardListItem[] = report.unmatchedBank.map((u) => ({
      title: `${money(Math.abs(u.tx.amount), currency)} ${u.tx.amount < 0 ? "out" : "in"}: ${u.tx.description}`,
      text: u.reason,
      meta: `${day(u.tx.date)}${u.tx.reference ? `, ref ${u.tx.reference}` : ""}`,
    }));
    blocks.push({ type: "list", title: "**Bank lines not in the books**", items: capped(items, 8) });
  }
  if (report.variances.length > 0) {
    const toDate = report.monthToDate;
    // A month in progress is compared with last month's same share of days, and says so.
    const against = toDate ? `last month pro rata (day ${toDate.day} of ${toDate.days})` : "last month";
    const items: CardListItem[] = report.variances.map((v) => ({
      title: `${v.account} ${signedPct(v.changePct)}`,
      text: `${money(v.current, currency)} vs ${money(v.previous, currency)} ${against}`,
    }));
    blocks.push({ type: "list", title: `**Spend variance vs ${against}**`, items: capped(items, 6) });
  }
  const p = report.pnl;
  const prev = report.previousPnl;
  blocks.push({
    type: "fields",
    fields: [
      { label: "Income", value: money(p.totalIncome, currency) },
      { label: "Expenses", value: money(p.totalExpenses, currency) },
      { label: "Net profit", value: money(p.netProfit, currency) },
      ...(prev ? [{ label: `Net profit ${monthLabel(prev.month)}`, value: money(prev.netProfit, currency) }] : []),
    ],
  });
  if (!prev) blocks.push({ type: "text", text: noComparison(previousMonth(report.month)) });
  if (finance) blocks.push(...closeFinanceBlocks(finance));
  const c = report.counts;
  blocks.push({
    type: "context",
    text: `${c.bills} bills (${c.billsMatchedToPo} matched to a PO), ${c.bankTransactions} bank lines (${c.bankReconciled} reconciled, ${c.bankMatched} matched now).`,
  });
  if (report.partial && report.partial.length > 0) {
    const said = report.partial.join("; ");
    blocks.push({ type: "context", text: `${said.charAt(0).toUpperCase()}${said.slice(1)}.` });
  }
  const header = `${digestTitles.close}: ${monthLabel(report.month)}`;
  return { header, blocks, fallbackText: `${header}: ${summary}` };
}

/** The one line a digest or answer gives for a comparison the books have no figures for. */
export function noComparison(month: Month): string {
  return `No figures for ${monthLabel(month)} to compare with.`;
}
