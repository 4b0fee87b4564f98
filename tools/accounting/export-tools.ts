/**
 * "export the P&L to CSV" (and bills, close exceptions): the same records the read tools show,
 * every row of them, as an RFC 4180 CSV file put on the file shelf. The tool's result names the
 * file by id (`files`), which the agent hands to the reply; the model sees the summary only.
 */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import type { AccountingPort } from "../../src/core/domain/accounting.ts";
import type { Month } from "../../src/core/domain/common.ts";
import { closeMonth, localToday, monthLabel } from "../../src/core/period.ts";
import { formatMoney, runTool } from "../shared/compact.ts";
import { csvFile } from "../shared/csv.ts";
import type { FileDrop } from "../shared/file-drop.ts";
import { closeReports } from "./close-cache.ts";
import { loadCloseRecords } from "./close-load.ts";
import type { AccountingToolContext } from "./tools.ts";

export const accountingExportSchema = z.object({
  report: z
    .enum(["pnl", "bills", "exceptions"])
    .describe("pnl = Profit & Loss by account, bills = vendor bills, exceptions = month-end close exceptions"),
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional()
    .describe("Month as YYYY-MM; omit for this month (exceptions: the month being closed)"),
});

export function accountingExportTools(
  accounting: AccountingPort,
  ctx: AccountingToolContext & { files: FileDrop },
): StructuredToolInterface[] {
  const tz = ctx.timeZone ?? "UTC";
  const exportCsv = tool(
    (args: z.infer<typeof accountingExportSchema>) =>
      runTool(async () => {
        const now = ctx.clock.now();
        const month: Month =
          args.month ?? (args.report === "exceptions" ? closeMonth(now, tz) : localToday(now, tz).slice(0, 7));
        const file =
          args.report === "pnl"
            ? await pnlCsv(accounting, month)
            : args.report === "bills"
              ? await billsCsv(accounting, month)
              : await exceptionsCsv(accounting, month, localToday(now, tz));
        const id = await ctx.files.put(file);
        return {
          exported: `Exported ${file.title} to ${file.name}: ${file.fallbackText}`,
          files: [{ id, name: file.name }],
        };
      }),
    {
      name: "accounting_export_csv",
      description:
        "Exports the Profit & Loss, the vendor bills or the month-end close exceptions of a month as a CSV file posted in the thread. " +
        'Examples: "export the P&L to CSV", "download the bills as a spreadsheet", "close exceptions as CSV".',
      schema: accountingExportSchema,
    },
  );
  return [exportCsv];
}

async function pnlCsv(accounting: AccountingPort, month: Month) {
  const pnl = await accounting.getProfitAndLoss(month);
  const rows = [
    ...pnl.income.map((l) => ["Income", l.account, l.amount, pnl.currency]),
    ["Income", "Total income", pnl.totalIncome, pnl.currency],
    ...pnl.expenses.map((l) => ["Expenses", l.account, l.amount, pnl.currency]),
    ["Expenses", "Total expenses", pnl.totalExpenses, pnl.currency],
    ["Net", "Net profit", pnl.netProfit, pnl.currency],
  ];
  return csvFile({
    name: `pnl-${month}.csv`,
    title: `the P&L for ${monthLabel(month)}`,
    header: ["Section", "Account", "Amount", "Currency"],
    rows,
    summary: `${pnl.income.length + pnl.expenses.length} accounts; net profit ${formatMoney(pnl.netProfit, pnl.currency)}.`,
  });
}

async function billsCsv(accounting: AccountingPort, month: Month) {
  const bills = await accounting.listInvoices({ month, type: "ACCPAY" });
  const sorted = [...bills].sort((a, b) => a.date.localeCompare(b.date) || a.number.localeCompare(b.number));
  return csvFile({
    name: `bills-${month}.csv`,
    title: `the bills of ${monthLabel(month)}`,
    header: ["Number", "Vendor", "Date", "Due", "Status", "Total", "Currency", "Reference", "PO"],
    rows: sorted.map((i) => [
      i.number,
      i.contact.name,
      i.date,
      i.dueDate,
      i.status,
      i.total,
      i.currency,
      i.reference,
      i.purchaseOrderNumber,
    ]),
    summary: `${sorted.length} bill${sorted.length === 1 ? "" : "s"}${bills.truncated ? " (the list was cut by the connector's safety cap)" : ""}.`,
  });
}

async function exceptionsCsv(accounting: AccountingPort, month: Month, asOf: string) {
  const records = await loadCloseRecords(accounting, month);
  const report = await closeReports.report({ ...records, month, asOf });
  const rows: (string | number | undefined)[][] = [
    ...report.invoicesWithoutPo.map((i) => [
      "No purchase order",
      `#${i.number} ${i.contact.name}`,
      i.date,
      i.total,
      i.currency,
      "",
    ]),
    ...report.duplicates.map((d) => [
      "Duplicate bill",
      `#${d.invoice.number} ${d.invoice.contact.name}`,
      d.invoice.date,
      d.invoice.total,
      d.invoice.currency,
      `duplicate of #${d.duplicateOf.number}: ${d.reason}`,
    ]),
    ...report.unmatchedBank.map((u) => ["Unmatched bank line", u.tx.description, u.tx.date, u.tx.amount, "", u.reason]),
    ...report.variances.map((v) => [
      "Variance",
      v.account,
      month,
      v.current,
      "",
      `previous ${v.previous}, change ${Math.round(v.changePct * 10) / 10}%`,
    ]),
  ];
  return csvFile({
    name: `close-exceptions-${month}.csv`,
    title: `the ${monthLabel(month)} close exceptions`,
    header: ["Kind", "Item", "Date", "Amount", "Currency", "Detail"],
    rows,
    summary: `${rows.length} exception${rows.length === 1 ? "" : "s"}.`,
  });
}
