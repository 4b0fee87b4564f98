/**
 * Sprint health as pure arithmetic over the sprint's issues: progress by story points, the
 * same figure as of 24 hours ago, blockers with owner and age, at-risk stories and what waits
 * for review. The standup digest and the agent's sprint tool both call this, so a number in
 * chat and a number in the digest always agree.
 */
import type { JiraIssue, Sprint } from "../../src/core/domain/jira.ts";

export type BlockerReason = "flagged" | "blocked_status" | "waiting_on_team" | "blocked_by_issue" | "stale";

export interface Blocker {
  issue: JiraIssue;
  reason: BlockerReason;
  detail: string;
  owner?: string;
  ageDays: number;
}

export interface AtRiskStory {
  issue: JiraIssue;
  reason: string;
}

export interface SprintHealth {
  sprint: Sprint;
  totalPoints: number;
  donePoints: number;
  /** Percent 0..100 of story points done now (unrounded). */
  donePct: number;
  /** Percent 0..100 of story points that were done 24 hours before `now`. */
  donePctYesterday: number;
  /** Story points that were done 24 hours before `now`. */
  donePointsYesterday: number;
  readyForReview: JiraIssue[];
  blockers: Blocker[];
  atRisk: AtRiskStory[];
}

export interface SprintHealthOptions {
  /** In progress without a status change for more than this many days counts as a blocker. Default 3. */
  staleDays?: number;
}

export const DAY_MS = 86_400_000;
const issueKeyPattern = /^[A-Z][A-Z0-9_]+-\d+$/;

export function points(issue: JiraIssue): number {
  return issue.storyPoints ?? 0;
}

function ms(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

export function analyzeSprint(
  sprint: Sprint,
  issues: JiraIssue[],
  now: number,
  opts: SprintHealthOptions = {},
): SprintHealth {
  const staleDays = opts.staleDays ?? 3;
  const yesterday = now - DAY_MS;
  const byKey = new Map(issues.map((i) => [i.key, i]));

  let totalPoints = 0;
  let donePoints = 0;
  let donePointsYesterday = 0;
  for (const issue of issues) {
    const p = points(issue);
    totalPoints += p;
    if (issue.statusCategory !== "done") continue;
    donePoints += p;
    const resolved = ms(issue.resolvedAt);
    // A done issue without a resolution date cannot be placed in time; count it as done
    // yesterday too so it never shows up as movement.
    if (resolved === undefined || resolved <= yesterday) donePointsYesterday += p;
  }
  const pct = (n: number) => (totalPoints === 0 ? 0 : (n / totalPoints) * 100);

  const blockers: Blocker[] = [];
  const readyForReview: JiraIssue[] = [];
  const atRisk: AtRiskStory[] = [];
  const start = ms(sprint.startDate);
  const end = ms(sprint.endDate);
  const elapsed = start !== undefined && end !== undefined && end > start ? (now - start) / (end - start) : undefined;

  for (const issue of issues) {
    if (issue.statusCategory === "done") continue;
    const since = ms(issue.statusChangedAt) ?? ms(issue.updated) ?? ms(issue.created) ?? now;
    const ageDays = Math.max(0, Math.floor((now - since) / DAY_MS));
    const blocker = blockerFor(issue, byKey, ageDays, staleDays);
    if (blocker) {
      blockers.push(blocker);
      continue;
    }
    if (/review/i.test(issue.status)) {
      readyForReview.push(issue);
      continue;
    }
    const risk = riskFor(issue, now, elapsed, end);
    if (risk) atRisk.push({ issue, reason: risk });
  }
  // Oldest problems first: an impediment that has sat for a week matters more than today's.
  blockers.sort((a, b) => b.ageDays - a.ageDays || a.issue.key.localeCompare(b.issue.key));

  return {
    sprint,
    totalPoints,
    donePoints,
    donePct: pct(donePoints),
    donePctYesterday: pct(donePointsYesterday),
    donePointsYesterday,
    readyForReview,
    blockers,
    atRisk,
  };
}

function blockerFor(
  issue: JiraIssue,
  byKey: Map<string, JiraIssue>,
  ageDays: number,
  staleDays: number,
): Blocker | undefined {
  const base = { issue, ageDays, ...(issue.assignee ? { owner: issue.assignee } : {}) };
  // One blocker per issue, with the most specific reason: who or what it waits on says more
  // than the flag or the status that usually accompany it.
  const teams = issue.blockedBy.filter((b) => !issueKeyPattern.test(b.trim()));
  if (teams.length > 0) return { ...base, reason: "waiting_on_team", detail: teams.join("; ") };
  const openBlockers = issue.blockedBy
    .map((b) => b.trim())
    .filter((k) => issueKeyPattern.test(k) && byKey.get(k)?.statusCategory !== "done");
  if (openBlockers.length > 0) {
    return { ...base, reason: "blocked_by_issue", detail: `is blocked by ${openBlockers.join(", ")}` };
  }
  if (/block/i.test(issue.status)) return { ...base, reason: "blocked_status", detail: `status "${issue.status}"` };
  if (issue.flagged) return { ...base, reason: "flagged", detail: "flagged as an impediment" };
  if (issue.statusCategory === "in_progress" && ageDays > staleDays && !/review/i.test(issue.status)) {
    return { ...base, reason: "stale", detail: `in ${issue.status} for ${ageDays} days` };
  }
  return undefined;
}

function riskFor(
  issue: JiraIssue,
  now: number,
  elapsed: number | undefined,
  end: number | undefined,
): string | undefined {
  const due = ms(issue.dueDate);
  // A due date is a whole day: overdue once that day has ended.
  if (due !== undefined && due + DAY_MS <= now) return `past its due date ${issue.dueDate?.slice(0, 10)}`;
  if (due !== undefined && end !== undefined && due > end)
    return `due ${issue.dueDate?.slice(0, 10)}, after the sprint ends`;
  if (elapsed === undefined) return undefined;
  const pctElapsed = Math.round(Math.min(1, Math.max(0, elapsed)) * 100);
  if (issue.statusCategory === "todo" && elapsed >= 0.5) return `not started with ${pctElapsed}% of the sprint gone`;
  if (issue.statusCategory === "in_progress" && points(issue) >= 8 && elapsed >= 0.7) {
    return `${points(issue)}-point story still in progress with ${pctElapsed}% of the sprint gone`;
  }
  return undefined;
}
