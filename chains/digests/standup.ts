/**
 * Standup digest: exceptions first (blockers, at-risk), then what moved since the previous
 * digest, what waits for review, and progress. Movement is measured against a snapshot of
 * issue statuses kept in the Store by the previous run.
 */

import { digestTemplates, digestTitles } from "../../prompts/digests.ts";
import type { Card, CardBlock, CardListItem } from "../../src/core/card.ts";
import type { JiraIssue } from "../../src/core/domain/jira.ts";
import { getJson, setJson } from "../../src/core/store.ts";
import { analyzeSprint, type SprintHealth } from "../../tools/jira/sprint-health.ts";
import { capped, link, pct, s, signed } from "./format.ts";
import { narrative } from "./narrative.ts";
import type { Digest, DigestDeps } from "./types.ts";

export const STANDUP_SNAPSHOT_KEY = "digest:standup:snapshot";
const SNAPSHOT_TTL_MS = 30 * 86_400_000;

export interface StandupSnapshot {
  at: number;
  sprintId: number;
  statuses: Record<string, string>;
}

export interface Movement {
  issue: JiraIssue;
  from?: string;
  to: string;
}

export interface StandupFacts {
  health: SprintHealth;
  /** Points done in the last 24 hours (donePoints minus points done 24 hours ago). */
  deltaPoints: number;
  moved: Movement[];
  /** When the previous digest's snapshot was taken; undefined on the first run. */
  since?: number;
}

/** What moved: status changes against the previous snapshot, or in the last 24 hours on the first run. */
export function movements(issues: JiraIssue[], previous: StandupSnapshot | undefined, now: number): Movement[] {
  const moved: Movement[] = [];
  for (const issue of issues) {
    if (previous) {
      const before = previous.statuses[issue.key];
      if (before !== issue.status)
        moved.push({ issue, ...(before === undefined ? {} : { from: before }), to: issue.status });
    } else {
      const changed = issue.statusChangedAt ? Date.parse(issue.statusChangedAt) : Number.NaN;
      if (changed >= now - 86_400_000) moved.push({ issue, to: issue.status });
    }
  }
  return moved;
}

export function createStandupDigest(deps: DigestDeps): Digest {
  const title = digestTitles.standup;
  return {
    name: "standup",
    title,
    async run(options = {}) {
      const now = deps.clock.now();
      const sprint = await deps.ports.jira.getActiveSprint();
      if (!sprint) return { header: title, blocks: [{ type: "text", text: digestTemplates.standup.noSprint }] };
      const issues = await deps.ports.jira.getSprintIssues(sprint.id);
      const health = analyzeSprint(sprint, issues, now, { staleDays: deps.staleDays ?? 3 });
      const stored = await getJson<StandupSnapshot>(deps.store, STANDUP_SNAPSHOT_KEY);
      const previous = stored && stored.sprintId === sprint.id ? stored : undefined;
      const moved = movements(issues, previous, now);
      const snapshot: StandupSnapshot = {
        at: now,
        sprintId: sprint.id,
        statuses: Object.fromEntries(issues.map((i) => [i.key, i.status])),
      };
      if (!options.preview) await setJson(deps.store, STANDUP_SNAPSHOT_KEY, snapshot, { ttlMs: SNAPSHOT_TTL_MS });
      const facts: StandupFacts = {
        health,
        deltaPoints: health.donePoints - health.donePointsYesterday,
        moved,
        ...(previous ? { since: previous.at } : {}),
      };
      return standupCard(facts, await standupSummary(facts, deps));
    },
  };
}

async function standupSummary(facts: StandupFacts, deps: DigestDeps): Promise<string> {
  const h = facts.health;
  return narrative(
    "standup",
    digestTemplates.standup.summary,
    {
      blockers: h.blockers.length,
      blockersS: s(h.blockers.length),
      atRisk: h.atRisk.length,
      review: h.readyForReview.length,
      donePct: pct(h.donePct),
      donePoints: h.donePoints,
      totalPoints: h.totalPoints,
      delta: signed(facts.deltaPoints),
    },
    deps.narrate,
    deps.logger,
  );
}

function issueTitle(issue: JiraIssue): string {
  return `${link(issue.key, issue.url)} ${issue.summary}`;
}

export function standupCard(facts: StandupFacts, summary: string): Card {
  const h = facts.health;
  const blocks: CardBlock[] = [{ type: "text", text: summary }];
  if (h.blockers.length > 0) {
    const items: CardListItem[] = h.blockers.map((b) => ({
      title: issueTitle(b.issue),
      text: b.detail,
      meta: `${b.owner ?? "unassigned"}, ${b.ageDays}d`,
    }));
    blocks.push({ type: "list", title: "**Blockers**", items: capped(items, 8) });
  }
  if (h.atRisk.length > 0) {
    const items = h.atRisk.map((r) => ({
      title: issueTitle(r.issue),
      text: r.reason,
      meta: r.issue.assignee ?? "unassigned",
    }));
    blocks.push({ type: "list", title: "**At risk**", items: capped(items, 6) });
  }
  const movedTitle = facts.since === undefined ? "**Moved in the last 24 hours**" : "**Moved since the last digest**";
  if (facts.moved.length > 0) {
    const items = facts.moved.map((m) => ({
      title: issueTitle(m.issue),
      text: m.from ? `${m.from} → ${m.to}` : m.to,
      ...(m.issue.assignee ? { meta: m.issue.assignee } : {}),
    }));
    blocks.push({ type: "list", title: movedTitle, items: capped(items, 8) });
  } else {
    blocks.push({ type: "text", text: `${movedTitle}: nothing.` });
  }
  if (h.readyForReview.length > 0) {
    const items = h.readyForReview.map((i) => ({ title: issueTitle(i), meta: i.assignee ?? "unassigned" }));
    blocks.push({ type: "list", title: "**Ready for review**", items: capped(items, 6) });
  }
  blocks.push({
    type: "fields",
    fields: [
      { label: "Progress", value: `${h.donePoints} of ${h.totalPoints} points (${pct(h.donePct)}%)` },
      {
        label: "Since yesterday",
        value: `${signed(facts.deltaPoints)} points (${pct(h.donePctYesterday)}% → ${pct(h.donePct)}%)`,
      },
    ],
  });
  const ends = h.sprint.endDate ? `, ends ${h.sprint.endDate.slice(0, 10)}` : "";
  blocks.push({
    type: "context",
    text: `${h.sprint.name}${ends}${facts.since === undefined ? ". First digest for this sprint." : ""}`,
  });
  return {
    header: `${digestTitles.standup}: ${h.sprint.name}`,
    blocks,
    fallbackText: `${digestTitles.standup}: ${summary}`,
  };
}
