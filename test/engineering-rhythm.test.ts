/**
 * The engineering rhythm (issue 16, item 7): the sprint retro, the Monday kickoff and the
 * mid-week check-in, asked in chat through the composed app and the offline agent and posted as
 * digests, on the demo and the second organisation, on a pinned date and on month end, year end
 * and a leap day. Expected figures are summed here from the organisation's own Jira data.
 */
import { describe, expect, it } from "vitest";
import { renderCard } from "../adapters/slack/format/block-kit.ts";
import { renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { type Card, cardToText } from "../src/core/card.ts";
import type { JiraIssue, Sprint } from "../src/core/domain/jira.ts";
import { calendarWeek } from "../src/core/period.ts";
import { sprintVelocity } from "../tools/jira/rhythm.ts";
import { expectValidAdaptiveCard } from "./support/adaptive-cards.ts";
import { blockKitViolations } from "./support/block-kit.ts";
import { replyFailure, sweepOrgs } from "./support/sweep.ts";
import { type ThreadWorld, threadWorld } from "./support/thread-world.ts";

const orgs = [sweepOrgs[0]!, sweepOrgs[2]!];
const dates = ["2026-12-03T09:00:00Z", "2027-01-31T22:45:00Z", "2026-12-31T23:59:00Z", "2028-02-29T12:00:00Z"];
const DAY = 86_400_000;

function expectRendersOnBothPlatforms(card: Card): void {
  expect(blockKitViolations(renderCard(card))).toEqual([]);
  expectValidAdaptiveCard(renderAdaptiveCard(card));
}

const pts = (issues: readonly JiraIssue[]) => issues.reduce((s, i) => s + (i.storyPoints ?? 0), 0);

async function sprintOf(world: ThreadWorld): Promise<{ sprint: Sprint; issues: JiraIssue[] }> {
  const sprint = (await world.ports.jira.getActiveSprint())!;
  return { sprint, issues: [...(await world.ports.jira.getSprintIssues(sprint.id))] };
}

describe("velocity", () => {
  const sprint: Sprint = {
    id: 1,
    name: "S1",
    state: "closed",
    startDate: "2026-11-02T00:00:00Z",
    endDate: "2026-11-16T00:00:00Z",
  };
  const issue = (key: string, resolvedAt: string | undefined, storyPoints: number): JiraIssue => ({
    key,
    summary: key,
    type: "Story",
    status: resolvedAt ? "Done" : "In Progress",
    statusCategory: resolvedAt ? "done" : "in_progress",
    storyPoints,
    labels: [],
    flagged: false,
    blockedBy: [],
    created: "2026-11-01T00:00:00Z",
    updated: "2026-11-01T00:00:00Z",
    ...(resolvedAt ? { resolvedAt } : {}),
    url: "u",
  });

  it("counts only points resolved inside the sprint's own dates", () => {
    const v = sprintVelocity(sprint, [
      issue("A-1", "2026-11-03T10:00:00Z", 5),
      issue("A-2", "2026-11-16T00:00:00Z", 3),
      issue("A-3", "2026-11-17T09:00:00Z", 8),
      issue("A-4", undefined, 2),
    ]);
    expect(v).toMatchObject({ points: 8, issues: 2 });
  });
});

for (const o of orgs) {
  describe(`engineering rhythm on ${o.label}`, () => {
    for (const iso of dates) {
      it(`gives the retro's velocity, blocked work and carry-over from the data on ${iso}`, async () => {
        const now = Date.parse(iso);
        const world = await threadWorld(o, now);
        try {
          const { sprint, issues } = await sprintOf(world);
          const closed = await world.ports.jira.listClosedSprints(3);
          expect(closed.length).toBe(3);
          const [card] = await world.say("sprint retro");
          const text = cardToText(card!);
          expect(replyFailure(text)).toBeUndefined();
          for (const c of closed) {
            const from = Date.parse(c.startDate!);
            const to = Date.parse(c.endDate!);
            const done = [...(await world.ports.jira.getSprintIssues(c.id))].filter(
              (i) => i.resolvedAt && Date.parse(i.resolvedAt) >= from && Date.parse(i.resolvedAt) <= to,
            );
            expect(text).toContain(`${c.name} ${pts(done)} points`);
          }
          const open = issues.filter((i) => i.statusCategory !== "done");
          expect(text).toContain(`Carry-over: ${open.length} open issues, ${pts(open)} points`);
          const blocked = open.filter((i) => i.blockedBy.length > 0 || i.flagged || /block/i.test(i.status));
          for (const b of blocked) expect(text).toMatch(new RegExp(`days? \\([^)]*${b.key}`));
          expect(text).toContain(sprint.name);
          expectRendersOnBothPlatforms(card!);

          const { card: digest } = await world.app.scheduler.runNow("retro", { post: false });
          const digestText = cardToText(digest);
          expect(replyFailure(digestText)).toBeUndefined();
          expect(digestText).toContain(`${open.length} issues (${pts(open)} points) would carry over`);
          expectRendersOnBothPlatforms(digest);
        } finally {
          await world.close();
        }
      });

      it(`opens the week with last week's done work and this week's priorities on ${iso}`, async () => {
        const now = Date.parse(iso);
        const world = await threadWorld(o, now);
        try {
          const { issues } = await sprintOf(world);
          const thisWeek = calendarWeek(now, o.org.timezone);
          const lastWeek = calendarWeek(thisWeek.start - DAY, o.org.timezone);
          const done = world.ports.org.jira.issues.filter(
            (i) =>
              i.resolvedAt && Date.parse(i.resolvedAt) >= lastWeek.start && Date.parse(i.resolvedAt) < lastWeek.end,
          );
          const [card] = await world.say("Monday kickoff");
          const text = cardToText(card!);
          expect(replyFailure(text)).toBeUndefined();
          expect(text).toContain(
            `last week (${lastWeek.label}) ${done.length} issue${done.length === 1 ? "" : "s"} done, ${pts(done)} points`,
          );
          expect(text).toContain(`This week's priorities (${thisWeek.label})`);
          // Blocked work leads the priorities.
          const firstPriority = text.split("This week's priorities")[1]!.split("\n")[1]!;
          expect(firstPriority).toContain("blocked:");
          for (const i of issues.filter((x) => x.statusCategory !== "done")) expect(text).toContain(i.key);
          expectRendersOnBothPlatforms(card!);

          const { card: digest } = await world.app.scheduler.runNow("kickoff", { post: false });
          const digestText = cardToText(digest);
          expect(digestText).toContain(`Last week (${lastWeek.label}): ${done.length} issue`);
          expectRendersOnBothPlatforms(digest);
        } finally {
          await world.close();
        }
      });

      it(`checks the sprint's pace mid-week on ${iso}`, async () => {
        const now = Date.parse(iso);
        const world = await threadWorld(o, now);
        try {
          const { sprint, issues } = await sprintOf(world);
          const total = pts(issues);
          const donePct = Math.round((100 * pts(issues.filter((i) => i.statusCategory === "done"))) / total);
          const start = Date.parse(sprint.startDate!);
          const timePct = Math.round((100 * (now - start)) / (Date.parse(sprint.endDate!) - start));
          const [card] = await world.say("mid-week check-in");
          const text = cardToText(card!);
          expect(replyFailure(text)).toBeUndefined();
          expect(text).toContain(`${donePct}% of points done`);
          expect(text).toContain(`with ${timePct}% of the sprint gone`);
          expect(text).toContain(donePct >= timePct - 10 ? "on track" : "behind");
          expectRendersOnBothPlatforms(card!);

          const { card: digest } = await world.app.scheduler.runNow("checkin", { post: false });
          expect(cardToText(digest)).toContain(`${donePct}% of points done with ${timePct}% of the sprint gone`);
          expectRendersOnBothPlatforms(digest);
        } finally {
          await world.close();
        }
      });
    }
  });
}
