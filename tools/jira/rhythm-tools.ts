/**
 * Jira read tools for the team's rhythm: the sprint retro and the week (Monday kickoff or
 * mid-week check-in). Figures come from rhythm.ts, the same functions the retro, kickoff and
 * check-in digests use.
 */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import type { Clock } from "../../src/core/clock.ts";
import type { JiraIssue, JiraPort } from "../../src/core/domain/jira.ts";
import { type EntityLabels, pct, runTool } from "../shared/compact.ts";
import { checkinFacts, kickoffFacts, retroFacts } from "./rhythm.ts";

export interface RhythmToolContext {
  clock: Clock;
  labels: EntityLabels;
  timeZone: string;
  staleDays?: number;
}

export const retroSchema = z.object({
  sprints: z
    .number()
    .int()
    .min(1)
    .max(10)
    .optional()
    .describe("How many closed sprints the velocity covers (default 3)"),
});
export const weekSchema = z.object({
  view: z
    .enum(["kickoff", "checkin"])
    .default("kickoff")
    .describe('"kickoff": last week done and this week\'s priorities; "checkin": sprint pace mid-week'),
});

function row(i: JiraIssue) {
  return {
    key: i.key,
    summary: i.summary,
    status: i.status,
    assignee: i.assignee,
    points: i.storyPoints,
    priority: i.priority,
    ...(i.dueDate ? { due: i.dueDate.slice(0, 10) } : {}),
    url: i.url,
  };
}

/** The active sprint, or the reply that there is none. */
async function activeSprint(jira: JiraPort) {
  const sprint = await jira.getActiveSprint();
  return sprint ? { sprint, issues: [...(await jira.getSprintIssues(sprint.id))] } : undefined;
}

export async function loadRetro(jira: JiraPort, now: number, sprints = 3, staleDays = 3) {
  const active = await activeSprint(jira);
  if (!active) return undefined;
  const closed = await jira.listClosedSprints(sprints);
  const withIssues = await Promise.all(
    closed.map(async (sprint) => ({ sprint, issues: [...(await jira.getSprintIssues(sprint.id))] })),
  );
  return retroFacts(active.sprint, active.issues, withIssues, now, staleDays);
}

export async function loadWeek(jira: JiraPort, now: number, timeZone: string, staleDays = 3) {
  const active = await activeSprint(jira);
  if (!active) return undefined;
  // Done outside the sprint counts for "last week" too (ops work, another board's hand-off).
  const done = await jira.searchIssues({ statusCategory: "done", updatedWithinDays: 15, limit: 100 });
  return {
    active,
    kickoff: kickoffFacts(active.sprint, active.issues, done.items, now, timeZone, staleDays),
    checkin: checkinFacts(active.sprint, active.issues, now, timeZone, staleDays),
  };
}

export function jiraRhythmTools(jira: JiraPort, ctx: RhythmToolContext): StructuredToolInterface[] {
  const staleDays = ctx.staleDays ?? 3;
  const remember = (issues: JiraIssue[]) => {
    for (const i of issues) ctx.labels.remember("issue", i.key, `${i.key} ${i.summary}`);
  };

  const retro = tool(
    (args: z.infer<typeof retroSchema>) =>
      runTool(async () => {
        const facts = await loadRetro(jira, ctx.clock.now(), args.sprints ?? 3, staleDays);
        if (!facts) return { error: "There is no active sprint on the board." };
        remember(facts.carryOver);
        const h = facts.health;
        return {
          sprint: h.sprint.name,
          ...(facts.daysLeft !== undefined ? { daysLeft: facts.daysLeft } : {}),
          done: { points: h.donePoints, of: h.totalPoints, pct: pct(h.donePct) },
          velocity: facts.velocity.map((v) => ({ sprint: v.sprint.name, points: v.points, issues: v.issues })),
          ...(facts.averageVelocity !== undefined ? { averageVelocity: facts.averageVelocity } : {}),
          blockedByCause: facts.blockedByCause.map((c) => ({
            cause: c.cause,
            days: c.days,
            issues: c.keys,
          })),
          carryOver: { issues: facts.carryOver.length, points: facts.carryOverPoints },
          carryOverIssues: facts.carryOver.slice(0, 10).map(row),
        };
      }),
    {
      name: "jira_sprint_retro",
      description:
        "Sprint retro figures: velocity (story points finished inside each of the last sprints) and its average, days blocked by cause in the current sprint, and the carry-over (open issues and points). " +
        'Examples: "retro", "sprint retrospective", "what\'s our velocity?", "how many days were we blocked?", "what carries over to the next sprint?".',
      schema: retroSchema,
    },
  );

  const week = tool(
    (args: z.infer<typeof weekSchema>) =>
      runTool(async () => {
        const loaded = await loadWeek(jira, ctx.clock.now(), ctx.timeZone, staleDays);
        if (!loaded) return { error: "There is no active sprint on the board." };
        if (args.view === "checkin") {
          const c = loaded.checkin;
          remember([...c.health.blockers.map((b) => b.issue), ...c.health.atRisk.map((r) => r.issue)]);
          return {
            view: "checkin",
            sprint: c.health.sprint.name,
            week: c.thisWeek.label,
            timeGonePct: c.timePct,
            donePct: c.donePct,
            donePoints: c.health.donePoints,
            totalPoints: c.health.totalPoints,
            onTrack: c.onTrack,
            behindPoints: c.behindPoints,
            doneThisWeek: { issues: c.doneThisWeek.length, points: c.doneThisWeekPoints },
            blockers: c.health.blockers.map((b) => ({ ...row(b.issue), blocked: b.detail, days: b.ageDays })),
            atRisk: c.health.atRisk.map((r) => ({ ...row(r.issue), reason: r.reason })),
          };
        }
        const k = loaded.kickoff;
        remember([...k.doneLastWeek.slice(0, 10), ...k.priorities.slice(0, 8)]);
        const blocked = new Map(k.health.blockers.map((b) => [b.issue.key, b.detail]));
        return {
          view: "kickoff",
          sprint: k.health.sprint.name,
          lastWeek: k.lastWeek.label,
          doneLastWeek: { issues: k.doneLastWeek.length, points: k.doneLastWeekPoints },
          doneIssues: k.doneLastWeek.slice(0, 10).map(row),
          thisWeek: k.thisWeek.label,
          priorities: k.priorities.slice(0, 8).map((i) => ({
            ...row(i),
            ...(blocked.has(i.key) ? { blocked: blocked.get(i.key) } : {}),
          })),
          dueThisWeek: k.dueThisWeek.map((i) => i.key),
        };
      }),
    {
      name: "jira_week_plan",
      description:
        "The team's week from Jira: the Monday kickoff (issues done last calendar week, this week's priorities: blockers first, then by priority and due date) or the mid-week check-in (sprint time gone against points done, done this week, blockers and at-risk work). " +
        'Examples: "Monday kickoff", "what did we finish last week and what\'s on this week?", "mid-week check-in", "are we on track this week?".',
      schema: weekSchema,
    },
  );

  return [retro, week];
}
