/**
 * accounting_qbr_finance: the books' half of the quarterly business review, asked in chat ("QBR
 * briefing", "prep the QBR"). One domain per tool: the CRM half is crm_qbr_pipeline, and the
 * reply shows only the halves the asker may see. Figures come from qbr.ts, as the qbr digest's.
 */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import type { Clock } from "../../src/core/clock.ts";
import type { AccountingPort } from "../../src/core/domain/accounting.ts";
import { lastFullQuarter, previousPeriod, sameQuarterLastYear } from "../../src/core/period.ts";
import { runTool } from "../shared/compact.ts";
import { qbrFinance } from "./qbr.ts";

export const QBR_FINANCE_TOOL = "accounting_qbr_finance";

const qbrFinanceSchema = z.object({});

export function accountingQbrTool(
  accounting: AccountingPort,
  ctx: { clock: Clock; timeZone?: string },
): StructuredToolInterface {
  return tool(
    () =>
      runTool(async () => {
        const now = ctx.clock.now();
        const timeZone = ctx.timeZone ?? "UTC";
        const quarter = lastFullQuarter(now, timeZone);
        const periods = {
          quarter,
          previous: previousPeriod(quarter, { now, timeZone }),
          yearAgo: sameQuarterLastYear(quarter, { now, timeZone }),
        };
        return {
          quarter: periods.quarter.label,
          previous: periods.previous.label,
          yearAgo: periods.yearAgo.label,
          finance: await qbrFinance(accounting, periods),
        };
      }),
    {
      name: QBR_FINANCE_TOOL,
      description:
        "Quarterly business review, the books' part: revenue and gross margin of the last full quarter against the quarter before and the same quarter last year. " +
        'Examples: "QBR briefing", "prep the QBR", "quarterly business review", "revenue and margin vs last quarter and last year".',
      schema: qbrFinanceSchema,
    },
  );
}
