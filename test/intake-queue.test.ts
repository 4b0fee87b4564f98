/**
 * Issue 11, "intake is durable and separate from work": the composed app in its server roles
 * (compose({ role })) on a real Redis, the real Slack route and the offline agent, with a
 * local fake of the Slack Web API. A web replica takes the request and queues the turn; a
 * worker replica (another compose() on the same Redis keys, as another process would be)
 * answers it. Approved calls go through the actions queue and run once.
 */
import { randomUUID } from "node:crypto";
import type { Hono } from "hono";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { signSlackRequest } from "../adapters/slack/webhook/verify.ts";
import { OPEN_APPROVALS_KEY } from "../src/approvals/approvals.ts";
import { busyNotice } from "../src/bot/intake.ts";
import { demoOrg as demo } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import type { OrgConfig } from "../src/config/org.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { type App, compose } from "../src/main.ts";
import { createServer } from "../src/server.ts";
import type { RedisStore } from "../src/store/redis-store.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";
import { connectTestRedis, redisSkipReason } from "./support/redis.ts";
import { startTeamsAuth, type TeamsTestAuth } from "./support/teams-tokens.ts";

/** The demo, with the Slack channel these questions are asked in declared as alex's team's (all domains). */
const demoOrg: OrgConfig = {
  ...demo,
  channels: { ...demo.channels, ops: { slack: "C0ENG", audience: ["jira", "crm", "accounting"] } },
};

const secret = "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f";
const clock = fixedClock("2026-11-23T09:00:00Z");
const alex = "U0DEMOALEX";
const skip = redisSkipReason !== undefined;
/** Slack message timestamps are digits (webhook/shapes.ts refuses anything else). */
const digits = (n: number) => String(Math.floor(Math.random() * 10 ** n)).padStart(n, "0");

function apiArgs(req: RecordedRequest): Record<string, unknown> {
  if ((req.headers["content-type"] ?? "").includes("json")) return JSON.parse(req.body || "{}");
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(req.body)) out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  return out;
}

describe.skipIf(skip)("the composed app with its work queue on Redis", () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  let seq = 0;
  const stores: RedisStore[] = [];
  const apps: App[] = [];
  // Posts as they read now: a chat.update replaces a post, and a turn's "Working on it…"
  // placeholder counts once its answer replaced it (turn-worker.ts).
  const posted: { ts: string; args: Record<string, unknown> }[] = [];
  const posts = () =>
    posted
      .map((p) => p.args)
      .filter(
        (a) =>
          (a.metadata as { event_payload?: { placeholder?: unknown } } | undefined)?.event_payload?.placeholder !==
          true,
      );
  const postsIn = (ts: string) => posts().filter((p) => p.thread_ts === ts);
  const text = (p: Record<string, unknown> | undefined) => `${String(p?.text)}\n${JSON.stringify(p?.blocks ?? [])}`;

  beforeAll(async () => {
    fake = await startFakeServer((req) => {
      if (req.path === "/api/chat.postMessage") {
        const ts = `1763888400.${String(++seq).padStart(6, "0")}`;
        posted.push({ ts, args: apiArgs(req) });
        return { body: { ok: true, channel: apiArgs(req).channel, ts } };
      }
      if (req.path === "/api/chat.update") {
        const args = apiArgs(req);
        const i = posted.findIndex((p) => p.ts === args.ts && p.args.channel === args.channel);
        const before = posted[i];
        if (before)
          posted[i] = {
            ts: before.ts,
            args: {
              ...before.args,
              text: args.text,
              blocks: args.blocks,
              ...(args.metadata ? { metadata: args.metadata } : {}),
            },
          };
        return { body: { ok: true, channel: args.channel, ts: args.ts } };
      }
      // Who reads the test channels (the audience policy): people who may see what is asked.
      // #sales (C0SALES) is read by Alex and Sam, who may see CRM data; the rest by engineers.
      if (req.path === "/api/conversations.members") {
        const readers = apiArgs(req).channel === "C0SALES" ? "U0DEMOSAM" : "U0DEMOMARIA";
        return { body: { ok: true, members: [alex, readers, "U0BOT"], response_metadata: { next_cursor: "" } } };
      }
      if (req.path === "/api/auth.test") return { body: { ok: true, user_id: "U0BOT" } };
      return { body: { ok: true } };
    });
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close().catch(() => {});
    stores.splice(0);
  });

  afterAll(async () => {
    await fake?.close();
    await auth?.close();
  });

  // Teams replicas validate real channel tokens from one local identity provider (per file:
  // botframework-connector caches outbound tokens per app id).
  let auth: TeamsTestAuth;
  beforeAll(async () => {
    auth = await startTeamsAuth();
  });
  const teamsCredentials = () => ({
    MICROSOFT_APP_ID: auth.appId,
    MICROSOFT_APP_PASSWORD: auth.appPassword,
    MICROSOFT_APP_TYPE: "MultiTenant",
  });

  /** One replica: its own Redis connection on the deployment's shared key prefix. */
  async function replica(
    prefix: string,
    role: "all" | "web" | "worker",
    extraEnv: Record<string, string> = {},
  ): Promise<{ app: App; http: Hono; store: RedisStore; logged: () => number }> {
    const store = await connectTestRedis(prefix);
    stores.push(store);
    const ports = createDemoPorts({ clock });
    let logged = 0;
    const logActivity = ports.crm.logActivity.bind(ports.crm);
    ports.crm.logActivity = async (input, options) => {
      logged++;
      return logActivity(input, options);
    };
    const env = loadConfig({
      SLACK_SIGNING_SECRET: secret,
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_API_URL: `${fake.url}/api/`,
      REDIS_URL: "redis://127.0.0.1:6379",
      ...extraEnv,
    }).env;
    const app = await compose(
      { env, org: demoOrg, orgSource: "test" },
      { store, ports, clock, logger: silentLogger, platforms: true, role, teamsEndpoints: auth.endpoints },
    );
    apps.push(app);
    const http = createServer({ store, logger: silentLogger, inFlight: app.inFlight, routes: app.routes });
    return { app, http, store, logged: () => logged };
  }

  let eventSeq = 0;
  const mention = async (http: Hono, words: string, ts: string, user = alex, channel = "C0ENG") => {
    const now = Math.floor(clock.now() / 1000);
    const body = JSON.stringify({
      token: "legacy",
      team_id: "T0DEMO",
      api_app_id: "A0DAYBOOK",
      type: "event_callback",
      event_id: `Ev${randomUUID().slice(0, 8)}${++eventSeq}`,
      event_time: now,
      event: { type: "app_mention", user, text: `<@U0BOT> ${words}`, ts, channel, event_ts: ts },
      authorizations: [{ team_id: "T0DEMO", user_id: "U0BOT", is_bot: true }],
    });
    return http.request("/slack/events", {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-slack-request-timestamp": String(now),
        "x-slack-signature": signSlackRequest(secret, now, body),
      },
    });
  };

  it("acks a mention on a web replica and a worker replica answers it once, in the thread", async () => {
    const prefix = `test:${randomUUID()}:`;
    const web = await replica(prefix, "web");
    await replica(prefix, "worker");
    const ts = `1763888000.${digits(6)}`;
    expect((await mention(web.http, "what's blocking the sprint?", ts)).status).toBe(200);
    await vi.waitFor(() => expect(postsIn(ts)).toHaveLength(1), { timeout: 15_000 });
    expect(text(postsIn(ts)[0])).toMatch(/block/i);
    // Nothing is left in either queue, and no second answer arrives.
    await vi.waitFor(async () => {
      const stats = await web.app.work?.turns.stats();
      expect((stats?.waiting ?? 1) + (stats?.running ?? 1)).toBe(0);
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(postsIn(ts)).toHaveLength(1);
  });

  it("keeps a turn queued while no worker runs and answers it when a worker starts", async () => {
    const prefix = `test:${randomUUID()}:`;
    const web = await replica(prefix, "web");
    const ts = `1763888001.${digits(6)}`;
    expect((await mention(web.http, "which deals need me today?", ts)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(postsIn(ts)).toHaveLength(0);
    expect((await web.app.work?.turns.stats())?.waiting).toBe(1);
    await replica(prefix, "worker");
    await vi.waitFor(() => expect(postsIn(ts)).toHaveLength(1), { timeout: 15_000 });
  });

  it("runs an approved write once through the actions queue and updates the card", async () => {
    const prefix = `test:${randomUUID()}:`;
    const one = await replica(prefix, "all");
    const ts = `1763888002.${digits(6)}`;
    await mention(one.http, "log a call on BrightTech: discussed onboarding", ts, alex, "C0SALES");
    await vi.waitFor(() => expect(postsIn(ts).some((p) => text(p).includes(APPROVE_ACTION_ID))).toBe(true), {
      timeout: 15_000,
    });
    const card = postsIn(ts).find((p) => text(p).includes(APPROVE_ACTION_ID));
    const approvalId = /approve[^"]*"[^"]*"value":"([a-z0-9]{10})"|"value":"([a-z0-9]{10})"/.exec(text(card));
    const id = approvalId?.[1] ?? approvalId?.[2] ?? "";
    expect(id).toMatch(/^[a-z0-9]{10}$/);
    const user = { platform: "slack" as const, id: "U0DEMOSAM", name: "sam" };
    const [first, second] = await Promise.all([
      one.app.approvals.decide(id, user, "approve"),
      one.app.approvals.decide(id, user, "approve"),
    ]);
    expect([first.kind, second.kind].sort()).toEqual(["already_decided", "decided"]);
    await vi.waitFor(async () => expect((await one.app.approvals.get(id))?.outcome?.ok).toBe(true), {
      timeout: 15_000,
    });
    expect(one.logged()).toBe(1);
    expect(await one.store.mapGetAll(OPEN_APPROVALS_KEY)).toEqual({});
    const updates = fake.requests.filter((r) => r.path === "/api/chat.update").map(apiArgs);
    expect(updates.some((u) => text(u).includes("Done"))).toBe(true);
  });

  it("finishes an approved call whose hand-off was lost, once, from the sweep", async () => {
    const prefix = `test:${randomUUID()}:`;
    const one = await replica(prefix, "all");
    const ts = `1763888003.${digits(6)}`;
    await mention(one.http, "log a call on BrightTech: renewal terms agreed", ts, alex, "C0SALES");
    await vi.waitFor(() => expect(postsIn(ts).some((p) => text(p).includes(APPROVE_ACTION_ID))).toBe(true), {
      timeout: 15_000,
    });
    const id = /"value":"([a-z0-9]{10})"/.exec(text(postsIn(ts).find((p) => text(p).includes(APPROVE_ACTION_ID))))?.[1];
    expect(id).toBeDefined();
    // The decision lands, the hand-off is lost (a blip): the record is approved with no outcome.
    const raw = await one.store.get(`approval:${id}`);
    const record = JSON.parse(raw ?? "{}");
    const approved = {
      ...record,
      status: "approved",
      decidedAt: clock.now() - 60_000,
      decidedBy: { principalId: "maria", name: "Maria" },
    };
    await one.store.set(`approval:${id}`, JSON.stringify(approved));
    await one.store.mapSet(OPEN_APPROVALS_KEY, String(id), String(clock.now() - 60_000));
    expect(await one.app.approvals.sweep(30_000)).toBe(1);
    await vi.waitFor(async () => expect((await one.app.approvals.get(String(id)))?.outcome?.ok).toBe(true), {
      timeout: 15_000,
    });
    // A second sweep finds nothing left to do.
    expect(await one.app.approvals.sweep(30_000)).toBe(0);
    expect(one.logged()).toBe(1);
  });

  it("answers a person over their per-minute limit with one short notice and starts no turn", async () => {
    const prefix = `test:${randomUUID()}:`;
    const one = await replica(prefix, "all", { USER_TURNS_PER_MINUTE: "2", CHANNEL_TURNS_PER_MINUTE: "0" });
    const stamps = [1, 2, 3].map((i) => `1763888004.${digits(5)}${i}`);
    for (const ts of stamps)
      expect((await mention(one.http, "what's blocking the sprint?", ts, "U0DEMOSAM")).status).toBe(200);
    await vi.waitFor(() => expect(stamps.map((ts) => postsIn(ts).length)).toEqual([1, 1, 1]), { timeout: 15_000 });
    expect(text(postsIn(stamps[2] ?? "")[0])).toMatch(/faster than I can answer/);
    expect(text(postsIn(stamps[0] ?? "")[0])).not.toMatch(/faster than I can answer/);
  });

  it("tells the asker it is busy when the queue is at its bound, from a worker, and queues nothing", async () => {
    const prefix = `test:${randomUUID()}:`;
    // A web replica with no worker yet: the first turn fills a queue of one.
    const web = await replica(prefix, "web", { QUEUE_MAX_DEPTH: "1" });
    const first = `1763888005.${digits(6)}`;
    const second = `1763888006.${digits(6)}`;
    expect((await mention(web.http, "what's blocking the sprint?", first)).status).toBe(200);
    expect((await mention(web.http, "which deals need me today?", second)).status).toBe(200);
    expect((await web.app.work?.turns.stats())?.waiting).toBe(1);
    // The web replica posts nothing itself: the notice is queued for a worker.
    await new Promise((r) => setTimeout(r, 300));
    expect([postsIn(first).length, postsIn(second).length]).toEqual([0, 0]);
    await replica(prefix, "worker");
    await vi.waitFor(() => expect([postsIn(first).length, postsIn(second).length]).toEqual([1, 1]), {
      timeout: 15_000,
    });
    expect(text(postsIn(second)[0])).toContain(busyNotice.slice(0, 40));
    expect(text(postsIn(first)[0])).not.toContain(busyNotice.slice(0, 40));
  });

  it("answers a Teams message from a worker replica through the stored conversation reference", async () => {
    const prefix = `test:${randomUUID()}:`;
    let n = 0;
    const connector = await startFakeServer(() => ({ body: { id: `msg-${++n}` } }));
    try {
      const teamsEnv = teamsCredentials();
      const web = await replica(prefix, "web", teamsEnv);
      await replica(prefix, "worker", teamsEnv);
      const activity = {
        type: "message",
        id: `m-${randomUUID().slice(0, 8)}`,
        channelId: "msteams",
        serviceUrl: connector.url,
        timestamp: "2026-11-23T09:00:00.000Z",
        from: { id: "29:demo-maria", aadObjectId: "demo-maria", name: "Maria Garcia" },
        recipient: { id: "28:daybook-bot", name: "daybook" },
        conversation: { id: "a:1personal-chat", conversationType: "personal", tenantId: "tenant-1" },
        channelData: { tenant: { id: "tenant-1" } },
        text: "what's blocking the sprint?",
      };
      const res = await web.http.request("/api/messages", {
        method: "POST",
        headers: { "content-type": "application/json", ...auth.headers(activity) },
        body: JSON.stringify(activity),
      });
      expect(res.status).toBe(200);
      const replies = () =>
        connector.requests.filter(
          (r) =>
            r.method === "POST" && /\/v3\/conversations\/.+\/activities/.test(r.path) && r.body.includes('"message"'),
        );
      await vi.waitFor(() => expect(replies()).toHaveLength(1), { timeout: 15_000 });
      expect(replies()[0]?.body).toMatch(/block/i);
    } finally {
      await connector.close();
    }
  });

  it("answers a Teams activity only once it is queued, and a redelivered activity once", async () => {
    const prefix = `test:${randomUUID()}:`;
    let n = 0;
    const connector = await startFakeServer(() => ({ body: { id: `msg-${++n}` } }));
    try {
      const teamsEnv = teamsCredentials();
      const web = await replica(prefix, "web", teamsEnv);
      const activity = {
        type: "message",
        id: `m-${randomUUID().slice(0, 8)}`,
        channelId: "msteams",
        serviceUrl: connector.url,
        timestamp: "2026-11-23T09:00:00.000Z",
        from: { id: "29:demo-maria", aadObjectId: "demo-maria", name: "Maria Garcia" },
        recipient: { id: "28:daybook-bot", name: "daybook" },
        conversation: { id: "a:1personal-chat", conversationType: "personal", tenantId: "tenant-1" },
        channelData: { tenant: { id: "tenant-1" } },
        text: "what's blocking the sprint?",
      };
      const deliver = () =>
        web.http.request("/api/messages", {
          method: "POST",
          headers: { "content-type": "application/json", ...auth.headers(activity) },
          body: JSON.stringify(activity),
        });
      expect((await deliver()).status).toBe(200);
      // No worker yet: the 200 came after the enqueue, so the turn is already in the stream.
      expect((await web.app.work?.turns.stats())?.waiting).toBe(1);
      // And no dedup mark was written ahead of the enqueue: with one, a process killed between
      // the two would drop the redelivery as a duplicate and the message would be lost.
      expect(await web.store.client.keys(`${prefix}*teams:activity*`)).toEqual([]);
      // The Bot Framework's redelivery of the same activity is refused by the queue's key, not
      // by a mark written before the enqueue (which would lose the message on a crash between).
      expect((await deliver()).status).toBe(200);
      expect((await web.app.work?.turns.stats())?.waiting).toBe(1);
      await replica(prefix, "worker", teamsEnv);
      const replies = () =>
        connector.requests.filter(
          (r) =>
            r.method === "POST" && /\/v3\/conversations\/.+\/activities/.test(r.path) && r.body.includes('"message"'),
        );
      await vi.waitFor(() => expect(replies()).toHaveLength(1), { timeout: 15_000 });
      await new Promise((r) => setTimeout(r, 500));
      expect(replies()).toHaveLength(1);
    } finally {
      await connector.close();
    }
  });
});
