/**
 * A local Jira Cloud serving a generated organisation's project in Jira's wire shapes, for the
 * real connector (tools/jira/jira-cloud.ts over jira.js): the enhanced JQL search
 * (POST /rest/api/3/search/jql, nextPageToken paging, at most 100 issues a page), issue reads
 * with changelog, issue and sub-task creation, user search, and the Agile board and sprint listings. It evaluates the JQL the
 * connector builds and refuses what Jira refuses: no or wrong Basic credentials (401), an
 * unbounded query (400), JQL it cannot read (400).
 *
 * Jira has no free-text "blocked by" field: blockers reach Jira as "is blocked by" links (issue
 * keys) and `waiting-on-<team>` labels, and only those are served; a free-text reason the
 * generator wrote is in the issue's comments and description, as a person would write it there.
 */
import type { Clock } from "../../../src/core/clock.ts";
import type { JiraIssueDetail, StatusCategory } from "../../../src/core/domain/jira.ts";
import type { DemoOrg } from "../../../tools/demo/generate.ts";
import { textToAdf } from "../../../tools/jira/normalize.ts";
import type { RecordedRequest } from "../http.ts";
import { matcher, type OrgFake, pageOf, Refusal, stableHex, startOrgFake, urlOf } from "./common.ts";

export const JIRA_FAKE_EMAIL = "daybook@kestrel.example";
export const JIRA_FAKE_TOKEN = "jira-fake-token";
export const STORY_POINTS_FIELD = "customfield_10016";
export const FLAGGED_FIELD = "customfield_10021";
/** Jira caps a search page at 100 issues when fields are requested, whatever maxResults asks. */
const MAX_PAGE = 100;

const categoryKey: Record<StatusCategory, string> = { todo: "new", in_progress: "indeterminate", done: "done" };
const categoryName: Record<StatusCategory, string> = { todo: "To Do", in_progress: "In Progress", done: "Done" };

/** Jira's timestamp format: 2026-11-20T09:15:00.000+0000. */
function jiraTime(iso: string | undefined): string | null {
  if (!iso) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  return new Date(Date.parse(iso)).toISOString().replace("Z", "+0000");
}

export function accountIdOf(name: string): string {
  return stableHex(`jira-user:${name}`, 24);
}

type Predicate = (issue: JiraIssueDetail) => boolean;

interface Parsed {
  where: Predicate[];
  hasProject: boolean;
  order: "updated" | "rank";
}

/** Reads the JQL subset the connector writes: quoted literals joined by AND, one ORDER BY. */
function parseJql(jql: string, org: DemoOrg, now: number): Parsed {
  const [condition = "", orderBy = ""] = jql.split(/\s+ORDER BY\s+/i);
  const clauses: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < condition.length; i++) {
    const ch = condition[i];
    if (ch === "\\" && quoted) {
      current += condition.slice(i, i + 2);
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (!quoted && condition.slice(i, i + 5) === " AND ") {
      clauses.push(current.trim());
      current = "";
      i += 4;
      continue;
    }
    current += ch;
  }
  if (current.trim() !== "") clauses.push(current.trim());
  const literal = (s: string) => JSON.parse(s) as string;
  const sprintKeys = new Set(org.jira.sprintIssueKeys);
  const where: Predicate[] = [];
  let hasProject = false;
  for (const clause of clauses) {
    const m = matcher(clause);
    if (m.on(/^project = ("(?:[^"\\]|\\.)*")$/)) {
      const key = literal(m.group(1));
      hasProject = true;
      where.push((i) => i.key.startsWith(`${key}-`));
    } else if (m.on(/^text ~ ("(?:[^"\\]|\\.)*")$/)) {
      const terms = literal(m.group(1)).toLowerCase().split(/\s+/).filter(Boolean);
      where.push((i) => {
        const hay = [i.summary, i.description ?? "", ...i.comments.map((c) => c.body)].join(" ").toLowerCase();
        return terms.every((t) => hay.includes(t));
      });
    } else if (m.on(/^statusCategory = ("(?:[^"\\]|\\.)*")$/)) {
      const name = literal(m.group(1));
      where.push((i) => categoryName[i.statusCategory] === name);
    } else if (m.on(/^status = ("(?:[^"\\]|\\.)*")$/)) {
      const name = literal(m.group(1)).toLowerCase();
      where.push((i) => i.status.toLowerCase() === name);
    } else if (m.on(/^assignee = ("(?:[^"\\]|\\.)*")$/)) {
      const id = literal(m.group(1));
      where.push((i) => i.assignee !== undefined && accountIdOf(i.assignee) === id);
    } else if (m.on(/^issuetype = ("(?:[^"\\]|\\.)*")$/)) {
      const name = literal(m.group(1)).toLowerCase();
      where.push((i) => i.type.toLowerCase() === name);
    } else if (m.on(/^labels in \((.*)\)$/)) {
      const wanted = JSON.parse(`[${m.group(1)}]`) as string[];
      // JQL `in` is any-of.
      where.push((i) => i.labels.some((l) => wanted.includes(l)));
    } else if (m.on(/^labels = ("(?:[^"\\]|\\.)*")$/)) {
      const label = literal(m.group(1));
      where.push((i) => i.labels.includes(label));
    } else if (m.on(/^cf\[(\d+)\] is (not )?EMPTY$/)) {
      if (`customfield_${m.group(1)}` !== FLAGGED_FIELD)
        throw new Refusal(400, jqlError(`Field 'cf[${m.group(1)}]' does not exist`));
      const wantFlagged = m.group(2) !== "";
      where.push((i) => i.flagged === wantFlagged);
    } else if (m.on(/^sprint = (\d+)$/)) {
      const id = Number(m.group(1));
      // A closed sprint held the done history resolved inside its dates, as in the demo's port.
      const closed = org.jira.closedSprints.find((c) => c.id === id);
      const [from, to] = [Date.parse(closed?.startDate ?? ""), Date.parse(closed?.endDate ?? "")];
      where.push((i) =>
        id === org.jira.sprint.id
          ? sprintKeys.has(i.key)
          : closed !== undefined &&
            !sprintKeys.has(i.key) &&
            i.resolvedAt !== undefined &&
            Date.parse(i.resolvedAt) >= from &&
            Date.parse(i.resolvedAt) < to,
      );
    } else if (m.on(/^updated >= -(\d+)d$/)) {
      const since = now - Number(m.group(1)) * 86_400_000;
      where.push((i) => Date.parse(i.updated) >= since);
    } else {
      throw new Refusal(400, jqlError(`Error in the JQL Query: cannot read '${clause.slice(0, 60)}'`));
    }
  }
  const order = /^Rank ASC$/i.test(orderBy.trim()) ? "rank" : "updated";
  if (orderBy.trim() !== "" && !/^(Rank ASC|updated DESC)$/i.test(orderBy.trim())) {
    throw new Refusal(400, jqlError(`Not able to sort using field '${orderBy}'`));
  }
  return { where, hasProject, order };
}

function jqlError(message: string) {
  return { errorMessages: [message], errors: {} };
}

function issueJson(issue: JiraIssueDetail, fields: readonly string[] | undefined, expandChangelog: boolean) {
  const links = issue.blockedBy
    .filter((b) => /^[A-Z][A-Z0-9_]*-\d+$/.test(b))
    .map((key, n) => ({
      id: `${n + 1}`,
      type: { id: "10000", name: "Blocks", inward: "is blocked by", outward: "blocks" },
      inwardIssue: { id: key.replace(/\D/g, ""), key },
    }));
  const all: Record<string, unknown> = {
    summary: issue.summary,
    status: {
      name: issue.status,
      statusCategory: { key: categoryKey[issue.statusCategory], name: categoryName[issue.statusCategory] },
    },
    issuetype: { name: issue.type },
    assignee: issue.assignee
      ? { accountId: accountIdOf(issue.assignee), displayName: issue.assignee, accountType: "atlassian" }
      : null,
    priority: issue.priority ? { name: issue.priority } : null,
    labels: issue.labels,
    [FLAGGED_FIELD]: issue.flagged ? [{ id: "10019", value: "Impediment" }] : null,
    issuelinks: links,
    created: jiraTime(issue.created),
    updated: jiraTime(issue.updated),
    resolutiondate: jiraTime(issue.resolvedAt),
    duedate: issue.dueDate ?? null,
    // Jira keeps when the status category last changed; the generator only knows the status change.
    statuscategorychangedate: jiraTime(issue.statusChangedAt ?? issue.created),
    [STORY_POINTS_FIELD]: issue.storyPoints ?? null,
    description: issue.description ? textToAdf(issue.description) : null,
    comment: {
      comments: issue.comments.map((c) => ({
        id: c.id,
        author: { displayName: c.author },
        created: jiraTime(c.created),
        body: textToAdf(c.body),
      })),
      total: issue.comments.length,
      maxResults: issue.comments.length,
      startAt: 0,
    },
  };
  const picked = fields ? Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]])) : all;
  return {
    id: issue.key.replace(/\D/g, ""),
    key: issue.key,
    self: `https://fake.atlassian.net/rest/api/3/issue/${issue.key}`,
    fields: picked,
    ...(expandChangelog && issue.statusChangedAt
      ? {
          changelog: {
            histories: [
              {
                id: "1",
                created: jiraTime(issue.statusChangedAt),
                items: [{ field: "status", toString: issue.status }],
              },
            ],
          },
        }
      : {}),
  };
}

export interface JiraFakeOptions {
  org: DemoOrg;
  clock: Clock;
}

export async function startJiraFake(options: JiraFakeOptions): Promise<OrgFake> {
  const { org, clock } = options;
  const expectedAuth = `Basic ${Buffer.from(`${JIRA_FAKE_EMAIL}:${JIRA_FAKE_TOKEN}`).toString("base64")}`;
  const byKey = new Map(org.jira.issues.map((i) => [i.key, i]));
  const rank = new Map(org.jira.sprintIssueKeys.map((k, n) => [k, n]));
  const people = [...new Set(org.jira.issues.flatMap((i) => (i.assignee ? [i.assignee] : [])))];

  const search = (req: RecordedRequest) => {
    const body = JSON.parse(req.body || "{}") as {
      jql?: string;
      fields?: string[];
      maxResults?: number;
      nextPageToken?: string;
    };
    if (!body.jql) throw new Refusal(400, jqlError("jql is required"));
    const parsed = parseJql(body.jql, org, clock.now());
    // The enhanced search refuses queries without a restriction (https://developer.atlassian.com/changelog/#CHANGE-2046).
    if (!parsed.hasProject) throw new Refusal(400, jqlError("Unbounded JQL queries are not allowed here."));
    const matches = org.jira.issues.filter((i) => parsed.where.every((p) => p(i)));
    if (parsed.order === "rank") matches.sort((a, b) => (rank.get(a.key) ?? 1e9) - (rank.get(b.key) ?? 1e9));
    else matches.sort((a, b) => (a.updated < b.updated ? 1 : a.updated > b.updated ? -1 : a.key < b.key ? -1 : 1));
    const offset = body.nextPageToken ? Number(Buffer.from(body.nextPageToken, "base64url").toString()) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw new Refusal(400, jqlError("Invalid nextPageToken"));
    const limit = Math.min(MAX_PAGE, Math.max(1, body.maxResults ?? 50));
    const page = pageOf(matches, offset, limit);
    return {
      body: {
        issues: page.items.map((i) => issueJson(i, body.fields, false)),
        isLast: page.next === undefined,
        ...(page.next !== undefined ? { nextPageToken: Buffer.from(String(page.next)).toString("base64url") } : {}),
      },
    };
  };

  let nextNumber = 1 + Math.max(0, ...org.jira.issues.map((i) => Number(i.key.replace(/\D/g, "")) || 0));
  /** Jira's create: a Story, Bug or Task in the project, or a sub-task whose `parent` exists. */
  const create = (req: RecordedRequest) => {
    const { fields } = JSON.parse(req.body || "{}") as { fields?: Record<string, unknown> };
    const f = fields ?? {};
    const project = (f.project as { key?: string } | undefined)?.key;
    const type = (f.issuetype as { name?: string } | undefined)?.name ?? "";
    const parentKey = (f.parent as { key?: string } | undefined)?.key;
    const errors: Record<string, string> = {};
    if (project !== org.jira.projectKey) errors.project = "valid project is required";
    if (!["Story", "Bug", "Task", "Subtask"].includes(type)) errors.issuetype = "Specify a valid issue type";
    if (type === "Subtask" && (!parentKey || !byKey.has(parentKey)))
      errors.parent = "Could not find issue by id or key.";
    if (type !== "Subtask" && parentKey)
      errors.parent = "Given parent work item does not belong to appropriate hierarchy.";
    if (typeof f.summary !== "string" || f.summary.trim() === "")
      errors.summary = "You must specify a summary of the issue.";
    if (Object.keys(errors).length > 0) throw new Refusal(400, { errorMessages: [], errors });
    const key = `${org.jira.projectKey}-${nextNumber++}`;
    const at = new Date(clock.now()).toISOString();
    const points = f[STORY_POINTS_FIELD];
    const issue: JiraIssueDetail = {
      key,
      summary: String(f.summary),
      type,
      status: "To Do",
      statusCategory: "todo",
      labels: Array.isArray(f.labels) ? f.labels.map(String) : [],
      flagged: false,
      blockedBy: [],
      created: at,
      updated: at,
      url: `https://fake.atlassian.net/browse/${key}`,
      ...(typeof points === "number" ? { storyPoints: points } : {}),
      ...(parentKey ? { parent: parentKey } : {}),
      comments: [],
    };
    org.jira.issues.push(issue);
    byKey.set(key, issue);
    return {
      status: 201,
      body: { id: key.replace(/\D/g, ""), key, self: `https://fake.atlassian.net/rest/api/3/issue/${key}` },
    };
  };

  return startOrgFake((req) => {
    if (req.headers.authorization !== expectedAuth) {
      throw new Refusal(401, {
        errorMessages: ["You are not authenticated. Authentication required to perform this operation."],
      });
    }
    const url = urlOf(req);
    const path = url.pathname;
    const m = matcher(path);
    const q = url.searchParams;
    if (req.method === "POST" && path === "/rest/api/3/search/jql") return search(req);
    if (req.method === "POST" && path === "/rest/api/3/issue") return create(req);
    if (req.method === "GET" && m.on(/^\/rest\/api\/3\/issue\/([^/]+)$/)) {
      const issue = byKey.get(decodeURIComponent(m.group(1)));
      if (!issue) {
        throw new Refusal(404, { errorMessages: ["Issue does not exist or you do not have permission to see it."] });
      }
      const fields = q.has("fields") ? q.getAll("fields").flatMap((f) => f.split(",")) : undefined;
      return { body: issueJson(issue, fields, (q.get("expand") ?? "").includes("changelog")) };
    }
    if (req.method === "GET" && path === "/rest/api/3/user/search") {
      const query = (q.get("query") ?? "").toLowerCase();
      const max = Number(q.get("maxResults") ?? 50);
      return {
        body: people
          .filter((p) => p.toLowerCase().includes(query))
          .slice(0, max)
          .map((p) => ({ accountId: accountIdOf(p), displayName: p, accountType: "atlassian", active: true })),
      };
    }
    if (req.method === "GET" && path === "/rest/agile/1.0/board") {
      const project = q.get("projectKeyOrId");
      const boards =
        project === org.jira.projectKey ? [{ id: org.jira.board.id, name: org.jira.board.name, type: "scrum" }] : [];
      return { body: { maxResults: 50, startAt: 0, total: boards.length, isLast: true, values: boards } };
    }
    if (req.method === "GET" && m.on(/^\/rest\/agile\/1\.0\/board\/(\d+)\/sprint$/)) {
      if (Number(m.group(1)) !== org.jira.board.id)
        throw new Refusal(404, { errorMessages: ["Board does not exist."] });
      const states = (q.get("state") ?? "active,closed,future").split(",");
      const sprints = [...org.jira.closedSprints, org.jira.sprint].filter((s) => states.includes(s.state));
      return {
        body: {
          maxResults: 50,
          startAt: 0,
          isLast: true,
          values: sprints.map((s) => ({
            id: s.id,
            self: `https://fake.atlassian.net/rest/agile/1.0/sprint/${s.id}`,
            state: s.state,
            name: s.name,
            ...(s.startDate ? { startDate: s.startDate } : {}),
            ...(s.endDate ? { endDate: s.endDate } : {}),
            ...(s.goal ? { goal: s.goal } : {}),
            originBoardId: org.jira.board.id,
          })),
        },
      };
    }
    throw new Refusal(404, { errorMessages: [`not served by the fake: ${req.method} ${path}`] });
  });
}
