import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "../src/core/clock.ts";
import type { JiraPort } from "../src/core/domain/jira.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createJiraCloudPort } from "../tools/jira/jira-cloud.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";
import { type PrismServer, parseStringExamples, specPath, startPrism } from "./support/prism.ts";

/*
 * The real jira.js 6 client against Prism mock servers built from Atlassian's own OpenAPI
 * documents. Prism runs with --errors, so any request the spec does not allow (wrong path,
 * parameter, body shape, missing credentials) comes back 4xx/422 and the call under test fails.
 * A recording pass-through in front of Prism lets the tests assert what was sent.
 */

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI documents are arbitrary JSON.
type Doc = Record<string, any>;

function operations(doc: Doc): Doc[] {
  const ops: Doc[] = [];
  for (const item of Object.values(doc.paths ?? {}) as Doc[]) {
    for (const method of ["get", "post", "put", "delete", "patch"]) if (item[method]) ops.push(item[method]);
  }
  return ops;
}

/** Platform ops list `{}` (anonymous) among their security options; drop it so Prism demands credentials. */
function requireCredentials(doc: Doc): void {
  for (const op of operations(doc)) {
    if (Array.isArray(op.security)) op.security = op.security.filter((s: Doc) => Object.keys(s).length > 0);
  }
}

/**
 * The search answer gets a second named example, an empty project, chosen per request with
 * Prism's `Prefer: example=empty` header: the create guard's search then finds nothing and the
 * create request is sent, without a second 2.4 MB Prism.
 */
function patchPlatform(doc: Doc): void {
  parseStringExamples(doc);
  requireCredentials(doc);
  const search = doc.paths["/rest/api/3/search/jql"].post.responses["200"].content["application/json"];
  search.examples = { vendor: { value: search.example }, empty: { value: { issues: [], isLast: true } } };
  delete search.example;
  // The vendor's example users are deactivated; daybook only assigns to active people.
  const users = doc.paths["/rest/api/3/user/search"].get.responses["200"].content["application/json"];
  for (const user of users.example) user.active = true;
}

/** The Agile spec declares only OAuth2; daybook uses API-token basic auth (specs/README quirk). */
function patchSoftware(doc: Doc): void {
  parseStringExamples(doc);
  doc.components.securitySchemes.basicAuth = { type: "http", scheme: "basic" };
  for (const op of operations(doc)) op.security = [{ basicAuth: [] }];
  // The vendor example lists a closed and a future sprint; make the second one the active sprint.
  const sprints = doc.paths["/rest/agile/1.0/board/{boardId}/sprint"].get.responses["200"].content["application/json"];
  sprints.example.values[1].state = "active";
  sprints.example.values[1].startDate = "2026-11-16T09:00:00.000Z";
}

async function startRecordingProxy(
  platform: PrismServer,
  software: PrismServer,
  options: { emptyProject?: boolean } = {},
) {
  return startFakeServer(async (req) => {
    const target = req.path.startsWith("/rest/agile/") ? software.url : platform.url;
    const headers: Record<string, string> = {};
    if (options.emptyProject && req.path.startsWith("/rest/api/3/search/jql")) headers.prefer = "example=empty";
    for (const name of ["authorization", "content-type", "accept"]) {
      const value = req.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    const res = await fetch(target + req.path, {
      method: req.method,
      headers,
      ...(req.body !== "" ? { body: req.body } : {}),
    });
    return {
      status: res.status,
      headers: { "content-type": res.headers.get("content-type") ?? "application/json" },
      body: await res.text(),
    };
  });
}

const settings = {
  email: "bot@example.com",
  apiToken: "contract-test-token",
  projectKey: "ED",
  boardId: 7,
  storyPointsField: "customfield_10016",
  flaggedField: "customfield_10021",
};

// biome-ignore lint/suspicious/noExplicitAny: request bodies are checked field by field.
const jsonBody = (r: RecordedRequest) => JSON.parse(r.body) as Record<string, any>;

describe("Jira connector against Atlassian's OpenAPI specs (Prism)", () => {
  let platform: PrismServer;
  let software: PrismServer;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let emptyProxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let jira: JiraPort;
  let emptyJira: JiraPort;

  beforeAll(async () => {
    [platform, software] = await Promise.all([
      startPrism({ spec: specPath("jira/platform.v3.json"), patch: patchPlatform }),
      startPrism({ spec: specPath("jira/software.v3.json"), patch: patchSoftware }),
    ]);
    console.info(`prism startup: platform ${platform.startupMs} ms, software ${software.startupMs} ms`);
    proxy = await startRecordingProxy(platform, software);
    emptyProxy = await startRecordingProxy(platform, software, { emptyProject: true });
    const deps = () => ({
      store: new MemoryStore(),
      clock: fixedClock("2026-11-23T09:00:00Z"),
      logger: silentLogger,
      policy: { maxRetries: 0, timeoutMs: 10_000 },
    });
    jira = createJiraCloudPort({ ...settings, baseUrl: proxy.url }, deps());
    emptyJira = createJiraCloudPort({ ...settings, baseUrl: emptyProxy.url }, deps());
  }, 120_000);

  afterAll(async () => {
    await Promise.all([proxy?.close(), emptyProxy?.close()]);
    await Promise.all([platform?.close(), software?.close()]);
  });

  beforeEach(() => {
    proxy.requests.length = 0;
    emptyProxy.requests.length = 0;
  });

  const requestsTo = (server: { requests: RecordedRequest[] }, method: string, pathPrefix: string) =>
    server.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));

  it("is served by a Prism that refuses requests without credentials and bodies the spec does not allow", async () => {
    const anonymous = await fetch(`${proxy.url}/rest/api/3/search/jql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jql: "project = ED" }),
    });
    expect(anonymous.status).toBe(401);
    const malformed = await fetch(`${proxy.url}/rest/api/3/search/jql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Basic Ym90OnRva2Vu" },
      body: JSON.stringify({ jql: "project = ED", maxResults: "many" }),
    });
    // Prism answers a schema violation with the operation's documented 400 when there is one, else 422.
    expect([400, 422]).toContain(malformed.status);
  });

  it("searches through POST /rest/api/3/search/jql asking only for the fields daybook reads", async () => {
    const page = await jira.searchIssues({ statusCategory: "in_progress", labels: ["backend"], limit: 10 });
    expect(page.items.map((i) => i.key)).toEqual(["ED-1"]);
    expect(page.items[0]?.url).toBe(`${proxy.url}/browse/ED-1`);

    const [sent] = requestsTo(proxy, "POST", "/rest/api/3/search/jql");
    expect(sent?.headers.authorization).toMatch(/^Basic /);
    const body = jsonBody(sent as RecordedRequest);
    expect(body.jql).toBe(
      'project = "ED" AND statusCategory = "In Progress" AND labels in ("backend") ORDER BY updated DESC',
    );
    expect(body.maxResults).toBe(10);
    expect(body.fields).toEqual(
      expect.arrayContaining([
        "summary",
        "status",
        "issuetype",
        "assignee",
        "priority",
        "labels",
        "customfield_10021",
        "issuelinks",
        "created",
        "updated",
        "resolutiondate",
        "duedate",
        "statuscategorychangedate",
        "customfield_10016",
      ]),
    );
    expect(body.fields).not.toContain("*all");
    expect(body.fields).toHaveLength(14);
  });

  it("reads the board's active sprint from the Agile API and its issues through the JQL search", async () => {
    const sprint = await jira.getActiveSprint();
    expect(sprint).toMatchObject({ id: 72, name: "sprint 2", state: "active" });
    const [sprintCall] = requestsTo(proxy, "GET", "/rest/agile/1.0/board/7/sprint");
    expect(sprintCall?.path).toContain("state=active");
    expect(sprintCall?.headers.authorization).toMatch(/^Basic /);

    const issues = await jira.getSprintIssues(72);
    expect(issues.map((i) => i.key)).toEqual(["ED-1"]);
    const sprintSearch = requestsTo(proxy, "POST", "/rest/api/3/search/jql").find((r) =>
      r.body.includes("sprint = 72"),
    );
    expect(jsonBody(sprintSearch as RecordedRequest).jql).toBe('project = "ED" AND sprint = 72 ORDER BY Rank ASC');
  });

  it("finds the project's scrum board when JIRA_BOARD_ID is not set", async () => {
    const { boardId: _unset, ...withoutBoard } = settings;
    const noBoard = createJiraCloudPort(
      { ...withoutBoard, baseUrl: proxy.url },
      { store: new MemoryStore(), clock: fixedClock("2026-11-23T09:00:00Z"), logger: silentLogger },
    );
    await noBoard.getActiveSprint();
    const [lookup] = requestsTo(proxy, "GET", "/rest/agile/1.0/board?");
    const url = new URL(lookup?.path ?? "", proxy.url);
    expect(url.searchParams.get("projectKeyOrId")).toBe("ED");
    expect(url.searchParams.get("type")).toBe("scrum");
    expect(requestsTo(proxy, "GET", "/rest/agile/1.0/board/84/sprint")).toHaveLength(1);
  });

  it("turns an assignee's name into an account id through the user search before searching issues", async () => {
    await jira.searchIssues({ assignee: "Emma Richards" });
    const [lookup] = requestsTo(proxy, "GET", "/rest/api/3/user/search");
    expect(new URL(lookup?.path ?? "", proxy.url).searchParams.get("query")).toBe("Emma Richards");
    const [search] = requestsTo(proxy, "POST", "/rest/api/3/search/jql");
    expect(jsonBody(search as RecordedRequest).jql).toBe(
      'project = "ED" AND assignee = "5b10ac8d82e05b22cc7d4ef5" ORDER BY updated DESC',
    );
  });

  it("reads one issue with its fields, comments and changelog", async () => {
    const issue = await jira.getIssue("ED-1");
    expect(issue.summary).not.toBe("");
    expect(Array.isArray(issue.comments)).toBe(true);
    const [sent] = requestsTo(proxy, "GET", "/rest/api/3/issue/ED-1");
    const url = new URL(sent?.path ?? "", proxy.url);
    expect(url.searchParams.getAll("fields")).toEqual(expect.arrayContaining(["summary", "description", "comment"]));
    expect(url.searchParams.get("expand")).toBe("changelog");
  });

  it("creates an issue with an ADF description, the approval label and a daybook issue property", async () => {
    const created = await emptyJira.createIssue(
      {
        summary: "Renew AWS credentials for deploys",
        type: "Task",
        description: "Deploys fail.\nKeys expired.",
        priority: "High",
      },
      { idempotencyKey: "apr_123" },
    );
    expect(created).toEqual({ key: "ED-24", url: `${emptyProxy.url}/browse/ED-24` });

    const [guard] = requestsTo(emptyProxy, "POST", "/rest/api/3/search/jql");
    expect(jsonBody(guard as RecordedRequest).jql).toBe('project = "ED" AND labels = "daybook-approval-apr_123"');
    const [sent] = requestsTo(emptyProxy, "POST", "/rest/api/3/issue");
    const body = jsonBody(sent as RecordedRequest);
    expect(body.fields).toMatchObject({
      project: { key: "ED" },
      summary: "Renew AWS credentials for deploys",
      issuetype: { name: "Task" },
      priority: { name: "High" },
      labels: ["daybook-approval-apr_123"],
      description: {
        type: "doc",
        version: 1,
        content: [
          { type: "paragraph", content: [{ type: "text", text: "Deploys fail." }] },
          { type: "paragraph", content: [{ type: "text", text: "Keys expired." }] },
        ],
      },
    });
    expect(body.properties).toEqual([{ key: "daybook", value: { approvalId: "apr_123" } }]);
  });

  it("adds an ADF comment after checking the newest comments for the same approval", async () => {
    const added = await jira.addComment("ED-1", "Blocked on the API spec from Backend.", { idempotencyKey: "apr_456" });
    expect(added.id).toBe("10000");

    const [guard] = requestsTo(proxy, "GET", "/rest/api/3/issue/ED-1/comment");
    expect(guard?.path).toContain("orderBy=-created");
    const [sent] = requestsTo(proxy, "POST", "/rest/api/3/issue/ED-1/comment");
    const body = jsonBody(sent as RecordedRequest);
    expect(body.body.type).toBe("doc");
    expect(JSON.stringify(body.body)).toContain("Blocked on the API spec from Backend.");
    expect(JSON.stringify(body.body)).toContain("daybook-approval-apr_456");
    expect(body.properties).toEqual([{ key: "daybook", value: { approvalId: "apr_456" } }]);
  });
});
