import { createHash } from "node:crypto";
import { type AgileClient, type CloudClient, createAgileClient, createCloudClient } from "jira.js";
import { createClient } from "jira.js/core";
import type { Clock } from "../../src/core/clock.ts";
import { type Listing, type Page, truncatedListing, type WriteOptions } from "../../src/core/domain/common.ts";
import type {
  IssueQuery,
  JiraIssue,
  JiraIssueDetail,
  JiraPort,
  NewJiraIssue,
  NewJiraSubtask,
  Sprint,
  StatusCategory,
} from "../../src/core/domain/jira.ts";
import { DaybookError } from "../../src/core/errors.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { UpstreamObserver } from "../../src/core/metrics.ts";
import type { Store } from "../../src/core/store.ts";
import { fromCached, toCached } from "../shared/listing.ts";
import { type CallLimiter, jiraLimits, sharedLimiter } from "../shared/rate-limit.ts";
import { ReadCache } from "../shared/read-cache.ts";
import { classifyHttpError, type RetryPolicy, resilientCall, type UpstreamFailure } from "../shared/resilience.ts";
import { customFieldPattern, type JiraCloudSettings, projectKeyPattern, validateSettings } from "./jira-settings.ts";
import {
  adfToText,
  type NormalizeOptions,
  normalizeIssue,
  normalizeIssueDetail,
  normalizeSprint,
  textToAdf,
} from "./normalize.ts";

// Re-exported so callers that only read settings need not load jira.js (tools/jira/jira-settings.ts).
export { type JiraCloudSettings, type JiraEnv, jiraSettingsFromEnv } from "./jira-settings.ts";

export interface JiraCloudDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Counts calls, retries and 429s by system (docs/metrics.md). */
  upstream?: UpstreamObserver;
  policy?: Partial<RetryPolicy>;
  cacheTtlMs?: number;
  /** Injected by tests to observe backoff and Retry-After waits. */
  sleep?: (ms: number) => Promise<void>;
  /** Default: the process-wide limiter of this site (jiraLimits). */
  limiter?: CallLimiter;
}

const SYSTEM = "Jira";
const CREDENTIAL_HINT = "JIRA_EMAIL/JIRA_API_TOKEN";
const PAGE_SIZE = 100;
/**
 * What a full listing asks for per page: search/jql's maximum. Jira answers fewer when fields
 * are requested (100 today) and says so only through nextPageToken, which is what paging follows
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post).
 */
const FULL_PAGE = 5_000;
/** Sprint listings stop here, marked truncated; no sprint daybook summarises comes near it. */
const MAX_SPRINT_ISSUES = 5_000;
/** Markers of executed writes outlive any approval's lifetime. */
const WRITE_MARKER_TTL_MS = 30 * 24 * 60 * 60 * 1000;

const issueKeyPattern = /^[A-Z][A-Z0-9_]*-[1-9]\d*$/;
/** What a person might paste as an assignee that is already an account id (not a name). */
const accountIdShape = /^(?:[0-9a-f]{24}|\d{1,10}:[0-9a-f-]{36})$/;
/** Account ids as Jira returns them; JQL quoting is what keeps them safe, this only rejects junk. */
const accountIdPattern = /^[A-Za-z0-9][A-Za-z0-9:_-]{5,127}$/;

/** Jira's fixed status category names, used in JQL `statusCategory = "..."`. */
const statusCategoryNames: Record<StatusCategory, string> = {
  todo: "To Do",
  in_progress: "In Progress",
  done: "Done",
};

function badRequest(message: string, userMessage = message): DaybookError {
  return new DaybookError("bad_request", message, { userMessage });
}

/** A JQL string literal: backslash and double quote escaped, control characters dropped. */
export function jqlString(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, " ");
  return `"${clean.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * Free text for `text ~`: Lucene operators and wildcards are removed instead of escaped, so a
 * question never turns into a query the person did not ask for
 * (https://support.atlassian.com/jira-software-cloud/docs/search-syntax-for-text-fields/).
 */
export function jqlText(value: string): string {
  return value
    .replace(/[+\-&|!(){}[\]^~*?\\:"/]/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 100);
}

export interface JqlContext {
  projectKey: string;
  flaggedField: string;
  /** The assignee already resolved to an Atlassian account id (Cloud JQL accepts no display names). */
  assigneeAccountId?: string;
}

/**
 * Builds JQL from a structured query only. Every string is a quoted literal, every enum and
 * number is validated, and the project always comes from settings, so model-chosen arguments
 * can narrow a search but never escape the project or inject clauses.
 */
export function buildSearchJql(query: IssueQuery, ctx: JqlContext): string {
  if (!projectKeyPattern.test(ctx.projectKey)) throw badRequest(`invalid Jira project key ${ctx.projectKey}`);
  const clauses = [`project = ${jqlString(ctx.projectKey)}`];
  if (query.text !== undefined) {
    const text = jqlText(query.text);
    if (text !== "") clauses.push(`text ~ ${jqlString(text)}`);
  }
  if (query.statusCategory !== undefined) {
    const name = statusCategoryNames[query.statusCategory];
    if (!Object.hasOwn(statusCategoryNames, query.statusCategory)) {
      throw badRequest(`unknown status category ${String(query.statusCategory)}`, "That status category is not known.");
    }
    clauses.push(`statusCategory = ${jqlString(name)}`);
  }
  if (query.status !== undefined && query.status.trim() !== "") {
    clauses.push(`status = ${jqlString(query.status.trim().slice(0, 100))}`);
  }
  if (query.assignee !== undefined) {
    if (ctx.assigneeAccountId === undefined) throw badRequest("assignee was not resolved to an account id");
    if (!accountIdPattern.test(ctx.assigneeAccountId)) throw badRequest("invalid Jira account id");
    clauses.push(`assignee = ${jqlString(ctx.assigneeAccountId)}`);
  }
  if (query.type !== undefined && query.type.trim() !== "") {
    clauses.push(`issuetype = ${jqlString(query.type.trim().slice(0, 60))}`);
  }
  const labels = (query.labels ?? []).map((l) => l.trim()).filter((l) => l !== "");
  if (labels.length > 0) {
    if (labels.length > 20) throw badRequest("too many labels in one search", "Search for at most 20 labels at once.");
    clauses.push(`labels in (${labels.map((l) => jqlString(l.slice(0, 255))).join(", ")})`);
  }
  if (query.flagged !== undefined) {
    if (!customFieldPattern.test(ctx.flaggedField)) throw badRequest(`invalid flagged field ${ctx.flaggedField}`);
    const cf = `cf[${ctx.flaggedField.slice("customfield_".length)}]`;
    clauses.push(query.flagged ? `${cf} is not EMPTY` : `${cf} is EMPTY`);
  }
  if (query.sprintId !== undefined) {
    if (!Number.isSafeInteger(query.sprintId) || query.sprintId <= 0) throw badRequest("invalid sprint id");
    clauses.push(`sprint = ${query.sprintId}`);
  }
  if (query.updatedWithinDays !== undefined) {
    const days = query.updatedWithinDays;
    if (!Number.isInteger(days) || days < 1 || days > 365) {
      throw badRequest("updatedWithinDays must be 1..365", "Pick a period between 1 and 365 days.");
    }
    clauses.push(`updated >= -${days}d`);
  }
  return `${clauses.join(" AND ")} ORDER BY updated DESC`;
}

/** jira.js 6 errors: ApiError carries `status`; RateLimitError carries `retryAfterMs` (headers are not kept). */
export function classifyJiraError(error: unknown): UpstreamFailure {
  const failure = classifyHttpError(error);
  const retryAfterMs = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  if (failure.retryAfterMs === undefined && typeof retryAfterMs === "number" && Number.isFinite(retryAfterMs)) {
    return { ...failure, retryAfterMs };
  }
  return failure;
}

/** The label (and issue property value) that marks a write made for one approval. */
export function approvalMarker(idempotencyKey: string): string {
  const safe = idempotencyKey.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 200);
  if (safe === "") throw badRequest("empty idempotency key");
  return `daybook-approval-${safe}`;
}

/**
 * Jira answers a write it will not accept with 400 and field-level reasons
 * (`{"errorMessages":[],"errors":{"issuetype":"Specify a valid issue type"}}`). Those are
 * Jira's own validation texts, safe and useful to the person who approved the write, so they
 * are added to the chat message, shortened; nothing else of the body is.
 */
export function rejectionDetail(error: unknown): string | undefined {
  let cursor: unknown = error;
  for (let depth = 0; depth < 4 && cursor && typeof cursor === "object"; depth++) {
    const e = cursor as { status?: unknown; body?: unknown; cause?: unknown };
    if (e.status === 400 && e.body && typeof e.body === "object") {
      const body = e.body as { errorMessages?: unknown; errors?: unknown };
      const parts: string[] = [];
      if (Array.isArray(body.errorMessages)) {
        for (const m of body.errorMessages) if (typeof m === "string") parts.push(m);
      }
      if (body.errors && typeof body.errors === "object") {
        for (const [field, m] of Object.entries(body.errors)) if (typeof m === "string") parts.push(`${field}: ${m}`);
      }
      const text = parts.join("; ").replace(/\s+/g, " ").trim();
      if (text === "") return undefined;
      return text.length > 200 ? `${text.slice(0, 199)}…` : text;
    }
    cursor = e.cause;
  }
  return undefined;
}

async function withRejectionDetail<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const detail = rejectionDetail(error);
    if (!(error instanceof DaybookError) || detail === undefined) throw error;
    throw new DaybookError(error.code, error.message, {
      userMessage: `Jira did not ${what}: ${detail}`,
      cause: error,
      ...(error.details ? { details: error.details } : {}),
    });
  }
}

function hashKey(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 24);
}

/**
 * The real Jira Cloud connector over jira.js 6 (fetch transport). Every request goes through
 * resilientCall (timeout, bounded retries, Retry-After); reads go through the Store-backed
 * ReadCache; writes are guarded against duplicates because Jira has no idempotency header.
 */
export function createJiraCloudPort(settings: JiraCloudSettings, deps: JiraCloudDeps): JiraPort {
  validateSettings(settings);
  const baseUrl = settings.baseUrl.replace(/\/+$/, "");
  const flaggedField = settings.flaggedField ?? "customfield_10021";
  const logger = deps.logger.child({ system: SYSTEM });
  const normalize: NormalizeOptions = { baseUrl, storyPointsField: settings.storyPointsField, flaggedField };
  const cache = new ReadCache(deps.store, {
    system: "jira",
    ...(deps.cacheTtlMs !== undefined ? { ttlMs: deps.cacheTtlMs } : {}),
  });

  // One transport for both surfaces (one credential set). jira.js retries are left off
  // (maxAttempts 1 is its default) so resilientCall is the only retry loop.
  let transport: ReturnType<typeof createClient>;
  try {
    transport = createClient({
      host: baseUrl,
      auth: { type: "basic", email: settings.email, apiToken: settings.apiToken },
      // Tenants legitimately differ from jira.js's schemas (custom fields, new enum values): the
      // body is still returned, so note it at debug level instead of printing to stderr.
      onSchemaMismatch: (report) =>
        logger.debug("jira response differs from the jira.js schema", { endpoint: report.endpoint }),
    });
  } catch {
    // jira.js validates its config with zod (a stricter email check than ours); its error would
    // echo the config, so only the variable names are reported.
    throw new DaybookError("config_invalid", "Jira settings invalid: check JIRA_BASE_URL and JIRA_EMAIL");
  }
  const jira: CloudClient = createCloudClient(transport);
  const agile: AgileClient = createAgileClient(transport);

  const fields = [
    "summary",
    "status",
    "issuetype",
    "assignee",
    "priority",
    "labels",
    flaggedField,
    "issuelinks",
    "created",
    "updated",
    "resolutiondate",
    "duedate",
    "statuscategorychangedate",
    settings.storyPointsField,
  ];

  const limiter = deps.limiter ?? sharedLimiter(`jira:${baseUrl}`, jiraLimits);
  const call = <T>(operation: string, op: () => Promise<T>): Promise<T> =>
    resilientCall(
      operation,
      // jira.js 6 takes no AbortSignal; resilientCall's timer still bounds the wait, and the
      // abandoned fetch is left to finish or fail on its own.
      () => op(),
      {
        system: SYSTEM,
        credentialHint: CREDENTIAL_HINT,
        logger,
        ...(deps.policy ? { policy: deps.policy } : {}),
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
        now: () => deps.clock.now(),
        limiter,
        ...(deps.upstream ? { upstream: deps.upstream } : {}),
      },
      classifyJiraError,
    );

  const searchPage = async (jql: string, maxResults: number, nextPageToken?: string, pageFields = fields) => {
    const result = await call("search", () =>
      jira.issueSearch.searchAndReconsileIssuesUsingJqlPost({
        jql,
        fields: pageFields,
        maxResults,
        ...(nextPageToken ? { nextPageToken } : {}),
      }),
    );
    const next =
      typeof result.nextPageToken === "string" && result.nextPageToken !== "" ? result.nextPageToken : undefined;
    return { issues: (result.issues ?? []) as unknown[], next };
  };

  const resolveAccountId = async (assignee: string): Promise<string | undefined> => {
    const name = assignee.trim();
    if (accountIdShape.test(name)) return name;
    const found = await cache.get(`user:${hashKey(name.toLowerCase())}`, async () => {
      const users = await call("find user", () =>
        jira.userSearch.findUsers({ query: name.slice(0, 100), maxResults: 10 }),
      );
      const people = users.filter(
        (u) => u.accountType !== "app" && u.active !== false && typeof u.accountId === "string",
      );
      const exact = people.find((u) => u.displayName?.toLowerCase() === name.toLowerCase());
      return { accountId: (exact ?? people[0])?.accountId ?? null };
    });
    return found.accountId ?? undefined;
  };

  const resolveBoardId = async (): Promise<number | undefined> => {
    if (settings.boardId !== undefined) return settings.boardId;
    const found = await cache.get(`board:${settings.projectKey}`, async () => {
      const boards = await call("find board", () =>
        agile.board.getAllBoards({ projectKeyOrId: settings.projectKey, type: "scrum", maxResults: 1 }),
      );
      return { id: boards.values?.[0]?.id ?? null };
    });
    return found.id ?? undefined;
  };

  const markerKey = (kind: string, marker: string) => `jira:write:${kind}:${marker}`;

  /**
   * Jira has no Idempotency-Key header. The approval id travels as a label (searchable) and
   * an issue property; each attempt first looks for it, so a retry after a lost response
   * finds the issue instead of creating a second one. The search index can lag a write by a
   * few seconds, so the Store marker is the first line of defence.
   */
  async function createMarked(
    kind: string,
    marker: string,
    options: WriteOptions,
    issueFields: Record<string, unknown>,
  ): Promise<{ key: string; url: string }> {
    const created = await withRejectionDetail("create the issue", () =>
      call("create issue", async () => {
        const existing = await jira.issueSearch.searchAndReconsileIssuesUsingJqlPost({
          jql: `project = ${jqlString(settings.projectKey)} AND labels = ${jqlString(marker)}`,
          fields: ["summary"],
          maxResults: 1,
        });
        const found = existing.issues?.[0]?.key;
        if (found) return { key: found };
        const result = await jira.issues.createIssue({
          // jira.js types `fields` as its known fields plus an index signature for custom ones.
          fields: issueFields as Parameters<typeof jira.issues.createIssue>[0]["fields"],
          properties: [{ key: "daybook", value: { approvalId: options.idempotencyKey } }],
        });
        if (!result.key) throw new DaybookError("upstream_error", "Jira created an issue but returned no key");
        return { key: result.key };
      }),
    );
    const out = { key: created.key, url: `${baseUrl}/browse/${created.key}` };
    await deps.store.set(markerKey(kind, marker), JSON.stringify(out), { ttlMs: WRITE_MARKER_TTL_MS });
    await cache.invalidate();
    return out;
  }

  return {
    async getActiveSprint(): Promise<Sprint | undefined> {
      const boardId = await resolveBoardId();
      if (boardId === undefined) {
        throw new DaybookError("not_found", `no scrum board for Jira project ${settings.projectKey}`, {
          userMessage: `Jira has no scrum board for project ${settings.projectKey}; set JIRA_BOARD_ID.`,
        });
      }
      // ReadCache stores JSON: wrap so "no active sprint" is cacheable too.
      const cached = await cache.get(`sprint:active:${boardId}`, async () => {
        const page = await call("active sprint", () =>
          agile.board.getAllSprints({ boardId, state: "active", maxResults: 10 }),
        );
        const active = (page.values ?? []).map(normalizeSprint).filter((s) => s.state === "active");
        // Parallel sprints are possible; report the most recently started one.
        active.sort((a, b) => (b.startDate ?? "").localeCompare(a.startDate ?? ""));
        return { sprint: active[0] ?? null };
      });
      return cached.sprint ?? undefined;
    },

    async listClosedSprints(limit: number): Promise<Sprint[]> {
      const boardId = await resolveBoardId();
      if (boardId === undefined) return [];
      const cached = await cache.get(`sprint:closed:${boardId}`, async () => {
        // Jira lists a board's sprints oldest first and pages by startAt; the newest are last.
        const all: Sprint[] = [];
        for (let startAt = 0, page = 0; page < 20; page++) {
          const res = await call("closed sprints", () =>
            agile.board.getAllSprints({ boardId, state: "closed", startAt, maxResults: 50 }),
          );
          const values = (res.values ?? []).map(normalizeSprint);
          all.push(...values);
          if (res.isLast !== false || values.length === 0) break;
          startAt += values.length;
        }
        all.sort((a, b) => (a.endDate ?? "").localeCompare(b.endDate ?? ""));
        return { sprints: all };
      });
      return cached.sprints.slice(-Math.max(0, limit));
    },

    async getSprintIssues(sprintId: number): Promise<Listing<JiraIssue>> {
      if (!Number.isSafeInteger(sprintId) || sprintId <= 0) throw badRequest("invalid sprint id");
      // The enhanced JQL search pages with nextPageToken and returns the same fields as any
      // search, so sprint issues need no second code path (the Agile sprint/issue endpoint
      // still pages by startAt).
      const jql = `project = ${jqlString(settings.projectKey)} AND sprint = ${sprintId} ORDER BY Rank ASC`;
      const cached = await cache.get(`sprint:${sprintId}:issues`, async () => {
        const issues: JiraIssue[] = [];
        let token: string | undefined;
        do {
          const page = await searchPage(jql, Math.min(FULL_PAGE, MAX_SPRINT_ISSUES - issues.length), token);
          for (const raw of page.issues) issues.push(normalizeIssue(raw, normalize));
          token = page.next;
          if (issues.length >= MAX_SPRINT_ISSUES && token) {
            logger.warn("sprint listing truncated", { sprintId, max: MAX_SPRINT_ISSUES });
            return toCached(truncatedListing(issues, { shown: issues.length, what: "sprint issues" }));
          }
        } while (token);
        return toCached(issues);
      });
      return fromCached(cached);
    },

    async searchIssues(query: IssueQuery): Promise<Page<JiraIssue>> {
      const limit = Math.min(PAGE_SIZE, Math.max(1, Math.floor(query.limit ?? 25)));
      let assigneeAccountId: string | undefined;
      if (query.assignee !== undefined && query.assignee.trim() !== "") {
        assigneeAccountId = await resolveAccountId(query.assignee);
        if (assigneeAccountId === undefined) return { items: [] };
      }
      const { assignee: _ignored, ...rest } = query;
      const jql = buildSearchJql(
        assigneeAccountId === undefined ? rest : query,
        assigneeAccountId === undefined
          ? { projectKey: settings.projectKey, flaggedField }
          : { projectKey: settings.projectKey, flaggedField, assigneeAccountId },
      );
      return cache.get(`search:${hashKey({ jql, limit, cursor: query.cursor ?? null })}`, async () => {
        const page = await searchPage(jql, limit, query.cursor);
        const items = page.issues.map((raw) => normalizeIssue(raw, normalize));
        return page.next ? { items, next: page.next } : { items };
      });
    },

    async getIssue(key: string): Promise<JiraIssueDetail> {
      const issueKey = key.trim().toUpperCase();
      if (!issueKeyPattern.test(issueKey))
        throw badRequest(`invalid issue key`, "That is not a Jira issue key (like PROJ-123).");
      return cache.get(`issue:${issueKey}`, async () => {
        const raw = await call("get issue", () =>
          jira.issues.getIssue({
            issueIdOrKey: issueKey,
            fields: [...fields, "description", "comment"],
            // One issue's changelog is cheap and gives the exact time it entered its status.
            expand: "changelog",
          }),
        );
        return normalizeIssueDetail(raw, normalize);
      });
    },

    async createIssue(input: NewJiraIssue, options: WriteOptions): Promise<{ key: string; url: string }> {
      const marker = approvalMarker(options.idempotencyKey);
      const done = await deps.store.get(markerKey("issue", marker));
      if (done !== undefined) return JSON.parse(done) as { key: string; url: string };
      const summary = input.summary.replace(/\s+/g, " ").trim().slice(0, 255);
      if (summary === "") throw badRequest("empty summary", "A Jira issue needs a summary.");
      let assignee: { accountId: string } | undefined;
      if (input.assignee !== undefined && input.assignee.trim() !== "") {
        const accountId = await resolveAccountId(input.assignee);
        if (accountId === undefined) {
          throw new DaybookError("not_found", "no Jira user matches the requested assignee", {
            userMessage: `Jira has no user matching "${input.assignee.slice(0, 60)}"; the issue was not created.`,
          });
        }
        assignee = { accountId };
      }
      const labels = [...new Set([...(input.labels ?? []).map((l) => l.replace(/\s+/g, "-")), marker])];
      const out = await createMarked("issue", marker, options, {
        project: { key: settings.projectKey },
        summary,
        issuetype: { name: input.type },
        labels,
        ...(input.description ? { description: textToAdf(input.description.slice(0, 30_000)) } : {}),
        ...(input.priority ? { priority: { name: input.priority } } : {}),
        ...(assignee ? { assignee } : {}),
        ...(input.dueDate ? { duedate: input.dueDate } : {}),
        ...(input.storyPoints !== undefined ? { [settings.storyPointsField]: input.storyPoints } : {}),
      });
      logger.info("jira issue created", { key: out.key, approval: options.idempotencyKey });
      return out;
    },

    async createSubtask(parentKey: string, input: NewJiraSubtask, options: WriteOptions) {
      const parent = parentKey.trim().toUpperCase();
      if (!issueKeyPattern.test(parent))
        throw badRequest(`invalid issue key`, "That is not a Jira issue key (like PROJ-123).");
      const marker = approvalMarker(options.idempotencyKey);
      const done = await deps.store.get(markerKey(`subtask:${parent}`, marker));
      if (done !== undefined) return JSON.parse(done) as { key: string; url: string };
      const summary = input.summary.replace(/\s+/g, " ").trim().slice(0, 255);
      if (summary === "") throw badRequest("empty summary", "A Jira sub-task needs a summary.");
      // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-post
      // "parent" links a sub-task to its issue; time tracking takes Jira's "2d 4h" notation.
      const out = await createMarked(`subtask:${parent}`, marker, options, {
        project: { key: settings.projectKey },
        parent: { key: parent },
        summary,
        issuetype: { name: settings.subtaskType ?? "Subtask" },
        labels: [marker],
        ...(input.description ? { description: textToAdf(input.description.slice(0, 30_000)) } : {}),
        ...(input.estimate ? { timetracking: { originalEstimate: input.estimate } } : {}),
      });
      logger.info("jira sub-task created", { key: out.key, parent, approval: options.idempotencyKey });
      return out;
    },

    async addComment(key: string, body: string, options: WriteOptions): Promise<{ id: string }> {
      const issueKey = key.trim().toUpperCase();
      if (!issueKeyPattern.test(issueKey))
        throw badRequest(`invalid issue key`, "That is not a Jira issue key (like PROJ-123).");
      const marker = approvalMarker(options.idempotencyKey);
      const done = await deps.store.get(markerKey(`comment:${issueKey}`, marker));
      if (done !== undefined) return JSON.parse(done) as { id: string };
      const text = body.trim().slice(0, 30_000);
      if (text === "") throw badRequest("empty comment", "A comment needs some text.");
      // Comments have no labels and Jira returns no comment properties in listings, so the
      // approval id is also written as a short visible footer (an audit trail for readers, too)
      // that the guard finds in the newest comments; comment listings are not search-indexed,
      // so this check is read-after-write consistent.
      const footer = `Posted by daybook (${marker})`;
      const created = await withRejectionDetail("add the comment", () =>
        call("add comment", async () => {
          const recent = await jira.issueComments.getComments({
            issueIdOrKey: issueKey,
            orderBy: "-created",
            maxResults: 50,
          });
          const existing = (recent.comments ?? []).find((c) => adfToText(c.body, 100_000).includes(marker));
          if (existing?.id) return { id: String(existing.id) };
          const doc = textToAdf(`${text}\n${footer}`);
          const result = await jira.issueComments.addComment({
            issueIdOrKey: issueKey,
            body: doc,
            properties: [{ key: "daybook", value: { approvalId: options.idempotencyKey } }],
          });
          return { id: String(result.id ?? "") };
        }),
      );
      await deps.store.set(markerKey(`comment:${issueKey}`, marker), JSON.stringify(created), {
        ttlMs: WRITE_MARKER_TTL_MS,
      });
      await cache.invalidate();
      logger.info("jira comment added", { key: issueKey, approval: options.idempotencyKey });
      return created;
    },
  };
}
