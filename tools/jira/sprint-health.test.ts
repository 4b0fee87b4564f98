import { describe, expect, it } from "vitest";
import type { JiraIssue, Sprint } from "../../src/core/domain/jira.ts";
import { analyzeSprint } from "./sprint-health.ts";

const now = Date.parse("2026-11-23T09:00:00Z");
const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();
const sprint: Sprint = { id: 7, name: "Sprint 7", state: "active", startDate: daysAgo(8), endDate: daysAgo(-2) };

function issue(key: string, over: Partial<JiraIssue>): JiraIssue {
  return {
    key,
    summary: `Story ${key}`,
    type: "Story",
    status: "To Do",
    statusCategory: "todo",
    labels: [],
    flagged: false,
    blockedBy: [],
    created: daysAgo(10),
    updated: daysAgo(1),
    url: `https://jira.example/browse/${key}`,
    ...over,
  };
}

const issues: JiraIssue[] = [
  issue("APP-1", { status: "Done", statusCategory: "done", storyPoints: 5, resolvedAt: daysAgo(3) }),
  issue("APP-2", { status: "Done", statusCategory: "done", storyPoints: 3, resolvedAt: daysAgo(0.2) }),
  issue("APP-3", {
    status: "In Progress",
    statusCategory: "in_progress",
    storyPoints: 8,
    flagged: true,
    assignee: "Maria Garcia",
    statusChangedAt: daysAgo(2),
  }),
  issue("APP-4", {
    status: "In Progress",
    statusCategory: "in_progress",
    storyPoints: 2,
    blockedBy: ["waiting on Backend team"],
    assignee: "Sarah Kim",
    statusChangedAt: daysAgo(4),
  }),
  issue("APP-5", { status: "Blocked", statusCategory: "in_progress", storyPoints: 3, statusChangedAt: daysAgo(1) }),
  issue("APP-6", {
    status: "In Progress",
    statusCategory: "in_progress",
    storyPoints: 1,
    blockedBy: ["APP-9"],
    statusChangedAt: daysAgo(1),
  }),
  issue("APP-7", {
    status: "In Progress",
    statusCategory: "in_progress",
    storyPoints: 2,
    assignee: "David Okafor",
    statusChangedAt: daysAgo(6),
  }),
  issue("APP-8", { status: "In Review", statusCategory: "in_progress", storyPoints: 3, statusChangedAt: daysAgo(5) }),
  issue("APP-9", { status: "To Do", statusCategory: "todo", storyPoints: 5 }),
  issue("APP-10", {
    status: "In Progress",
    statusCategory: "in_progress",
    blockedBy: ["APP-1"],
    statusChangedAt: daysAgo(1),
  }),
];

describe("analyzeSprint", () => {
  const health = analyzeSprint(sprint, issues, now);

  it("measures progress by story points now and 24 hours ago", () => {
    expect(health.totalPoints).toBe(5 + 3 + 8 + 2 + 3 + 1 + 2 + 3 + 5);
    expect(health.donePoints).toBe(8);
    expect(health.donePct).toBeCloseTo((8 / 32) * 100, 10);
    // APP-2 was resolved 5 hours ago, so yesterday only APP-1 was done.
    expect(health.donePctYesterday).toBeCloseTo((5 / 32) * 100, 10);
  });

  it("finds each kind of blocker with its owner and age, oldest first", () => {
    const byKey = Object.fromEntries(health.blockers.map((b) => [b.issue.key, b]));
    expect(byKey["APP-3"]).toMatchObject({ reason: "flagged", owner: "Maria Garcia", ageDays: 2 });
    expect(byKey["APP-4"]).toMatchObject({ reason: "waiting_on_team", detail: "waiting on Backend team", ageDays: 4 });
    expect(byKey["APP-5"]?.reason).toBe("blocked_status");
    expect(byKey["APP-6"]).toMatchObject({ reason: "blocked_by_issue", detail: "is blocked by APP-9" });
    expect(byKey["APP-7"]).toMatchObject({ reason: "stale", ageDays: 6, owner: "David Okafor" });
    expect(health.blockers.map((b) => b.ageDays)).toEqual(
      [...health.blockers.map((b) => b.ageDays)].sort((a, b) => b - a),
    );
  });

  it("does not count a link to an issue that is already done as a blocker", () => {
    expect(health.blockers.some((b) => b.issue.key === "APP-10")).toBe(false);
  });

  it("lists stories in review separately and never as stale", () => {
    expect(health.readyForReview.map((i) => i.key)).toEqual(["APP-8"]);
  });

  it("marks a story not started late in the sprint as at risk", () => {
    expect(health.atRisk.map((r) => r.issue.key)).toEqual(["APP-9"]);
    expect(health.atRisk[0]?.reason).toContain("80%");
  });

  it("reports zero progress for a sprint without story points instead of dividing by zero", () => {
    const empty = analyzeSprint(sprint, [issue("X-1", {})], now);
    expect(empty.donePct).toBe(0);
    expect(empty.donePctYesterday).toBe(0);
  });
});
