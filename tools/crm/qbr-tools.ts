/**
 * crm_qbr_pipeline: the CRM's half of the quarterly business review, asked in chat ("QBR
 * briefing", "prep the QBR"). One domain per tool: the books' half is accounting_qbr_finance.
 * Figures come from qbr.ts, as the qbr digest's.
 */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import type { Clock } from "../../src/core/clock.ts";
import type { CrmPort } from "../../src/core/domain/crm.ts";
import { lastFullQuarter, previousPeriod, sameQuarterLastYear } from "../../src/core/period.ts";
import { runTool } from "../shared/compact.ts";
import { qbrCrm } from "./qbr.ts";

export const QBR_PIPELINE_TOOL = "crm_qbr_pipeline";

const qbrPipelineSchema = z.object({});

export function crmQbrTool(crm: CrmPort, ctx: { clock: Clock; timeZone: string }): StructuredToolInterface {
  return tool(
    () =>
      runTool(async () => {
        const now = ctx.clock.now();
        const quarter = lastFullQuarter(now, ctx.timeZone);
        const period = { now, timeZone: ctx.timeZone };
        return {
          quarter: quarter.label,
          previous: previousPeriod(quarter, period).label,
          yearAgo: sameQuarterLastYear(quarter, period).label,
          crm: await qbrCrm(crm, quarter, now),
        };
      }),
    {
      name: QBR_PIPELINE_TOOL,
      description:
        "Quarterly business review, the CRM's part: open pipeline today (total and weighted), deals won and lost in the last full quarter, customers at high churn risk and the largest risks. " +
        'Examples: "QBR briefing", "prep the QBR", "quarterly business review", "pipeline and wins last quarter".',
      schema: qbrPipelineSchema,
    },
  );
}
