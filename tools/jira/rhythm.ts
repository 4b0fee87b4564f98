/**
 * The engineering week as arithmetic over Jira: a retro (velocity over the last sprints, blocked
 * days by cause, carry-over), a Monday kickoff (what was done last calendar week, this week's
 * priorities) and a mid-week check-in (sprint time gone against points done). Blockers come from
 * analyzeSprint, so the retro's blocked days and the standup's blockers are the same issues.
 */
import type { JiraIssue, Sprint } from "../../src/core/domain/jira.ts";
import { calendarWeek, type Period } from "../../src/core/period.ts";
import { analyzeSprint, type BlockerReason, DAY_MS, points, type SprintHealth } from "./sprint-health.ts";

export interface SprintVelocity {
  sprint: Sprint;
  /** Story points of the sprint's issues resolved between its start and its end. */
  points: number;
  issues: number;
}

export interface BlockedCause {
  /** What the work waits on, as Jira says it ("Expired AWS credentials"), else the kind of block. */
  cause: string;
  reason: BlockerReason;
  /** Days the open issues with this cause have been blocked, summed. */
  days: number;
  keys: string[];
}

export interface RetroFacts {
  health: SprintHealth;
  velocity: SprintVelocity[];
  /** Mean points over `velocity`, rounded to one decimal; undefined with no closed sprint. */
  averageVelocity: number | undefined;
  blockedByCause: BlockedCause[];
  /** Open issues of the sprint: what moves to the next one unless finished. */
  carryOver: JiraIssue[];
  carryOverPoints: number;
  /** Whole days until the sprint ends (0 on its last day or after). */
  daysLeft: number | undefined;
}

function ms(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/** Points resolved inside the sprint's own dates (work finished later belongs to a later sprint). */
export function sprintVelocity(sprint: Sprint, issues: readonly JiraIssue[]): SprintVelocity {
  const start = ms(sprint.startDate) ?? Number.NEGATIVE_INFINITY;
  const end = ms(sprint.endDate) ?? Number.POSITIVE_INFINITY;
  let pts = 0;
  let n = 0;
  for (const i of issues) {
    const at = ms(i.resolvedAt);
    if (i.statusCategory !== "done" || at === undefined || at < start || at > end) continue;
    pts += points(i);
    n++;
  }
  return { sprint, points: pts, issues: n };
}

export function retroFacts(
  active: Sprint,
  activeIssues: readonly JiraIssue[],
  closed: readonly { sprint: Sprint; issues: readonly JiraIssue[] }[],
  now: number,
  staleDays = 3,
): RetroFacts {
  const health = analyzeSprint(active, [...activeIssues], now, { staleDays });
  const velocity = closed.map((c) => sprintVelocity(c.sprint, c.issues));
  const averageVelocity =
    velocity.length === 0
      ? undefined
      : Math.round((10 * velocity.reduce((s, v) => s + v.points, 0)) / velocity.length) / 10;
  const causes = new Map<string, BlockedCause>();
  for (const b of health.blockers) {
    // Free text on the blocker names the cause itself; otherwise the kind of block is the cause.
    const cause = b.reason === "waiting_on_team" ? b.detail : causeLabels[b.reason];
    const c = causes.get(cause) ?? { cause, reason: b.reason, days: 0, keys: [] };
    c.days += b.ageDays;
    c.keys.push(b.issue.key);
    causes.set(cause, c);
  }
  const carryOver = activeIssues.filter((i) => i.statusCategory !== "done");
  const end = ms(active.endDate);
  return {
    health,
    velocity,
    averageVelocity,
    blockedByCause: [...causes.values()].sort((a, b) => b.days - a.days || a.cause.localeCompare(b.cause)),
    carryOver,
    carryOverPoints: carryOver.reduce((s, i) => s + points(i), 0),
    daysLeft: end === undefined ? undefined : Math.max(0, Math.ceil((end - now) / DAY_MS)),
  };
}

const priorityRank: Record<string, number> = { Highest: 0, High: 1, Medium: 2, Low: 3, Lowest: 4 };

export interface KickoffFacts {
  health: SprintHealth;
  /** The previous calendar week (Monday to Sunday) in the organisation's timezone. */
  lastWeek: Period;
  thisWeek: Period;
  /** Issues resolved last week, newest first. */
  doneLastWeek: JiraIssue[];
  doneLastWeekPoints: number;
  /** Open sprint issues in the order to take them: blockers, then priority, then due date. */
  priorities: JiraIssue[];
  /** Open issues due by the end of this week. */
  dueThisWeek: JiraIssue[];
}

function inPeriod(iso: string | undefined, p: Period): boolean {
  const t = ms(iso);
  return t !== undefined && t >= p.start && t < p.end;
}

/**
 * `done` holds recently done issues of the project (sprint or not); `issues` the active sprint's.
 * Deduplicated by key, since a sprint issue is in both.
 */
export function kickoffFacts(
  active: Sprint,
  issues: readonly JiraIssue[],
  done: readonly JiraIssue[],
  now: number,
  timeZone: string,
  staleDays = 3,
): KickoffFacts {
  const health = analyzeSprint(active, [...issues], now, { staleDays });
  const thisWeek = calendarWeek(now, timeZone);
  const lastWeek = calendarWeek(thisWeek.start - DAY_MS, timeZone);
  const byKey = new Map<string, JiraIssue>();
  for (const i of [...issues, ...done]) if (i.statusCategory === "done") byKey.set(i.key, i);
  const doneLastWeek = [...byKey.values()]
    .filter((i) => inPeriod(i.resolvedAt, lastWeek))
    .sort((a, b) => (b.resolvedAt ?? "").localeCompare(a.resolvedAt ?? "") || a.key.localeCompare(b.key));
  const blocked = new Set(health.blockers.map((b) => b.issue.key));
  const open = issues.filter((i) => i.statusCategory !== "done");
  const priorities = [...open].sort(
    (a, b) =>
      Number(blocked.has(b.key)) - Number(blocked.has(a.key)) ||
      (priorityRank[a.priority ?? ""] ?? 5) - (priorityRank[b.priority ?? ""] ?? 5) ||
      (a.dueDate ?? "9999").localeCompare(b.dueDate ?? "9999") ||
      a.key.localeCompare(b.key),
  );
  return {
    health,
    lastWeek,
    thisWeek,
    doneLastWeek,
    doneLastWeekPoints: doneLastWeek.reduce((s, i) => s + points(i), 0),
    priorities,
    dueThisWeek: open.filter((i) => i.dueDate !== undefined && i.dueDate <= thisWeek.to),
  };
}

export interface CheckinFacts {
  health: SprintHealth;
  thisWeek: Period;
  /** Percent of the sprint's time gone, 0..100, whole. */
  timePct: number;
  /** Percent of points done, whole. */
  donePct: number;
  /** Points done short of an even pace (time gone x total points); 0 when ahead. */
  behindPoints: number;
  onTrack: boolean;
  doneThisWeek: JiraIssue[];
  doneThisWeekPoints: number;
}

/** On track when points done are within 10 points of percent of an even pace through the sprint. */
export function checkinFacts(
  active: Sprint,
  issues: readonly JiraIssue[],
  now: number,
  timeZone: string,
  staleDays = 3,
): CheckinFacts {
  const health = analyzeSprint(active, [...issues], now, { staleDays });
  const start = ms(active.startDate);
  const end = ms(active.endDate);
  const time = start !== undefined && end !== undefined && end > start ? (now - start) / (end - start) : 0;
  const timePct = Math.round(Math.min(1, Math.max(0, time)) * 100);
  const donePct = Math.round(health.donePct);
  const expected = Math.round((timePct / 100) * health.totalPoints);
  const thisWeek = calendarWeek(now, timeZone);
  const doneThisWeek = issues.filter((i) => i.statusCategory === "done" && inPeriod(i.resolvedAt, thisWeek));
  return {
    health,
    thisWeek,
    timePct,
    donePct,
    behindPoints: Math.max(0, expected - health.donePoints),
    onTrack: donePct >= timePct - 10,
    doneThisWeek,
    doneThisWeekPoints: doneThisWeek.reduce((s, i) => s + points(i), 0),
  };
}

/** The words for a blocker cause, shared by the tool, the digest and the replies. */
export const causeLabels: Record<BlockerReason, string> = {
  waiting_on_team: "waiting on another team",
  blocked_by_issue: "blocked by another issue",
  blocked_status: "in a Blocked status",
  flagged: "flagged as an impediment",
  stale: "no movement (stale)",
};
