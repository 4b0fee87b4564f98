/**
 * The demo Jira project: the active sprint with the named situations (a story ready for review,
 * one flagged waiting on another team, a blocked deploy, two stories at risk), a stale
 * carry-over, and a backlog plus thirteen months of done history for "what did we ship in Q3?".
 */
import type { JiraIssueDetail, Sprint } from "../../src/core/domain/jira.ts";
import type { DemoProfile } from "./profile.ts";
import { between, DAY, HOUR, iso, mulberry32, pick } from "./random.ts";

export interface DemoJira {
  projectKey: string;
  board: { id: number; name: string };
  sprint: Sprint;
  /** Earlier sprints, oldest first: two weeks each, back over the history window. */
  closedSprints: Sprint[];
  /** Keys of the active sprint's issues, in board order. */
  sprintIssueKeys: string[];
  /** Every issue (sprint, backlog and done history), newest key first. */
  issues: JiraIssueDetail[];
}

const components = ["login", "billing", "search", "reports", "notifications", "settings", "onboarding", "API", "admin"];
const verbs = ["Improve", "Fix", "Add", "Refactor", "Polish", "Speed up", "Document", "Test"];
/** Done history reaches back this far before the sprint, so year-on-year questions have data. */
const HISTORY_DAYS = 420;

export function generateJira(now: number, seed: number, extraIssues: number, profile: DemoProfile): DemoJira {
  const K = profile.projectKey;
  const engineers = profile.engineers;
  const issueUrl = (key: string) => `${profile.urls.jira}/browse/${key}`;
  const rand = mulberry32(seed ^ 0x1a2b);
  const sprintStart = Math.floor(now / DAY) * DAY - 8 * DAY;
  const sprintEnd = sprintStart + 14 * DAY;
  const sprint: Sprint = {
    id: profile.sprint.number,
    name: `Sprint ${profile.sprint.number}`,
    state: "active",
    startDate: iso(sprintStart),
    endDate: iso(sprintEnd),
    goal: profile.sprint.goal,
  };
  const issues: JiraIssueDetail[] = [];
  const base = (key: string, summary: string, type: string, points: number, assignee: string) => ({
    key,
    summary,
    type,
    assignee,
    storyPoints: points,
    priority: "Medium",
    labels: [] as string[],
    flagged: false,
    blockedBy: [] as string[],
    created: iso(sprintStart - 3 * DAY),
    url: issueUrl(key),
    comments: [] as JiraIssueDetail["comments"],
  });

  // 100 points in the sprint: 65 done more than 24h ago, 7 in the last 24h (72% now, 65% a
  // day earlier), 28 open: the named situations below.
  issues.push({
    ...base(`${K}-142`, "Feature-Authentication", "Story", 8, engineers[0]),
    status: "Ready for Review",
    statusCategory: "in_progress",
    priority: "High",
    labels: ["auth"],
    updated: iso(now - 3 * HOUR),
    statusChangedAt: iso(now - 3 * HOUR),
    description: "Email + password and Google sign-in with session refresh. PR #318 is open.",
    comments: [
      { id: "c-1421", author: engineers[0], created: iso(now - 3 * HOUR), body: "PR #318 is ready for review." },
    ],
  });
  issues.push({
    ...base(`${K}-145`, "Integrate payments API", "Story", 5, engineers[1]),
    status: "In Progress",
    statusCategory: "in_progress",
    priority: "High",
    labels: ["payments", "waiting-on-backend"],
    flagged: true,
    blockedBy: ["Waiting on API spec from the Backend team"],
    updated: iso(now - 2 * DAY),
    statusChangedAt: iso(now - 2 * DAY),
    description: "Client for the new payments endpoints. Blocked until Backend publishes the API spec.",
    comments: [
      {
        id: "c-1451",
        author: engineers[1],
        created: iso(now - 2 * DAY),
        body: "Flagged: blocked waiting on the API spec from the Backend team.",
      },
    ],
  });
  issues.push({
    ...base(`${K}-147`, "Deploy release 2.4 to production", "Task", 3, engineers[2]),
    status: "Blocked",
    statusCategory: "in_progress",
    priority: "Highest",
    labels: ["deploy", "infra"],
    blockedBy: ["Expired AWS credentials"],
    updated: iso(now - 26 * HOUR),
    statusChangedAt: iso(now - 26 * HOUR),
    description: "Production deploy of 2.4. The pipeline fails: the AWS deploy credentials expired.",
    comments: [
      {
        id: "c-1471",
        author: engineers[2],
        created: iso(now - 26 * HOUR),
        body: "Deploy is blocked: our AWS credentials expired, need a new access key from IT.",
      },
    ],
  });
  issues.push({
    ...base(`${K}-151`, "Export reports to CSV", "Story", 8, engineers[3]),
    status: "To Do",
    statusCategory: "todo",
    priority: "High",
    labels: ["reports"],
    updated: iso(sprintStart),
    dueDate: iso(sprintEnd).slice(0, 10),
    description: "Export any report as CSV. Not started yet.",
  });
  issues.push({
    ...base(`${K}-153`, "Notification preferences page", "Story", 4, engineers[4]),
    status: "In Progress",
    statusCategory: "in_progress",
    priority: "High",
    labels: ["notifications"],
    updated: iso(now - 30 * HOUR),
    statusChangedAt: iso(now - 2 * DAY),
    dueDate: iso(now - DAY).slice(0, 10),
    description: "Was due yesterday; the design review is still open.",
  });
  // Done: 15 issues (65 pts) resolved at least 26h ago, 2 issues (7 pts) in the last 24h.
  const donePoints = [8, 8, 5, 5, 5, 5, 3, 3, 3, 3, 5, 2, 5, 3, 2];
  for (let i = 0; i < donePoints.length; i++) {
    const key = `${K}-${125 + i}`;
    const resolved = sprintStart + 12 * HOUR + Math.floor(((now - 26 * HOUR - sprintStart - 12 * HOUR) * i) / 15);
    issues.push({
      ...base(
        key,
        `${verbs[i % verbs.length]} ${components[i % components.length]}`,
        i % 4 === 3 ? "Bug" : "Story",
        donePoints[i]!,
        engineers[i % engineers.length],
      ),
      status: "Done",
      statusCategory: "done",
      updated: iso(resolved),
      statusChangedAt: iso(resolved),
      resolvedAt: iso(resolved),
    });
  }
  for (const [key, summary, points, hoursAgo, who] of [
    [`${K}-148`, "Password reset emails", 5, 5, engineers[5]],
    [`${K}-149`, "Fix session timeout on Safari", 2, 20, engineers[0]],
  ] as const) {
    issues.push({
      ...base(key, summary, key === `${K}-149` ? "Bug" : "Story", points, who),
      status: "Done",
      statusCategory: "done",
      updated: iso(now - hoursAgo * HOUR),
      statusChangedAt: iso(now - hoursAgo * HOUR),
      resolvedAt: iso(now - hoursAgo * HOUR),
    });
  }
  const sprintIssueKeys = issues.map((i) => i.key);
  // Stale work outside the sprint: carried over from ops, untouched for 9 days.
  issues.push({
    ...base(`${K}-160`, "Migrate cron jobs to the new scheduler", "Task", 3, engineers[5]),
    status: "In Progress",
    statusCategory: "in_progress",
    labels: ["ops", "carry-over"],
    updated: iso(now - 9 * DAY),
    statusChangedAt: iso(now - 9 * DAY),
    description: "Started before the sprint and not touched since.",
  });

  // Outside the sprint: backlog (to do, unflagged) and history (done before the sprint).
  for (let i = 0; i < extraIssues; i++) {
    const key = `${K}-${1000 + i}`;
    const done = i % 3 !== 0;
    const at = done ? sprintStart - between(rand, 1, HISTORY_DAYS) * DAY : now - between(rand, 3, 60) * DAY;
    issues.push({
      key,
      summary: `${pick(rand, verbs)} ${pick(rand, components)} (${i % 7 === 0 ? "customer request" : "tech debt"})`,
      type: i % 5 === 0 ? "Bug" : i % 5 === 1 ? "Task" : "Story",
      status: done ? "Done" : "To Do",
      statusCategory: done ? "done" : "todo",
      assignee: done ? engineers[i % engineers.length] : undefined,
      storyPoints: pick(rand, [1, 2, 3, 5, 8]),
      priority: pick(rand, ["Low", "Medium", "Medium", "High"]),
      labels: [],
      flagged: false,
      blockedBy: [],
      created: iso(at - 10 * DAY),
      updated: iso(at),
      statusChangedAt: iso(at),
      resolvedAt: done ? iso(at) : undefined,
      url: issueUrl(key),
      comments: [],
    });
  }
  return {
    projectKey: K,
    board: { id: 7, name: `${K} board` },
    closedSprints: closedSprintsBefore(sprint, sprintStart),
    sprint,
    sprintIssueKeys,
    issues,
  };
}

/** Two-week sprints back over the history window, numbered down from the active one. */
function closedSprintsBefore(active: Sprint, activeStart: number): Sprint[] {
  const out: Sprint[] = [];
  const count = Math.min(active.id - 1, Math.ceil(HISTORY_DAYS / 14));
  for (let i = count; i >= 1; i--) {
    const start = activeStart - i * 14 * DAY;
    out.push({
      id: active.id - i,
      name: `Sprint ${active.id - i}`,
      state: "closed",
      startDate: iso(start),
      endDate: iso(start + 14 * DAY),
    });
  }
  return out;
}
