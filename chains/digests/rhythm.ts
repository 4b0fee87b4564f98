/**
 * The engineering rhythm digests: the sprint retro (velocity over the last sprints, blocked days
 * by cause, carry-over), the Monday kickoff (last week done, this week's priorities) and the
 * mid-week check-in (sprint pace, done this week, blockers). Figures from tools/jira/rhythm.ts.
 */

import { digestTemplates, digestTitles } from "../../prompts/digests.ts";
import type { Card, CardBlock, CardListItem } from "../../src/core/card.ts";
import type { JiraIssue } from "../../src/core/domain/jira.ts";
import { loadRetro, loadWeek } from "../../tools/jira/rhythm-tools.ts";
import { capped, link, s } from "./format.ts";
import { narrative } from "./narrative.ts";
import type { Digest, DigestDeps } from "./types.ts";

function issueItem(i: JiraIssue, text?: string): CardListItem {
  return {
    title: `${link(i.key, i.url)} ${i.summary}`,
    ...(text ? { text } : {}),
    meta: [i.assignee ?? "unassigned", i.storyPoints !== undefined ? `${i.storyPoints} pts` : undefined, i.priority]
      .filter(Boolean)
      .join(", "),
  };
}

function noSprint(title: string): Card {
  return { header: title, blocks: [{ type: "text", text: digestTemplates.standup.noSprint }] };
}

export function createRetroDigest(deps: DigestDeps): Digest {
  const title = digestTitles.retro;
  return {
    name: "retro",
    title,
    async run() {
      const f = await loadRetro(deps.ports.jira, deps.clock.now(), 3, deps.staleDays ?? 3);
      if (!f) return noSprint(title);
      const blockedDays = f.blockedByCause.reduce((sum, c) => sum + c.days, 0);
      const summary = await narrative(
        "retro",
        f.averageVelocity === undefined ? digestTemplates.retro.summaryNoHistory : digestTemplates.retro.summary,
        {
          sprint: f.health.sprint.name,
          done: f.health.donePoints,
          total: f.health.totalPoints,
          sprints: f.velocity.length,
          sprintsS: s(f.velocity.length),
          average: f.averageVelocity ?? 0,
          blockedDays,
          blockedDaysS: s(blockedDays),
          causes: f.blockedByCause.length,
          causesS: s(f.blockedByCause.length),
          carry: f.carryOver.length,
          carryS: s(f.carryOver.length),
          carryPoints: f.carryOverPoints,
        },
        deps.narrate,
        deps.logger,
      );
      const blocks: CardBlock[] = [{ type: "text", text: summary }];
      if (f.velocity.length > 0)
        blocks.push({
          type: "fields",
          fields: [
            ...f.velocity.map((v) => ({
              label: v.sprint.name,
              value: `${v.points} points (${v.issues} issue${s(v.issues)})`,
            })),
            {
              label: `${f.health.sprint.name} so far`,
              value: `${f.health.donePoints} of ${f.health.totalPoints} points`,
            },
          ],
        });
      if (f.blockedByCause.length > 0)
        blocks.push({
          type: "list",
          title: "**Blocked days by cause**",
          items: f.blockedByCause.map((c) => ({
            title: c.cause,
            text: `${c.days} day${s(c.days)}: ${c.keys.join(", ")}`,
          })),
        });
      if (f.carryOver.length > 0)
        blocks.push({
          type: "list",
          title: "**Carry-over**",
          items: capped(
            f.carryOver.map((i) => issueItem(i, i.status)),
            8,
          ),
        });
      blocks.push({
        type: "context",
        text: `Velocity: story points resolved inside each sprint's dates. Blocked days: how long each open blocker has waited.${f.daysLeft !== undefined ? ` ${f.health.sprint.name} ends in ${f.daysLeft} day${s(f.daysLeft)}.` : ""}`,
      });
      return { header: `${title}: ${f.health.sprint.name}`, blocks, fallbackText: `${title}: ${summary}` };
    },
  };
}

export function createKickoffDigest(deps: DigestDeps): Digest {
  const title = digestTitles.kickoff;
  return {
    name: "kickoff",
    title,
    async run() {
      const loaded = await loadWeek(deps.ports.jira, deps.clock.now(), deps.timeZone ?? "UTC", deps.staleDays ?? 3);
      if (!loaded) return noSprint(title);
      const k = loaded.kickoff;
      const summary = await narrative(
        "kickoff",
        digestTemplates.kickoff.summary,
        {
          lastWeek: k.lastWeek.label,
          done: k.doneLastWeek.length,
          doneS: s(k.doneLastWeek.length),
          points: k.doneLastWeekPoints,
          thisWeek: k.thisWeek.label,
          open: k.priorities.length,
          blockers: k.health.blockers.length,
          blockersS: s(k.health.blockers.length),
          due: k.dueThisWeek.length,
        },
        deps.narrate,
        deps.logger,
      );
      const blocked = new Map(k.health.blockers.map((b) => [b.issue.key, b.detail]));
      const blocks: CardBlock[] = [{ type: "text", text: summary }];
      blocks.push(
        k.doneLastWeek.length > 0
          ? {
              type: "list",
              title: `**Done last week (${k.lastWeek.label})**`,
              items: capped(
                k.doneLastWeek.map((i) => issueItem(i)),
                8,
              ),
            }
          : { type: "text", text: `**Done last week (${k.lastWeek.label})**: nothing resolved.` },
      );
      if (k.priorities.length > 0)
        blocks.push({
          type: "list",
          title: "**This week's priorities**",
          items: capped(
            k.priorities.map((i) =>
              issueItem(
                i,
                blocked.has(i.key)
                  ? `blocked: ${blocked.get(i.key)}`
                  : `${i.status}${i.dueDate ? `, due ${i.dueDate.slice(0, 10)}` : ""}`,
              ),
            ),
            8,
          ),
        });
      blocks.push({
        type: "context",
        text: `${k.health.sprint.name}: blockers first, then by priority and due date. Weeks run Monday to Sunday.`,
      });
      return { header: `${title}: ${k.thisWeek.label}`, blocks, fallbackText: `${title}: ${summary}` };
    },
  };
}

export function createCheckinDigest(deps: DigestDeps): Digest {
  const title = digestTitles.checkin;
  return {
    name: "checkin",
    title,
    async run() {
      const loaded = await loadWeek(deps.ports.jira, deps.clock.now(), deps.timeZone ?? "UTC", deps.staleDays ?? 3);
      if (!loaded) return noSprint(title);
      const c = loaded.checkin;
      const summary = await narrative(
        "checkin",
        c.onTrack ? digestTemplates.checkin.onTrack : digestTemplates.checkin.behind,
        {
          sprint: c.health.sprint.name,
          timePct: c.timePct,
          donePct: c.donePct,
          behind: c.behindPoints,
          done: c.doneThisWeek.length,
          doneS: s(c.doneThisWeek.length),
          points: c.doneThisWeekPoints,
          blockers: c.health.blockers.length,
          blockersS: s(c.health.blockers.length),
          atRisk: c.health.atRisk.length,
        },
        deps.narrate,
        deps.logger,
      );
      const blocks: CardBlock[] = [{ type: "text", text: summary }];
      blocks.push({
        type: "fields",
        fields: [
          { label: "Sprint time gone", value: `${c.timePct}%` },
          { label: "Points done", value: `${c.health.donePoints} of ${c.health.totalPoints} (${c.donePct}%)` },
          { label: "Done this week", value: `${c.doneThisWeek.length} issues, ${c.doneThisWeekPoints} points` },
        ],
      });
      if (c.health.blockers.length > 0)
        blocks.push({
          type: "list",
          title: "**Blockers**",
          items: capped(
            c.health.blockers.map((b) => issueItem(b.issue, `${b.detail} (${b.ageDays}d)`)),
            6,
          ),
        });
      if (c.health.atRisk.length > 0)
        blocks.push({
          type: "list",
          title: "**At risk**",
          items: capped(
            c.health.atRisk.map((r) => issueItem(r.issue, r.reason)),
            6,
          ),
        });
      blocks.push({ type: "context", text: `${c.health.sprint.name}, week of ${c.thisWeek.label}.` });
      return { header: `${title}: ${c.health.sprint.name}`, blocks, fallbackText: `${title}: ${summary}` };
    },
  };
}
