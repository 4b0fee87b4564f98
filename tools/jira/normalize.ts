import type { JiraComment, JiraIssue, JiraIssueDetail, Sprint, StatusCategory } from "../../src/core/domain/jira.ts";

/**
 * Pure mapping from Jira Cloud REST v3 JSON to daybook's domain types. Inputs are typed as
 * `unknown`-ish records on purpose: tenants differ (custom fields, team-managed projects), so
 * every read is defensive and a missing field degrades to "absent", never to a crash.
 */
export interface NormalizeOptions {
  /** Site URL, e.g. https://acme.atlassian.net (issue links are `${baseUrl}/browse/KEY`). */
  baseUrl: string;
  /** Story points custom field id, e.g. "customfield_10016". */
  storyPointsField: string;
  /** "Flagged" custom field id, e.g. "customfield_10021". */
  flaggedField: string;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Jira's three fixed status categories, keyed "new" | "indeterminate" | "done"
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-workflow-status-categories/).
 */
export function statusCategoryOf(status: unknown): StatusCategory {
  const key = str(obj(obj(status)?.statusCategory)?.key);
  if (key === "done") return "done";
  if (key === "indeterminate") return "in_progress";
  return "todo";
}

/** Jira timestamps look like "2026-11-20T09:15:00.000+0000"; daybook uses ISO 8601 UTC. */
export function toIso(value: unknown): string | undefined {
  // jira.js validates responses with zod and turns some documented date fields into Date objects.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  const text = str(value);
  if (text === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

/** The Flagged field is a checkbox custom field: an array of options ([{ value: "Impediment" }]) or null. */
function isFlagged(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "boolean") return value;
  return obj(value) !== undefined;
}

/**
 * "is blocked by" links name the blocking issue as `inwardIssue` on the blocked one
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-links/), plus a
 * label convention `waiting-on-<team>` for blockers outside Jira ("waiting on backend team").
 */
export function blockersOf(fields: Json): string[] {
  const out: string[] = [];
  for (const raw of arr(fields.issuelinks)) {
    const link = obj(raw);
    const type = obj(link?.type);
    const inward = obj(link?.inwardIssue);
    const inwardText = str(type?.inward) ?? "";
    if (inward && (str(type?.name) === "Blocks" || /blocked by/i.test(inwardText))) {
      const key = str(inward.key);
      if (key) out.push(key);
    }
  }
  for (const label of arr(fields.labels)) {
    const match = typeof label === "string" ? /^waiting[-_]on[-_](.+)$/i.exec(label) : null;
    if (match?.[1]) {
      const team = match[1].replace(/[-_]+/g, " ").replace(/\s+team$/i, "");
      out.push(`waiting on ${team} team`);
    }
  }
  return out;
}

export function normalizeIssue(raw: unknown, options: NormalizeOptions): JiraIssue {
  const issue = obj(raw) ?? {};
  const fields = obj(issue.fields) ?? {};
  const key = str(issue.key) ?? str(issue.id) ?? "UNKNOWN";
  const points = fields[options.storyPointsField];
  const status = obj(fields.status);
  const out: JiraIssue = {
    key,
    summary: str(fields.summary) ?? "(no summary)",
    type: str(obj(fields.issuetype)?.name) ?? "Issue",
    status: str(status?.name) ?? "Unknown",
    statusCategory: statusCategoryOf(status),
    labels: arr(fields.labels).filter((l): l is string => typeof l === "string"),
    flagged: isFlagged(fields[options.flaggedField]),
    blockedBy: blockersOf(fields),
    created: toIso(fields.created) ?? "",
    updated: toIso(fields.updated) ?? toIso(fields.created) ?? "",
    url: `${options.baseUrl.replace(/\/+$/, "")}/browse/${encodeURIComponent(key)}`,
  };
  const assignee = str(obj(fields.assignee)?.displayName);
  if (assignee) out.assignee = assignee;
  if (typeof points === "number" && Number.isFinite(points)) out.storyPoints = points;
  const priority = str(obj(fields.priority)?.name);
  if (priority) out.priority = priority;
  const statusChangedAt = lastStatusChange(issue.changelog) ?? toIso(fields.statuscategorychangedate);
  if (statusChangedAt) out.statusChangedAt = statusChangedAt;
  const resolvedAt = toIso(fields.resolutiondate);
  if (resolvedAt) out.resolvedAt = resolvedAt;
  const dueDate = toIso(fields.duedate);
  if (dueDate) out.dueDate = dueDate;
  const parent = str(obj(fields.parent)?.key);
  if (parent) out.parent = parent;
  return out;
}

/** Newest changelog history that touched "status", when the issue was read with expand=changelog. */
export function lastStatusChange(changelog: unknown): string | undefined {
  let newest: number | undefined;
  for (const raw of arr(obj(changelog)?.histories)) {
    const history = obj(raw);
    const touchesStatus = arr(history?.items).some((item) => str(obj(item)?.field) === "status");
    const at = Date.parse(toIso(history?.created) ?? "");
    if (touchesStatus && !Number.isNaN(at) && (newest === undefined || at > newest)) newest = at;
  }
  return newest === undefined ? undefined : new Date(newest).toISOString();
}

const inlineTypes = new Set(["text", "hardBreak", "mention", "emoji", "inlineCard", "date", "status"]);

function renderAdf(node: unknown): string {
  const n = obj(node);
  if (!n) return "";
  const type = str(n.type);
  const attrs = obj(n.attrs);
  if (type === "text") return str(n.text) ?? "";
  if (type === "hardBreak") return "\n";
  if (type === "mention" || type === "emoji" || type === "status") return str(attrs?.text) ?? "";
  if (type === "inlineCard") return str(attrs?.url) ?? "";
  if (type === "date") {
    const ts = Number(attrs?.timestamp);
    return Number.isFinite(ts) ? new Date(ts).toISOString().slice(0, 10) : "";
  }
  // Inline children run together; block children each get their own line.
  const lines: string[] = [];
  let inline = "";
  for (const child of arr(n.content)) {
    const childType = str(obj(child)?.type) ?? "";
    if (inlineTypes.has(childType)) {
      inline += renderAdf(child);
      continue;
    }
    if (inline.trim() !== "") lines.push(inline);
    inline = "";
    const text = renderAdf(child);
    if (text.trim() !== "") lines.push(text);
  }
  if (inline.trim() !== "") lines.push(inline);
  const joined = lines.join("\n");
  return type === "listItem" ? `- ${joined}` : joined;
}

/**
 * Atlassian Document Format to plain text
 * (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/): blocks are
 * joined by newlines so a heading does not run into the next paragraph; mentions and emoji keep
 * their visible text.
 */
export function adfToText(doc: unknown, maxChars = 1_000): string {
  if (typeof doc === "string") return truncate(doc.trim(), maxChars);
  const text = renderAdf(doc)
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l !== "")
    .join("\n");
  return truncate(text, maxChars);
}

function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 1)).trimEnd()}…`;
}

export interface AdfDoc {
  [key: string]: unknown;
  type: "doc";
  version: 1;
  content: { type: "paragraph"; content: { type: "text"; text: string }[] }[];
}

/** Plain text to a minimal ADF document: one paragraph per line, blank lines dropped. */
export function textToAdf(text: string): AdfDoc {
  const paragraphs = text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line !== "")
    .map((line) => ({ type: "paragraph" as const, content: [{ type: "text" as const, text: line }] }));
  return { type: "doc", version: 1, content: paragraphs };
}

export function normalizeComment(raw: unknown, maxChars = 500): JiraComment {
  const c = obj(raw) ?? {};
  return {
    id: str(c.id) ?? "",
    author: str(obj(c.author)?.displayName) ?? "Unknown",
    created: toIso(c.created) ?? "",
    body: adfToText(c.body, maxChars),
  };
}

/** An issue read with `comment` among its fields; keeps the newest `maxComments`. */
export function normalizeIssueDetail(raw: unknown, options: NormalizeOptions, maxComments = 5): JiraIssueDetail {
  const base = normalizeIssue(raw, options);
  const fields = obj(obj(raw)?.fields) ?? {};
  const comments = arr(obj(fields.comment)?.comments).map((c) => normalizeComment(c));
  comments.sort((a, b) => a.created.localeCompare(b.created));
  const detail: JiraIssueDetail = { ...base, comments: comments.slice(-maxComments) };
  const description = fields.description === null ? "" : adfToText(fields.description, 1_500);
  if (description !== "") detail.description = description;
  return detail;
}

export function normalizeSprint(raw: unknown): Sprint {
  const s = obj(raw) ?? {};
  const state = str(s.state);
  const sprint: Sprint = {
    id: typeof s.id === "number" ? s.id : Number(s.id),
    name: str(s.name) ?? `Sprint ${String(s.id)}`,
    state: state === "active" || state === "closed" || state === "future" ? state : "future",
  };
  const startDate = toIso(s.startDate);
  if (startDate) sprint.startDate = startDate;
  const endDate = toIso(s.endDate);
  if (endDate) sprint.endDate = endDate;
  const goal = str(s.goal);
  if (goal) sprint.goal = goal;
  return sprint;
}
