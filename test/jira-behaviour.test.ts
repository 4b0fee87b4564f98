import { afterEach, describe, expect, it } from "vitest";
import { fixedClock } from "../src/core/clock.ts";
import { DaybookError } from "../src/core/errors.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { Store } from "../src/core/store.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import {
  buildSearchJql,
  createJiraCloudPort,
  type JiraCloudDeps,
  jiraSettingsFromEnv,
} from "../tools/jira/jira-cloud.ts";
import type { RetryPolicy } from "../tools/shared/resilience.ts";
import { type FakeHandler, type RecordedRequest, startFakeServer } from "./support/http.ts";
import { connectTestRedis, redisSkipReason } from "./support/redis.ts";

/*
 * Protocol behaviour Prism cannot script (it is stateless): paging, 429 + Retry-After,
 * exhausted 5xx, timeouts, refused credentials, caching and duplicate-safe writes, all
 * through the real jira.js client against a local fake Jira.
 */

const TOKEN = "sekret-api-token-123";

function rawIssue(key: string, extra: Record<string, unknown> = {}) {
  return {
    id: key.replace(/\D/g, ""),
    key,
    fields: {
      summary: `Work item ${key}`,
      status: { name: "In Progress", statusCategory: { key: "indeterminate", name: "In Progress" } },
      issuetype: { name: "Story" },
      labels: [],
      created: "2026-11-16T09:00:00.000+0000",
      updated: "2026-11-22T09:00:00.000+0000",
      customfield_10016: 3,
      ...extra,
    },
  };
}

type Fake = Awaited<ReturnType<typeof startFakeServer>>;
const fakes: Fake[] = [];

afterEach(async () => {
  for (const fake of fakes.splice(0)) {
    // Requests abandoned by a timeout keep their sockets open; cut them so close() returns.
    fake.server.closeAllConnections();
    await fake.close();
  }
});

async function setup(handler: FakeHandler, options: { policy?: Partial<RetryPolicy>; store?: Store } = {}) {
  const fake = await startFakeServer(handler);
  fakes.push(fake);
  const delays: number[] = [];
  const deps: JiraCloudDeps = {
    store: options.store ?? new MemoryStore(),
    clock: fixedClock("2026-11-23T09:00:00Z"),
    logger: silentLogger,
    policy: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000, ...options.policy },
    sleep: async (ms) => {
      delays.push(ms);
    },
  };
  const jira = createJiraCloudPort(
    {
      baseUrl: fake.url,
      email: "bot@example.com",
      apiToken: TOKEN,
      projectKey: "DAY",
      boardId: 3,
      storyPointsField: "customfield_10016",
    },
    deps,
  );
  return { jira, fake, delays };
}

const searches = (fake: Fake) =>
  fake.requests.filter((r) => r.method === "POST" && r.path === "/rest/api/3/search/jql");
const body = (r: RecordedRequest | undefined) => JSON.parse(r?.body ?? "{}") as Record<string, unknown>;

async function failure(promise: Promise<unknown>): Promise<DaybookError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DaybookError);
    return error as DaybookError;
  }
  throw new Error("expected the call to fail");
}

describe("Jira connector behaviour against a scripted fake", () => {
  it("follows nextPageToken across three pages of sprint issues", async () => {
    const pages: Record<string, { issues: unknown[]; nextPageToken?: string }> = {
      first: { issues: [rawIssue("DAY-1"), rawIssue("DAY-2")], nextPageToken: "tok-2" },
      "tok-2": { issues: [rawIssue("DAY-3"), rawIssue("DAY-4")], nextPageToken: "tok-3" },
      "tok-3": { issues: [rawIssue("DAY-5")] },
    };
    const { jira, fake } = await setup((req) => {
      const token = (JSON.parse(req.body) as { nextPageToken?: string }).nextPageToken ?? "first";
      return { body: { ...pages[token], isLast: pages[token]?.nextPageToken === undefined } };
    });

    const issues = await jira.getSprintIssues(42);

    expect(issues.map((i) => i.key)).toEqual(["DAY-1", "DAY-2", "DAY-3", "DAY-4", "DAY-5"]);
    expect(searches(fake).map((r) => body(r).nextPageToken)).toEqual([undefined, "tok-2", "tok-3"]);
    expect(body(searches(fake)[0]).jql).toBe('project = "DAY" AND sprint = 42 ORDER BY Rank ASC');
  });

  it("waits as long as Retry-After says on 429 and then succeeds", async () => {
    let calls = 0;
    const { jira, delays } = await setup(() => {
      calls++;
      if (calls === 1) return { status: 429, headers: { "retry-after": "2" }, body: { errorMessages: ["Rate limit"] } };
      return { body: { issues: [rawIssue("DAY-9")], isLast: true } };
    });

    const page = await jira.searchIssues({ text: "login" });

    expect(page.items.map((i) => i.key)).toEqual(["DAY-9"]);
    expect(calls).toBe(2);
    expect(delays).toEqual([2_000]);
  });

  it("gives a readable error without stack or token when 5xx retries are exhausted", async () => {
    const { jira, fake, delays } = await setup(() => ({
      status: 503,
      body: { errorMessages: [`upstream exploded near ${TOKEN}`] },
    }));

    const error = await failure(jira.searchIssues({ statusCategory: "todo" }));

    expect(error.code).toBe("upstream_unavailable");
    expect(error.userMessage).toBe(
      "Jira is unavailable right now (HTTP 503 after 3 attempts); please try again later.",
    );
    expect(error.userMessage).not.toMatch(/at .*\.ts|Error:|sekret/);
    expect(error.message).not.toContain(TOKEN);
    expect(searches(fake)).toHaveLength(3);
    expect(delays).toHaveLength(2);
  });

  it("gives a readable timeout error when Jira does not answer in time", async () => {
    const { jira } = await setup(
      () => new Promise((resolve) => setTimeout(() => resolve({ body: { issues: [], isLast: true } }), 1_000)),
      { policy: { timeoutMs: 50, maxRetries: 1 } },
    );

    const error = await failure(jira.getIssue("DAY-1"));

    expect(error.code).toBe("timeout");
    expect(error.userMessage).toBe("Jira did not answer in time; please try again in a minute.");
  });

  it("names the credential variables when Jira refuses them, without retrying", async () => {
    const { jira, fake } = await setup(() => ({ status: 401, body: { errorMessages: ["Unauthorized"] } }));

    const error = await failure(jira.getActiveSprint());

    expect(error.userMessage).toBe(
      "Jira refused daybook's credentials; an administrator needs to check JIRA_EMAIL/JIRA_API_TOKEN.",
    );
    expect(error.userMessage).not.toContain(TOKEN);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from(`bot@example.com:${TOKEN}`).toString("base64")}`,
    );
  });

  it("answers a repeated read from the cache and re-reads after a write", async () => {
    const { jira, fake } = await setup((req) => {
      if (req.path === "/rest/api/3/issue" && req.method === "POST")
        return { status: 201, body: { id: "10", key: "DAY-10" } };
      return { body: { issues: [rawIssue("DAY-1")], isLast: true } };
    });

    await jira.searchIssues({ flagged: true });
    await jira.searchIssues({ flagged: true });
    expect(searches(fake)).toHaveLength(1);

    await jira.createIssue({ summary: "Follow up", type: "Task" }, { idempotencyKey: "apr-1" });
    const afterWrite = searches(fake).length;
    await jira.searchIssues({ flagged: true });
    expect(searches(fake)).toHaveLength(afterWrite + 1);
  });

  it("does not create a second issue when a retry follows a create whose response was lost", async () => {
    const created: string[] = [];
    const { jira, fake } = await setup((req) => {
      if (req.path === "/rest/api/3/issue" && req.method === "POST") {
        created.push(String((JSON.parse(req.body) as { fields: { labels: string[] } }).fields.labels));
        // Jira created the issue, but the answer never made it back.
        return { status: 502, body: { errorMessages: ["Bad gateway"] } };
      }
      const jql = String(body(req).jql);
      const hit = created.length > 0 && jql.includes('labels = "daybook-approval-apr-7"');
      return { body: { issues: hit ? [{ id: "11", key: "DAY-11", fields: {} }] : [], isLast: true } };
    });

    const result = await jira.createIssue({ summary: "Rotate AWS keys", type: "Task" }, { idempotencyKey: "apr-7" });

    expect(result.key).toBe("DAY-11");
    expect(created).toEqual(["daybook-approval-apr-7"]);
    const again = await jira.createIssue({ summary: "Rotate AWS keys", type: "Task" }, { idempotencyKey: "apr-7" });
    expect(again.key).toBe("DAY-11");
    expect(fake.requests.filter((r) => r.path === "/rest/api/3/issue")).toHaveLength(1);
  });

  it("finds its own earlier comment after a restart instead of posting it twice", async () => {
    const comments: { id: string; body: unknown }[] = [];
    const handler: FakeHandler = (req) => {
      if (req.method === "POST" && req.path === "/rest/api/3/issue/DAY-2/comment") {
        const id = String(100 + comments.length);
        comments.push({ id, body: (JSON.parse(req.body) as { body: unknown }).body });
        return { status: 201, body: { id, body: comments.at(-1)?.body } };
      }
      if (req.method === "GET" && req.path.startsWith("/rest/api/3/issue/DAY-2/comment")) {
        return { body: { comments, startAt: 0, maxResults: 50, total: comments.length } };
      }
      return { status: 404, body: {} };
    };
    const first = await setup(handler);
    const posted = await first.jira.addComment("DAY-2", "Spec arrives Tuesday.", { idempotencyKey: "apr-9" });

    // A fresh Store: the local marker is gone, as after a crash between the write and the marker.
    const second = await setup(handler);
    const again = await second.jira.addComment("DAY-2", "Spec arrives Tuesday.", { idempotencyKey: "apr-9" });

    expect(again).toEqual(posted);
    expect(comments).toHaveLength(1);
  });

  it("tells the approver why Jira refused a write, in Jira's own words and nothing more", async () => {
    const { jira, fake } = await setup((req) => {
      if (req.path === "/rest/api/3/issue") {
        return { status: 400, body: { errorMessages: [], errors: { issuetype: "Specify a valid issue type" } } };
      }
      return { body: { issues: [], isLast: true } };
    });

    const error = await failure(jira.createIssue({ summary: "Spike", type: "Story" }, { idempotencyKey: "apr-3" }));

    expect(error.userMessage).toBe("Jira did not create the issue: issuetype: Specify a valid issue type");
    expect(fake.requests.filter((r) => r.path === "/rest/api/3/issue")).toHaveLength(1);
  });

  it("resolves an assignee's display name to an account id before searching", async () => {
    const { jira, fake } = await setup((req) => {
      if (req.path.startsWith("/rest/api/3/user/search")) {
        return {
          body: [
            {
              accountId: "5b10a2844c20165700ede21f",
              displayName: "Maria Lopez",
              accountType: "atlassian",
              active: true,
            },
          ],
        };
      }
      return { body: { issues: [], isLast: true } };
    });

    await jira.searchIssues({ assignee: "Maria Lopez" });

    expect(fake.requests[0]?.path).toBe("/rest/api/3/user/search?query=Maria+Lopez&maxResults=10");
    expect(body(searches(fake)[0]).jql).toBe(
      'project = "DAY" AND assignee = "5b10a2844c20165700ede21f" ORDER BY updated DESC',
    );
  });
});

describe.skipIf(redisSkipReason)("Jira read cache shared by replicas through Redis", () => {
  it("serves a second replica from the first one's read and drops it after either writes", async () => {
    const redis = await connectTestRedis();
    try {
      const handler: FakeHandler = (req) => {
        if (req.path === "/rest/api/3/issue" && req.method === "POST")
          return { status: 201, body: { id: "1", key: "DAY-1" } };
        return { body: { issues: [rawIssue("DAY-1")], isLast: true } };
      };
      const a = await setup(handler, { store: redis });
      const b = await setup(handler, { store: redis });

      await a.jira.getSprintIssues(5);
      await b.jira.getSprintIssues(5);
      expect(searches(b.fake)).toHaveLength(0);

      await b.jira.createIssue({ summary: "Write from replica B", type: "Bug" }, { idempotencyKey: "apr-r1" });
      const before = searches(a.fake).length;
      await a.jira.getSprintIssues(5);
      expect(searches(a.fake)).toHaveLength(before + 1);
    } finally {
      // Cached reads expire within a minute; the two keys without a short TTL are removed here.
      await redis.delete("cache:jira:gen");
      await redis.delete("jira:write:issue:daybook-approval-apr-r1");
      await redis.close();
    }
  });
});

describe("JQL built from a structured query", () => {
  const ctx = { projectKey: "DAY", flaggedField: "customfield_10021" };

  it("keeps quotes and operators in free text from changing the query", () => {
    const jql = buildSearchJql({ text: 'login" OR project = SECRET OR text ~ "x*', status: 'Blocked" OR 1=1' }, ctx);
    expect(jql).toBe(
      'project = "DAY" AND text ~ "login OR project = SECRET OR text x" AND status = "Blocked\\" OR 1=1" ORDER BY updated DESC',
    );
  });

  it("combines every supported filter with the project from settings", () => {
    const jql = buildSearchJql(
      { statusCategory: "done", type: "Bug", labels: ["ops", "q4"], flagged: true, sprintId: 12, updatedWithinDays: 7 },
      ctx,
    );
    expect(jql).toBe(
      'project = "DAY" AND statusCategory = "Done" AND issuetype = "Bug" AND labels in ("ops", "q4") AND cf[10021] is not EMPTY AND sprint = 12 AND updated >= -7d ORDER BY updated DESC',
    );
  });

  it("rejects values outside the allowed enums and ranges", () => {
    expect(() => buildSearchJql({ statusCategory: "blocked" as never }, ctx)).toThrow(DaybookError);
    expect(() => buildSearchJql({ sprintId: 1.5 }, ctx)).toThrow(DaybookError);
    expect(() => buildSearchJql({ updatedWithinDays: 0 }, ctx)).toThrow(DaybookError);
    expect(() => buildSearchJql({ assignee: "x" }, { ...ctx, assigneeAccountId: "x) OR (1=1" })).toThrow(DaybookError);
  });
});

describe("choosing the real Jira connector from the environment", () => {
  it("stays on the demo organisation when no Jira credentials are set", () => {
    expect(jiraSettingsFromEnv({ JIRA_STORY_POINTS_FIELD: "customfield_10016" })).toBeUndefined();
  });

  it("uses the real connector when URL, email and token are set", () => {
    expect(
      jiraSettingsFromEnv({
        JIRA_BASE_URL: "https://acme.atlassian.net",
        JIRA_EMAIL: "bot@acme.com",
        JIRA_API_TOKEN: "t",
        JIRA_PROJECT_KEY: "day",
        JIRA_BOARD_ID: 42,
      }),
    ).toEqual({
      baseUrl: "https://acme.atlassian.net",
      email: "bot@acme.com",
      apiToken: "t",
      projectKey: "DAY",
      boardId: 42,
      storyPointsField: "customfield_10016",
    });
  });

  it("refuses a half-configured Jira and names what is missing, never the token", () => {
    const attempt = () => jiraSettingsFromEnv({ JIRA_BASE_URL: "https://acme.atlassian.net", JIRA_API_TOKEN: TOKEN });
    expect(attempt).toThrow("Jira is partly configured: set JIRA_EMAIL, JIRA_PROJECT_KEY");
    expect(attempt).not.toThrow(TOKEN);
  });
});
