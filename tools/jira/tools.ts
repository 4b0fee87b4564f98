/**
 * Jira read tools and write actions over a JiraPort (real connector or demo). Read tools
 * return compact JSON within RESULT_BUDGET_CHARS; figures come from analyzeSprint, the same
 * function the standup digest uses, so chat and digest always agree.
 */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import type { WriteAction } from "../../src/core/actions.ts";
import type { ApprovalOutcome } from "../../src/core/approval.ts";
import type { CardField } from "../../src/core/card.ts";
import type { Clock } from "../../src/core/clock.ts";
import type { JiraIssue, JiraPort } from "../../src/core/domain/jira.ts";
import { DaybookError } from "../../src/core/errors.ts";
import { daysSince, type EntityLabels, pct, runTool, shortTime } from "../shared/compact.ts";
import { analyzeSprint, type SprintHealth } from "./sprint-health.ts";

export interface JiraToolContext {
  clock: Clock;
  labels: EntityLabels;
  /** In progress without a status change for more than this many days is a blocker. Default 3. */
  staleDays?: number;
}

const issueKeySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9_]+-\d+$/, "an issue key like PROJ-123")
  .transform((k) => k.toUpperCase())
  .describe("Issue key, e.g. PROJ-123");

export const sprintStatusSchema = z.object({});
export const blockersSchema = z.object({});
export const searchIssuesSchema = z.object({
  text: z.string().trim().min(1).max(100).optional().describe("Words in the summary or description"),
  statusCategory: z.enum(["todo", "in_progress", "done"]).optional().describe("To do, in progress or done"),
  status: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .optional()
    .describe('Exact workflow status, e.g. "Blocked", "Ready for Review"'),
  assignee: z
    .string()
    .trim()
    .min(1)
    .max(60)
    .optional()
    .describe("Assignee name or part of it (a first name is enough)"),
  type: z.enum(["Story", "Bug", "Task", "Epic"]).optional(),
  labels: z.array(z.string().trim().min(1).max(40)).max(5).optional(),
  flagged: z.boolean().optional().describe("Only issues flagged as impediments"),
  inActiveSprint: z.boolean().optional().describe("Only issues in the current sprint"),
  open: z.boolean().optional().describe("Only issues not done yet (to do or in progress)"),
  updatedWithinDays: z.number().int().min(1).max(365).optional(),
  limit: z.number().int().min(1).max(25).optional().describe("How many issues (default 10)"),
  cursor: z.string().max(200).optional().describe("`next` from a previous result, for the next page"),
});
export const getIssueSchema = z.object({ key: issueKeySchema });

export const createIssueSchema = z.object({
  summary: z.string().trim().min(3).max(200).describe("One-line summary"),
  type: z.enum(["Story", "Bug", "Task"]).default("Task"),
  description: z.string().trim().max(4000).optional(),
  assignee: z.string().trim().min(1).max(80).optional().describe("Person's name as in Jira"),
  labels: z.array(z.string().trim().min(1).max(40)).max(10).optional(),
  priority: z.enum(["Highest", "High", "Medium", "Low", "Lowest"]).optional(),
  dueDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .describe("Due date as YYYY-MM-DD"),
});
export const addCommentSchema = z.object({
  issueKey: issueKeySchema,
  body: z.string().trim().min(1).max(4000).describe("Comment text exactly as it will be posted"),
});

/** One issue as a person needs it in a list. */
export function issueRow(issue: JiraIssue, now: number) {
  return {
    key: issue.key,
    summary: issue.summary,
    type: issue.type,
    status: issue.status,
    assignee: issue.assignee,
    points: issue.storyPoints,
    priority: issue.priority,
    flagged: issue.flagged || undefined,
    blockedBy: issue.blockedBy.length > 0 ? issue.blockedBy : undefined,
    daysInStatus: issue.statusCategory === "done" ? undefined : daysSince(issue.statusChangedAt ?? issue.updated, now),
    url: issue.url,
  };
}

function brief(issue: JiraIssue) {
  return { key: issue.key, summary: issue.summary, assignee: issue.assignee, status: issue.status, url: issue.url };
}

async function sprintHealth(jira: JiraPort, ctx: JiraToolContext): Promise<SprintHealth | undefined> {
  const sprint = await jira.getActiveSprint();
  if (!sprint) return undefined;
  const issues = await jira.getSprintIssues(sprint.id);
  return analyzeSprint(sprint, issues, ctx.clock.now(), { staleDays: ctx.staleDays ?? 3 });
}

function blockerRows(health: SprintHealth) {
  return health.blockers.map((b) => ({
    key: b.issue.key,
    summary: b.issue.summary,
    owner: b.owner,
    reason: b.reason,
    detail: b.detail,
    blockedDays: b.ageDays,
    flagged: b.issue.flagged || undefined,
    url: b.issue.url,
  }));
}

const noSprint = { sprint: null, note: "There is no active sprint on the board." };

export function jiraReadTools(jira: JiraPort, ctx: JiraToolContext): StructuredToolInterface[] {
  const remember = (issues: JiraIssue[]) => {
    for (const i of issues) ctx.labels.remember("issue", i.key, `${i.key} ${i.summary}`);
  };

  const sprintStatus = tool(
    () =>
      runTool(async () => {
        const health = await sprintHealth(jira, ctx);
        if (!health) return noSprint;
        const now = ctx.clock.now();
        const end = health.sprint.endDate ? Date.parse(health.sprint.endDate) : undefined;
        const open = health.sprint;
        return {
          sprint: {
            id: open.id,
            name: open.name,
            goal: open.goal,
            start: open.startDate?.slice(0, 10),
            end: open.endDate?.slice(0, 10),
            daysLeft: end === undefined ? undefined : Math.max(0, Math.ceil((end - now) / 86_400_000)),
          },
          progress: {
            totalPoints: health.totalPoints,
            donePoints: health.donePoints,
            donePct: pct(health.donePct),
            donePctYesterday: pct(health.donePctYesterday),
            pointsDoneSinceYesterday: health.donePoints - health.donePointsYesterday,
          },
          readyForReview: health.readyForReview.map(brief),
          blockers: blockerRows(health),
          atRisk: health.atRisk.map((r) => ({ ...brief(r.issue), reason: r.reason })),
        };
      }),
    {
      name: "jira_sprint_status",
      description:
        "Progress of the active Jira sprint: percent of story points done now and 24 hours ago, what is ready for review, blockers and at-risk stories, with owners and links. " +
        'Examples: "how is the sprint going?", "sprint status", "are we on track?", "what changed since yesterday?", "what is ready for review?", "standup summary".',
      schema: sprintStatusSchema,
    },
  );

  const blockers = tool(
    () =>
      runTool(async () => {
        const health = await sprintHealth(jira, ctx);
        if (!health) return noSprint;
        remember(health.blockers.map((b) => b.issue));
        return {
          sprint: health.sprint.name,
          blockers: blockerRows(health),
          atRisk: health.atRisk.map((r) => ({ ...brief(r.issue), reason: r.reason })),
        };
      }),
    {
      name: "jira_blockers",
      description:
        "Blocked, flagged, stale and waiting-on-another-team issues in the active sprint, each with owner, reason and how many days it has been blocked, plus at-risk stories. " +
        'Examples: "what is blocking the sprint?", "who is blocked?", "any impediments?", "why is <person> stuck?", "which stories are at risk?".',
      schema: blockersSchema,
    },
  );

  const search = tool(
    (args: z.infer<typeof searchIssuesSchema>) =>
      runTool(async () => {
        let sprintId: number | undefined;
        if (args.inActiveSprint) {
          const sprint = await jira.getActiveSprint();
          if (!sprint) return { issues: [], note: "There is no active sprint on the board." };
          sprintId = sprint.id;
        }
        const limit = args.limit ?? 10;
        // Jira's search takes one status category; "not done" is read from the widest page it allows.
        const wide = args.open && !args.statusCategory;
        const page = await jira.searchIssues({
          ...(args.text ? { text: args.text } : {}),
          ...(args.statusCategory ? { statusCategory: args.statusCategory } : {}),
          ...(args.status ? { status: args.status } : {}),
          ...(args.assignee ? { assignee: args.assignee } : {}),
          ...(args.type ? { type: args.type } : {}),
          ...(args.labels ? { labels: args.labels } : {}),
          ...(args.flagged !== undefined ? { flagged: args.flagged } : {}),
          ...(sprintId !== undefined ? { sprintId } : {}),
          ...(args.updatedWithinDays ? { updatedWithinDays: args.updatedWithinDays } : {}),
          ...(args.cursor ? { cursor: args.cursor } : {}),
          limit: wide ? 50 : limit,
        });
        const items = wide ? page.items.filter((i) => i.statusCategory !== "done") : page.items;
        remember(items);
        const now = ctx.clock.now();
        return {
          issues: items.slice(0, limit).map((i) => issueRow(i, now)),
          ...(page.next ? { next: page.next } : {}),
        };
      }),
    {
      name: "jira_search_issues",
      description:
        "Search Jira issues by words, status, assignee, type, label, flag or recency (structured filters, never raw JQL). " +
        'Examples: "find issues about login", "what is <person> working on?", "open bugs", "flagged issues", "what was done this week?", "issues in progress".',
      schema: searchIssuesSchema,
    },
  );

  const getIssue = tool(
    (args: z.infer<typeof getIssueSchema>) =>
      runTool(async () => {
        const issue = await jira.getIssue(args.key);
        remember([issue]);
        const now = ctx.clock.now();
        return {
          ...issueRow(issue, now),
          created: issue.created.slice(0, 10),
          updated: shortTime(issue.updated),
          resolved: issue.resolvedAt?.slice(0, 10),
          due: issue.dueDate,
          labels: issue.labels,
          description: issue.description,
          comments: issue.comments
            .slice(-5)
            .reverse()
            .map((c) => ({ author: c.author, at: shortTime(c.created), body: c.body })),
        };
      }),
    {
      name: "jira_get_issue",
      description:
        "One Jira issue by key with status, assignee, blockers, description and latest comments. " +
        'Examples: "show PROJ-123", "what is the status of PROJ-123?", "details of that issue", "who owns PROJ-123?".',
      schema: getIssueSchema,
    },
  );

  return [sprintStatus, blockers, search, getIssue];
}

function outcomeError(error: unknown): ApprovalOutcome {
  // Conflicts and missing records are final answers for a person; transient failures are
  // rethrown so the approval service can report or retry them.
  if (error instanceof DaybookError && ["not_found", "conflict", "bad_request", "forbidden"].includes(error.code)) {
    return { ok: false, summary: error.userMessage };
  }
  throw error;
}

export function jiraWriteActions(jira: JiraPort, ctx: JiraToolContext) {
  const createIssue: WriteAction<typeof createIssueSchema> = {
    name: "jira_create_issue",
    domain: "jira",
    description:
      "Create a Jira issue (story, bug or task); needs a person's approval before it is created. " +
      'Examples: "create a ticket to renew the TLS certificate", "file a bug for the Safari timeout", "open a task for <person>".',
    schema: createIssueSchema,
    requiresApproval: true,
    title: (args) => `Create a Jira ${args.type.toLowerCase()}: "${args.summary}"`,
    describe: (args) => {
      const fields: CardField[] = [
        { label: "Summary", value: args.summary },
        { label: "Type", value: args.type },
      ];
      if (args.priority) fields.push({ label: "Priority", value: args.priority });
      if (args.assignee) fields.push({ label: "Assignee", value: args.assignee });
      if (args.dueDate) fields.push({ label: "Due", value: args.dueDate });
      if (args.labels?.length) fields.push({ label: "Labels", value: args.labels.join(", ") });
      if (args.description) fields.push({ label: "Description", value: args.description });
      return fields;
    },
    async execute(args, options) {
      try {
        const created = await jira.createIssue(
          {
            summary: args.summary,
            type: args.type,
            ...(args.description ? { description: args.description } : {}),
            ...(args.assignee ? { assignee: args.assignee } : {}),
            ...(args.labels ? { labels: args.labels } : {}),
            ...(args.priority ? { priority: args.priority } : {}),
            ...(args.dueDate ? { dueDate: args.dueDate } : {}),
          },
          options,
        );
        ctx.labels.remember("issue", created.key, `${created.key} ${args.summary}`);
        return {
          ok: true,
          summary: `Created ${created.key}: ${args.summary}`,
          ref: { id: created.key, url: created.url },
        };
      } catch (error) {
        return outcomeError(error);
      }
    },
  };

  const addComment: WriteAction<typeof addCommentSchema> = {
    name: "jira_add_comment",
    domain: "jira",
    description:
      "Add a comment to a Jira issue; needs a person's approval before it is posted. " +
      'Examples: "comment on PROJ-123 that the spec is coming Friday", "tell <person> on PROJ-123 that IT renewed the keys".',
    schema: addCommentSchema,
    requiresApproval: true,
    title: (args) => `Comment on ${ctx.labels.get("issue", args.issueKey) ?? args.issueKey}`,
    describe: (args) => [
      { label: "Issue", value: ctx.labels.get("issue", args.issueKey) ?? args.issueKey },
      { label: "Comment", value: args.body },
    ],
    async execute(args, options) {
      try {
        const added = await jira.addComment(args.issueKey, args.body, options);
        return { ok: true, summary: `Commented on ${args.issueKey}`, ref: { id: `${args.issueKey}#${added.id}` } };
      } catch (error) {
        return outcomeError(error);
      }
    },
  };

  return [createIssue, addComment];
}
