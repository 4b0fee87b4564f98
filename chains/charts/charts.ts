/**
 * The four charts digests post (issue 16, item 8): sprint burndown, velocity, pipeline by stage
 * and the P&L trend. Every figure is computed here from the ports, the same numbers the text
 * fallback and the alt text state; the picture is drawn by render.ts.
 */
import type { Clock } from "../../src/core/clock.ts";
import { previousMonth } from "../../src/core/domain/common.ts";
import type { JiraIssue } from "../../src/core/domain/jira.ts";
import type { Ports } from "../../src/core/domain/ports.ts";
import type { ChatFile } from "../../src/core/files.ts";
import { closeMonth, localToday, monthLabel } from "../../src/core/period.ts";
import type { ChartMaker } from "../../tools/shared/chart-tools.ts";
import { formatMoney } from "../../tools/shared/compact.ts";
import { totalsByCurrency } from "../../tools/shared/currency.ts";
import { type ChartSpec, renderChart } from "./render.ts";

export interface ChartDeps {
  ports: Ports;
  clock: Clock;
  timeZone?: string;
}

const DAY_MS = 86_400_000;

async function pngFile(
  name: string,
  title: string,
  spec: ChartSpec,
  altText: string,
  fallbackText: string,
): Promise<ChatFile> {
  return { name, mimeType: "image/png", bytes: await renderChart(spec), title, altText, fallbackText };
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Story points left per day of the active sprint against the straight line to zero; undefined without a dated sprint. */
export async function burndownChart(deps: ChartDeps): Promise<ChatFile | undefined> {
  const sprint = await deps.ports.jira.getActiveSprint();
  if (!sprint?.startDate || !sprint.endDate) return undefined;
  const issues = await deps.ports.jira.getSprintIssues(sprint.id);
  const points = (i: { storyPoints?: number }) => i.storyPoints ?? 0;
  const total = issues.reduce((s, i) => s + points(i), 0);
  const start = day(sprint.startDate);
  const end = day(sprint.endDate);
  const today = localToday(deps.clock.now(), deps.timeZone ?? "UTC");
  const days: string[] = [];
  for (let d = start; d <= end && days.length < 60; d = addDays(d, 1)) days.push(d);
  const rows: { day: string; series: string; points: number }[] = [];
  days.forEach((d, index) => {
    rows.push({
      day: d,
      series: "Ideal",
      points: Math.round(total * (1 - index / Math.max(1, days.length - 1)) * 10) / 10,
    });
    if (d <= today) {
      const done = issues.filter((i) => i.statusCategory === "done" && i.resolvedAt && day(i.resolvedAt) <= d);
      rows.push({ day: d, series: "Remaining", points: total - done.reduce((s, i) => s + points(i), 0) });
    }
  });
  const remaining = rows.filter((r) => r.series === "Remaining").at(-1)?.points ?? total;
  const fallback = `${sprint.name}: ${remaining} of ${total} points left on ${today > end ? end : today} (sprint ends ${end}).`;
  return pngFile(
    `burndown-${sprint.id}.png`,
    `Burndown: ${sprint.name}`,
    {
      title: `Burndown: ${sprint.name}`,
      data: { values: rows },
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "day", type: "temporal", title: null, axis: { format: "%d %b" } },
        y: { field: "points", type: "quantitative", title: "Story points left" },
        color: { field: "series", type: "nominal", title: null, scale: { range: ["#9ca3af", "#2563eb"] } },
        strokeDash: {
          field: "series",
          type: "nominal",
          legend: null,
          scale: {
            range: [
              [4, 4],
              [1, 0],
            ],
          },
        },
      },
    },
    `Line chart of story points left in ${sprint.name} by day, from ${total} on ${start} against the ideal line to zero on ${end}; ${remaining} points left now.`,
    fallback,
  );
}

/** Story points (and issues) finished per week over the last `weeks` weeks. */
export async function velocityChart(deps: ChartDeps, weeks = 6): Promise<ChatFile | undefined> {
  const today = localToday(deps.clock.now(), deps.timeZone ?? "UTC");
  // Weeks start on Monday: the ISO week.
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
  const thisMonday = addDays(today, -weekday);
  const starts = Array.from({ length: weeks }, (_, i) => addDays(thisMonday, -7 * (weeks - 1 - i)));
  const done: JiraIssue[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const res = await deps.ports.jira.searchIssues({
      statusCategory: "done",
      updatedWithinDays: weeks * 7 + 7,
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    done.push(...res.items);
    cursor = res.next;
    if (!cursor) break;
  }
  const rows = starts.map((start) => {
    const end = addDays(start, 7);
    const inWeek = done.filter((i) => i.resolvedAt && day(i.resolvedAt) >= start && day(i.resolvedAt) < end);
    return { week: start, points: inWeek.reduce((s, i) => s + (i.storyPoints ?? 0), 0), issues: inWeek.length };
  });
  if (rows.every((r) => r.issues === 0)) return undefined;
  const average = Math.round((rows.reduce((s, r) => s + r.points, 0) / rows.length) * 10) / 10;
  return pngFile(
    `velocity-${thisMonday}.png`,
    "Velocity",
    {
      title: `Velocity: points finished per week (average ${average})`,
      data: { values: rows },
      layer: [
        {
          mark: { type: "bar", color: "#2563eb" },
          encoding: { y: { field: "points", type: "quantitative", title: "Story points" } },
        },
        {
          mark: { type: "text", dy: -8 },
          encoding: { text: { field: "points", type: "quantitative" }, y: { field: "points", type: "quantitative" } },
        },
      ],
      encoding: { x: { field: "week", type: "ordinal", title: "Week starting", sort: null } },
    },
    `Bar chart of story points finished per week for the ${weeks} weeks from ${starts[0]}: ${rows.map((r) => r.points).join(", ")}; average ${average}.`,
    rows.map((r) => `Week of ${r.week}: ${r.points} points (${r.issues} issues)`).join("\n"),
  );
}

/** Open pipeline by stage, in the currency most of it is in. */
export async function pipelineChart(deps: ChartDeps & { ownerId?: string }): Promise<ChatFile | undefined> {
  const deals = await deps.ports.crm.listOpenDeals(deps.ownerId ? { ownerId: deps.ownerId } : undefined);
  if (deals.length === 0) return undefined;
  const [main] = totalsByCurrency(deals.map((d) => ({ amount: d.amount, currency: d.currency }))).sort(
    (a, b) => b.count - a.count,
  );
  if (!main) return undefined;
  const currency = main.currency;
  const byStage = new Map<string, { amount: number; count: number }>();
  for (const d of deals.filter((x) => x.currency === currency)) {
    const s = byStage.get(d.stage) ?? { amount: 0, count: 0 };
    s.amount += d.amount;
    s.count += 1;
    byStage.set(d.stage, s);
  }
  // Largest stage first: where the money sits is what the chart is read for.
  const rows = [...byStage.entries()]
    .sort((a, b) => b[1].amount - a[1].amount || a[0].localeCompare(b[0]))
    .map(([stage, s]) => ({
      stage,
      amount: Math.round(s.amount),
      deals: s.count,
      label: formatMoney(s.amount, currency),
    }));
  const other = deals.length - rows.reduce((s, r) => s + r.deals, 0);
  const lines = rows.map((r) => `${r.stage}: ${r.label} (${r.deals} deal${r.deals === 1 ? "" : "s"})`);
  if (other > 0) lines.push(`${other} deal${other === 1 ? "" : "s"} in other currencies not charted.`);
  return pngFile(
    `pipeline-${localToday(deps.clock.now(), deps.timeZone ?? "UTC")}.png`,
    "Pipeline by stage",
    {
      title: `Open pipeline by stage (${currency})`,
      data: { values: rows },
      layer: [
        { mark: { type: "bar", color: "#059669" } },
        { mark: { type: "text", align: "left", dx: 4 }, encoding: { text: { field: "label", type: "nominal" } } },
      ],
      encoding: {
        y: { field: "stage", type: "nominal", title: null, sort: null },
        x: { field: "amount", type: "quantitative", title: currency, axis: { format: "~s" } },
      },
    },
    `Horizontal bar chart of the open pipeline by stage in ${currency}: ${lines.join("; ")}.`,
    lines.join("\n"),
  );
}

/** Income, expenses and net profit for the last `months` months up to `month`. */
export async function pnlTrendChart(deps: ChartDeps, month: string, months = 6): Promise<ChatFile | undefined> {
  const list: string[] = [month];
  while (list.length < months) list.unshift(previousMonth(list[0] as string));
  const pnls = await Promise.all(list.map((m) => deps.ports.accounting.getProfitAndLoss(m).catch(() => undefined)));
  const rows = pnls.flatMap((p) =>
    p
      ? [
          { month: p.month, series: "Income", amount: Math.round(p.totalIncome) },
          { month: p.month, series: "Expenses", amount: Math.round(p.totalExpenses) },
          { month: p.month, series: "Net profit", amount: Math.round(p.netProfit) },
        ]
      : [],
  );
  const first = pnls.find((p) => p !== undefined);
  if (!first || rows.length === 0) return undefined;
  const currency = first.currency;
  const lines = pnls
    .filter((p) => p !== undefined)
    .map(
      (p) =>
        `${monthLabel(p.month)}: income ${formatMoney(p.totalIncome, currency)}, expenses ${formatMoney(p.totalExpenses, currency)}, net ${formatMoney(p.netProfit, currency)}`,
    );
  return pngFile(
    `pnl-trend-${month}.png`,
    "P&L trend",
    {
      title: `P&L trend to ${monthLabel(month)} (${currency})`,
      data: { values: rows },
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "month", type: "ordinal", title: null, sort: null },
        y: { field: "amount", type: "quantitative", title: currency, axis: { format: "~s" } },
        color: {
          field: "series",
          type: "nominal",
          title: null,
          sort: ["Income", "Expenses", "Net profit"],
          scale: { range: ["#059669", "#dc2626", "#2563eb"] },
        },
      },
    },
    `Line chart of monthly income, expenses and net profit in ${currency} from ${monthLabel(list[0] as string)} to ${monthLabel(month)}. ${lines.at(-1) ?? ""}.`,
    lines.join("\n"),
  );
}

/** The charts chat asks for (tools/shared/chart-tools.ts), drawn from these ports; the P&L trend ends on the month being closed unless told. */
export function chartMaker(deps: ChartDeps): ChartMaker {
  return {
    burndown: () => burndownChart(deps),
    velocity: () => velocityChart(deps),
    pipelineByStage: () => pipelineChart(deps),
    pnlTrend: (month) => pnlTrendChart(deps, month ?? closeMonth(deps.clock.now(), deps.timeZone ?? "UTC")),
  };
}
