/**
 * Inbound Slack text through the whole server: signed events and a slash command at POST
 * /slack/events of the composed app (the offline agent over the demo organisation, real
 * approvals), a fake Slack Web API that answers users.info and conversations.info. What the
 * agent proposes to write, and what executes, is the text the person typed.
 */
import { randomUUID } from "node:crypto";
import type { Hono } from "hono";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { signSlackRequest } from "../adapters/slack/webhook/verify.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { NewJiraIssue } from "../src/core/domain/jira.ts";
import { silentLogger } from "../src/core/logger.ts";
import { type App, compose } from "../src/main.ts";
import { createServer } from "../src/server.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";

const secret = "5f4e3d2c1b0a99887766554433221100";
const clock = fixedClock("2026-11-23T09:00:00Z");
const alex = "U0DEMOALEX";

function apiArgs(req: RecordedRequest): Record<string, unknown> {
  if ((req.headers["content-type"] ?? "").includes("json")) return JSON.parse(req.body || "{}");
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(req.body)) out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  return out;
}

describe("inbound Slack text over POST /slack/events of the composed app", () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  let seq = 0;
  /** Every chat.postMessage with the ts the fake gave it. */
  const issued: { ts: string; args: Record<string, unknown> }[] = [];
  let usersInfoFails = false;
  let app: App;
  let http: Hono;
  const created: NewJiraIssue[] = [];
  const calls = (method: string) => fake.requests.filter((r) => r.path === `/api/${method}`).map(apiArgs);
  const postsIn = (ts: string) => calls("chat.postMessage").filter((p) => p.thread_ts === ts);
  const shown = (p: Record<string, unknown> | undefined) => `${String(p?.text)}\n${JSON.stringify(p?.blocks ?? [])}`;

  beforeAll(async () => {
    fake = await startFakeServer((req) => {
      const args = apiArgs(req);
      switch (req.path) {
        case "/api/chat.postMessage": {
          const ts = `1763888400.${String(++seq).padStart(6, "0")}`;
          issued.push({ ts, args });
          return { body: { ok: true, channel: args.channel, ts } };
        }
        case "/api/users.info":
          if (usersInfoFails) return { status: 503, body: "unavailable" };
          if (args.user === "U0DEMOMARIA") {
            return {
              body: { ok: true, user: { id: args.user, name: "maria.g", profile: { display_name: "Maria" } } },
            };
          }
          return { body: { ok: false, error: "user_not_found" } };
        case "/api/conversations.info":
          return { body: { ok: true, channel: { id: args.channel, name: "sales" } } };
        // Who reads #engineering (the audience policy): Alex and Maria, who may both see Jira.
        case "/api/conversations.members":
          return {
            body: { ok: true, members: [alex, "U0DEMOMARIA", "U0BOT"], response_metadata: { next_cursor: "" } },
          };
        case "/api/auth.test":
          return { body: { ok: true, user_id: "U0BOT" } };
        default:
          return { body: { ok: true } };
      }
    });
    const ports = createDemoPorts({ clock });
    const createIssue = ports.jira.createIssue.bind(ports.jira);
    ports.jira.createIssue = async (input, options) => {
      created.push(input);
      return createIssue(input, options);
    };
    const env = loadConfig({
      SLACK_SIGNING_SECRET: secret,
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_API_URL: `${fake.url}/api/`,
    }).env;
    const store = new MemoryStore({ clock });
    app = await compose(
      { env, org: demoOrg, orgSource: "test" },
      { store, ports, clock, logger: silentLogger, platforms: true },
    );
    http = createServer({ store, logger: silentLogger, inFlight: app.inFlight, routes: app.routes });
  });

  afterEach(() => {
    usersInfoFails = false;
  });

  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const send = (body: string, contentType = "application/json") => {
    const now = Math.floor(clock.now() / 1000);
    return http.request("/slack/events", {
      method: "POST",
      body,
      headers: {
        "content-type": contentType,
        "x-slack-request-timestamp": String(now),
        "x-slack-signature": signSlackRequest(secret, now, body),
      },
    });
  };

  /** An app_mention as Slack sends it: `text` still escaped, the bot's mention first. */
  const mention = (rawText: string, ts: string) =>
    send(
      JSON.stringify({
        token: "legacy",
        team_id: "T0DEMO",
        api_app_id: "A0DAYBOOK",
        type: "event_callback",
        event_id: `Ev${randomUUID().slice(0, 8)}`,
        event_time: Math.floor(clock.now() / 1000),
        event: { type: "app_mention", user: alex, text: `<@U0BOT> ${rawText}`, ts, channel: "C0ENG", event_ts: ts },
        authorizations: [{ team_id: "T0DEMO", user_id: "U0BOT", is_bot: true }],
      }),
    );

  async function approvalIn(ts: string) {
    await vi.waitFor(() => expect(postsIn(ts).some((p) => shown(p).includes(APPROVE_ACTION_ID))).toBe(true), {
      timeout: 15_000,
    });
    const card = postsIn(ts).find((p) => shown(p).includes(APPROVE_ACTION_ID));
    const id = /"value":"([a-z0-9]{10})"/.exec(shown(card))?.[1] ?? "";
    const approval = await app.approvals.get(id);
    expect(approval, shown(card)).toBeDefined();
    return { card, approval: approval as NonNullable<typeof approval> };
  }

  it("proposes and creates a Jira issue with the decoded text and the mentioned person's name", async () => {
    const ts = "1763888000.100001";
    const res = await mention(
      "create a jira issue to fix login &amp; signup for &lt;admins&gt; reported by <@U0DEMOMARIA>",
      ts,
    );
    expect(res.status).toBe(200);
    const { card, approval } = await approvalIn(ts);

    expect(approval.tool).toBe("jira_create_issue");
    expect(approval.args.summary).toBe("fix login & signup for <admins> reported by @Maria");
    const all = JSON.stringify(approval.args);
    expect(all).not.toMatch(/&amp;|&lt;|&gt;|<@U/);
    // Nothing raw reaches the card either (how it escapes for Slack is the renderer's business).
    expect(shown(card)).not.toMatch(/&amp;amp;|<@U0DEMOMARIA>/);

    const decided = await app.approvals.decide(approval.id, { platform: "slack", id: alex, name: "alex" }, "approve");
    expect(decided.kind).toBe("decided");
    await vi.waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]?.summary).toBe("fix login & signup for <admins> reported by @Maria");
  });

  it("asks users.info once for a person mentioned in two messages", async () => {
    await mention("create a jira issue to review the runbook with <@U0DEMOMARIA>", "1763888000.100002");
    await approvalIn("1763888000.100002");
    await mention("create a jira issue to pair <@U0DEMOMARIA> with <@U0DEMOMARIA> on it", "1763888000.100003");
    const { approval } = await approvalIn("1763888000.100003");
    expect(approval.args.summary).toBe("pair @Maria with @Maria on it");
    // One users.info for Maria in the whole file: the first test's; these two are cached.
    expect(calls("users.info").filter((c) => c.user === "U0DEMOMARIA")).toHaveLength(1);
  });

  it("still answers with the raw id when users.info fails, and turns a channel link into its name", async () => {
    usersInfoFails = true;
    const ts = "1763888000.100004";
    await mention("create a jira issue to ask <@U0DEMOSARAH> about <#C0SALES> and <#C0ENG|engineering>", ts);
    const { approval } = await approvalIn(ts);
    expect(approval.args.summary).toBe("ask @U0DEMOSARAH about #sales and #engineering");
    expect(calls("users.info").some((c) => c.user === "U0DEMOSARAH")).toBe(true);
  });

  it("normalises /daybook text the same way, and shows the question decoded", async () => {
    const form = new URLSearchParams({
      token: "legacy",
      team_id: "T0DEMO",
      channel_id: "C0ENG",
      user_id: alex,
      user_name: "alex",
      command: "/daybook",
      text: "create a jira issue to fix billing &amp; invoices for &lt;enterprise&gt;",
      response_url: `${fake.url}/respond`,
      trigger_id: "1.2.3",
      api_app_id: "A0DAYBOOK",
    }).toString();
    const res = await send(form, "application/x-www-form-urlencoded");
    expect(res.status).toBe(200);
    // The question goes up top (slash commands are invisible), the answer into its thread.
    const asked = () => issued.find((p) => p.args.thread_ts === undefined && shown(p.args).includes("billing"));
    await vi.waitFor(() => expect(asked()).toBeDefined());
    // Escaped exactly once on the way out: Slack shows "fix billing & invoices for <enterprise>".
    expect(shown(asked()?.args)).toContain("fix billing &amp; invoices for &lt;enterprise&gt;");
    expect(shown(asked()?.args)).not.toContain("&amp;amp;");
    const threadTs = asked()?.ts ?? "";
    const { approval } = await approvalIn(threadTs);
    expect(approval.args.summary).toBe("fix billing & invoices for <enterprise>");
  });
});
