/**
 * "show me the burndown chart", "pipeline by stage chart", "P&L trend chart" (issue 16, item 8):
 * the charts digests post, asked for in chat. One read tool per domain (jira_chart, crm_chart,
 * accounting_chart) so the audience rules bind each to its system's roles. The picture is drawn
 * by chains/charts (tools/ never import chains/), injected as a `ChartMaker`; like the CSV
 * exports, the file goes on the shelf and the result names it by id, with the text fallback
 * (the figures in one line) for the reply.
 */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import type { Month } from "../../src/core/domain/common.ts";
import type { ChatFile } from "../../src/core/files.ts";
import { runTool } from "./compact.ts";
import type { FileDrop } from "./file-drop.ts";

/** Draws the charts from the systems' records (chains/charts/charts.ts); undefined when there is nothing to draw. */
export interface ChartMaker {
  burndown(): Promise<ChatFile | undefined>;
  velocity(): Promise<ChatFile | undefined>;
  pipelineByStage(): Promise<ChatFile | undefined>;
  pnlTrend(month?: Month): Promise<ChatFile | undefined>;
}

export const jiraChartSchema = z.object({
  kind: z
    .enum(["burndown", "velocity"])
    .describe("burndown = story points left in the active sprint by day, velocity = points finished per week"),
});

export const crmChartSchema = z.object({
  kind: z.enum(["pipeline_by_stage"]).describe("pipeline_by_stage = open pipeline value per deal stage"),
});

export const accountingChartSchema = z.object({
  kind: z.enum(["pnl_trend"]).describe("pnl_trend = monthly income, expenses and net profit over six months"),
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional()
    .describe("Last month of the trend as YYYY-MM; omit for the month being closed"),
});

/** The text fallback as one line: the chart's figures, for the reply and where the picture cannot be shown. */
export function oneLine(fallbackText: string): string {
  return fallbackText
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join("; ");
}

async function posted(files: FileDrop, file: ChatFile | undefined, nothing: string) {
  if (!file) return { charted: nothing, files: [] };
  const id = await files.put(file);
  return {
    charted: `${file.title} (chart posted below): ${oneLine(file.fallbackText)}`,
    files: [{ id, name: file.name }],
  };
}

export function jiraChartTool(charts: ChartMaker, files: FileDrop): StructuredToolInterface {
  return tool(
    (args: z.infer<typeof jiraChartSchema>) =>
      runTool(async () =>
        args.kind === "burndown"
          ? posted(files, await charts.burndown(), "There is no active sprint with start and end dates to chart.")
          : posted(
              files,
              await charts.velocity(),
              "No issues were finished in the last six weeks, so there is no velocity to chart.",
            ),
      ),
    {
      name: "jira_chart",
      description:
        "Posts a chart of the sprint as a PNG picture in the thread, with its figures as text: the burndown of the active sprint or the velocity (points finished per week). " +
        'Examples: "show me the burndown chart", "velocity chart".',
      schema: jiraChartSchema,
    },
  );
}

export function crmChartTool(charts: ChartMaker, files: FileDrop): StructuredToolInterface {
  return tool(
    (_args: z.infer<typeof crmChartSchema>) =>
      runTool(async () => posted(files, await charts.pipelineByStage(), "There are no open deals to chart.")),
    {
      name: "crm_chart",
      description:
        "Posts a chart of the open pipeline by deal stage as a PNG picture in the thread, with its figures as text. " +
        'Examples: "pipeline by stage chart", "chart the pipeline".',
      schema: crmChartSchema,
    },
  );
}

export function accountingChartTool(charts: ChartMaker, files: FileDrop): StructuredToolInterface {
  return tool(
    (args: z.infer<typeof accountingChartSchema>) =>
      runTool(async () =>
        posted(files, await charts.pnlTrend(args.month), "There is no Profit & Loss to chart for those months."),
      ),
    {
      name: "accounting_chart",
      description:
        "Posts a chart of the P&L trend (income, expenses and net profit per month, six months) as a PNG picture in the thread, with its figures as text. " +
        'Examples: "P&L trend chart", "chart the P&L trend to October".',
      schema: accountingChartSchema,
    },
  );
}
