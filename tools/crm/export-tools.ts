/** "export the deals to CSV": every open deal as an RFC 4180 CSV file (see accounting/export-tools.ts). */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import type { CrmPort } from "../../src/core/domain/crm.ts";
import { localToday } from "../../src/core/period.ts";
import { formatMoney, runTool } from "../shared/compact.ts";
import { csvFile } from "../shared/csv.ts";
import { totalsByCurrency } from "../shared/currency.ts";
import type { FileDrop } from "../shared/file-drop.ts";
import type { CrmToolContext } from "./tools.ts";

export const crmExportSchema = z.object({
  ownerId: z.string().optional().describe("Only this account executive's deals (CRM owner id)"),
});

export function crmExportTools(
  crm: CrmPort,
  ctx: CrmToolContext & { files: FileDrop; timeZone?: string },
): StructuredToolInterface[] {
  const exportCsv = tool(
    (args: z.infer<typeof crmExportSchema>) =>
      runTool(async () => {
        const deals = await crm.listOpenDeals(args.ownerId ? { ownerId: args.ownerId } : undefined);
        const sorted = [...deals].sort((a, b) => b.amount - a.amount || a.name.localeCompare(b.name));
        const today = localToday(ctx.clock.now(), ctx.timeZone ?? "UTC");
        const totals = totalsByCurrency(sorted.map((d) => ({ amount: d.amount, currency: d.currency })));
        const file = csvFile({
          name: `open-deals-${today}.csv`,
          title: "the open deals",
          header: [
            "Deal",
            "Company",
            "Stage",
            "Amount",
            "Currency",
            "Probability",
            "Close date",
            "Owner",
            "Last activity",
            "URL",
          ],
          rows: sorted.map((d) => [
            d.name,
            d.company.name,
            d.stage,
            d.amount,
            d.currency,
            d.probability,
            d.closeDate,
            d.ownerName ?? d.ownerId,
            d.lastActivityAt,
            d.url,
          ]),
          summary: `${sorted.length} open deal${sorted.length === 1 ? "" : "s"}${totals.length > 0 ? `, ${totals.map((t) => formatMoney(t.amount, t.currency)).join(" + ")}` : ""}.`,
        });
        const id = await ctx.files.put(file);
        return {
          exported: `Exported ${file.title} to ${file.name}: ${file.fallbackText}`,
          files: [{ id, name: file.name }],
        };
      }),
    {
      name: "crm_export_csv",
      description:
        'Exports the open deals (all, or one owner\'s) as a CSV file posted in the thread. Examples: "export the deals to CSV", "pipeline as a spreadsheet", "download my deals".',
      schema: crmExportSchema,
    },
  );
  return [exportCsv];
}
