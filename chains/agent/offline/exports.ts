/**
 * "export the P&L to CSV", "download the deals as a spreadsheet" (issue 16, item 9): the export
 * tool of the records named, with the month the words give. Checked before the "I can't"
 * list, whose export entry then answers only what daybook cannot export (anything else, or
 * when the requester's roles bind no export tool).
 */
import { type PeriodContext, resolvePeriod } from "../../../src/core/period.ts";

const wantsFile =
  /\b(export|download|save)\b[^.?!]*\b(csv|excel|spreadsheet|sheet|file)\b|\b(as|to|in|into) (a )?(csv|spreadsheet|excel)\b|\bcsv (export|file|of)\b/i;

/** The export tools (export-tools.ts under tools/crm and tools/accounting): chosen by `exportCall` only. */
export function isExportTool(name: string): boolean {
  return name.endsWith("_export_csv");
}

export interface ExportCall {
  tool: "accounting_export_csv" | "crm_export_csv";
  args: Record<string, unknown>;
}

/** The export call the question asks for, among the bound tools; undefined when it asks none. */
export function exportCall(
  question: string,
  boundTools: readonly string[],
  period: PeriodContext,
): ExportCall | undefined {
  if (!wantsFile.test(question)) return undefined;
  const q = question.toLowerCase();
  const report = /\b(p&l|p and l|pnl|profit|income statement)\b/.test(q)
    ? "pnl"
    : /\b(exceptions?|close|month[- ]end)\b/.test(q)
      ? "exceptions"
      : /\b(bills?|invoices?)\b/.test(q)
        ? "bills"
        : /\b(deals?|pipeline|opportunit\w*)\b/.test(q)
          ? "deals"
          : undefined;
  if (!report) return undefined;
  if (report === "deals") {
    return boundTools.includes("crm_export_csv") ? { tool: "crm_export_csv", args: {} } : undefined;
  }
  if (!boundTools.includes("accounting_export_csv")) return undefined;
  const resolved = resolvePeriod(question, period);
  // One month per file: a period of several months exports its last.
  const month = resolved?.months.at(-1);
  return { tool: "accounting_export_csv", args: { report, ...(month ? { month } : {}) } };
}
