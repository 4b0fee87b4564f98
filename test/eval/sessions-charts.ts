/**
 * Charts asked for in chat (issue 16, item 8): the CFO, who has every system, asks for the four
 * charts; each reply is the chart's title and its figures in one line (the PNG follows in the
 * thread), so the expectations are the figures the data gives.
 */
import type { Deal } from "../../src/core/domain/crm.ts";
import type { OrgData } from "./data.ts";
import { money, name, pattern } from "./facts.ts";
import { answer, type Session, t } from "./spec.ts";

const cfo = { demo: "alex", second: "clara" };
const totalPoints = (d: OrgData) => d.sprintIssues.reduce((s, i) => s + (i.storyPoints ?? 0), 0);
/** Open deals in the organisation's currency by stage, largest first (the chart's bars). */
const stages = (d: OrgData) => {
  const by = new Map<string, number>();
  for (const deal of d.open.filter((x: Deal) => x.currency === d.currency))
    by.set(deal.stage, (by.get(deal.stage) ?? 0) + deal.amount);
  return [...by.entries()].sort((a, b) => b[1] - a[1]);
};
const burndown = (d: OrgData) =>
  answer([
    name(d.sprint.name),
    pattern(`of ${totalPoints(d)} points left`, new RegExp(`of ${totalPoints(d)} points left`)),
  ]);

export const chartSessions: Session[] = [
  {
    role: "CFO",
    title: "charts in chat",
    user: cfo,
    turns: [
      t("plain", () => "show me the burndown chart", burndown),
      t(
        "topic switch",
        () => "velocity chart",
        (d) =>
          answer([
            pattern("the week starting last Monday", new RegExp(`Week of ${d.lastWeekDone.from}: \\d+ points`)),
            pattern("points per week", /Velocity/),
          ]),
      ),
      t(
        "topic switch",
        () => "pipeline by stage chart",
        (d) => answer(stages(d).map(([stage]) => name(`${stage}:`))),
      ),
      t(
        ["period", "topic switch"],
        () => "P&L trend chart up to last month",
        (d) => answer([money(d.lastMonthIncome), money(d.lastMonthNet), pattern("a trend", /P&L trend/)]),
      ),
      t(
        "casual",
        () => "can I get a chart of the pipeline by stage?",
        (d) => answer([name(`${(stages(d)[0] as [string, number])[0]}:`)]),
      ),
      t("casual", () => "download the burndown chart as a file", burndown),
    ],
  },
];
