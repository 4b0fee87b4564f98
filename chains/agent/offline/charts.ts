/**
 * "show me the burndown chart", "velocity chart", "pipeline by stage chart", "P&L trend chart"
 * (issue 16, item 8): the chart tool of the system named, chosen before the "I can't" list and
 * before scoring, so "pipeline by stage chart" is the picture, not the deals needing attention.
 * Chart tools answer only these words (`isChartTool`); a question without "chart"/"graph"/"plot"
 * keeps its usual answer.
 */
import { type PeriodContext, resolvePeriod } from "../../../src/core/period.ts";

const wantsChart = /\b(chart|graph|plot|diagram)s?\b|\bchart (the|my|our)\b/i;

/** The chart tools (tools/shared/chart-tools.ts): chosen by `chartCall` only. */
export function isChartTool(name: string): boolean {
  return name.endsWith("_chart");
}

export interface ChartCall {
  tool: "jira_chart" | "crm_chart" | "accounting_chart";
  args: Record<string, unknown>;
}

/** The chart call the question asks for, among the bound tools; undefined when it asks none (or its tool is not bound). */
export function chartCall(
  question: string,
  boundTools: readonly string[],
  period: PeriodContext,
): ChartCall | undefined {
  if (!wantsChart.test(question)) return undefined;
  const q = question.toLowerCase();
  const call: ChartCall | undefined = /\bburn[- ]?downs?\b/.test(q)
    ? { tool: "jira_chart", args: { kind: "burndown" } }
    : /\bvelocity\b/.test(q)
      ? { tool: "jira_chart", args: { kind: "velocity" } }
      : /\b(p&l|p and l|pnl|profit|income|expenses)\b/.test(q)
        ? { tool: "accounting_chart", args: { kind: "pnl_trend", ...monthOf(question, period) } }
        : /\b(pipeline|deals?|stages?)\b/.test(q)
          ? { tool: "crm_chart", args: { kind: "pipeline_by_stage" } }
          : undefined;
  return call && boundTools.includes(call.tool) ? call : undefined;
}

/** "P&L trend chart to October": the trend ends on the period's last month; no month, the tool's default. */
function monthOf(question: string, period: PeriodContext): { month?: string } {
  const month = resolvePeriod(question, period)?.months.at(-1);
  return month ? { month } : {};
}
