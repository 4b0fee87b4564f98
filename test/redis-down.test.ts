/**
 * Issue 11 part 6, "degrade, don't die": the composed app (real Slack route, offline agent,
 * approvals) against a RedisStore on a private redis-server that the test freezes with SIGSTOP,
 * which is what a partition looks like to the client: no bytes, no answers, commands time out.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer as createNetServer } from "node:net";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signSlackRequest } from "../adapters/slack/webhook/verify.ts";
import { ThreadHistory } from "../src/bot/thread-history.ts";
import { demoOrg as demo } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import type { OrgConfig } from "../src/config/org.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { decisionsRefusedNotice, historyUnavailableNote, writesRefusedNotice } from "../src/core/store-outage.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { type App, compose } from "../src/main.ts";
import { createServer } from "../src/server.ts";
import { RedisStore } from "../src/store/redis-store.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";
import { SlackMessages } from "./support/slack-messages.ts";

/** The demo, with the Slack channel these questions are asked in declared as alex's team's (all domains). */
const demoOrg: OrgConfig = {
  ...demo,
  channels: { ...demo.channels, ops: { slack: "C0ENG", audience: ["jira", "crm", "accounting"] } },
};

const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;
const secret = "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f";
const clock = fixedClock("2026-11-23T09:00:00Z");
const nowSec = () => Math.floor(clock.now() / 1000);
const alex = "U0DEMOALEX";
/** Short, so a frozen Redis costs each command a fraction of a second, not the default 5 s. */
const commandTimeoutMs = 250;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function apiArgs(req: RecordedRequest): Record<string, unknown> {
  if ((req.headers["content-type"] ?? "").includes("json")) return JSON.parse(req.body || "{}");
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(req.body)) out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  return out;
}

describe.skipIf(!hasRedisServer)("daybook while Redis stops answering", () => {
  let redis: ChildProcess;
  let store: RedisStore;
  let app: App;
  let http: Hono;
  let queued: App;
  let queuedHttp: Hono;
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  let logged = 0;
  let eventSeq = 0;

  // As people read them: an answer replaces its turn's placeholder (support/slack-messages.ts).
  const messages = new SlackMessages("1763888400");
  const posts = () => messages.posted().map((m) => m.args);
  const postsIn = (threadTs: string) => posts().filter((p) => p.thread_ts === threadTs);
  const postText = (p: Record<string, unknown>) => `${String(p.text)}\n${JSON.stringify(p.blocks ?? [])}`;
  const slackThread = (ts: string): ThreadRef => ({
    platform: "slack",
    workspace: "T0DEMO",
    channel: "C0ENG",
    thread: ts,
  });

  const deliver = async (text: string, ts: string, eventId: string, headers: Record<string, string> = {}) => {
    const body = JSON.stringify({
      token: "legacy",
      team_id: "T0DEMO",
      api_app_id: "A0DAYBOOK",
      type: "event_callback",
      event_id: eventId,
      event_time: nowSec(),
      event: { type: "app_mention", user: alex, text: `<@U0BOT> ${text}`, ts, channel: "C0ENG", event_ts: ts },
      authorizations: [{ team_id: "T0DEMO", user_id: "U0BOT", is_bot: true }],
    });
    const timestamp = nowSec();
    return http.request("/slack/events", {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature": signSlackRequest(secret, timestamp, body),
        ...headers,
      },
    });
  };
  /** Delivers one mention and waits until every turn in flight has finished. */
  const ask = async (text: string, ts: string, eventId = `Ev${++eventSeq}`) => {
    const res = await deliver(text, ts, eventId);
    expect(res.status).toBe(200);
    await settle();
    return postsIn(ts);
  };
  const settle = async () => {
    expect(await app.inFlight.drain(20_000)).toBe(true);
  };

  beforeAll(async () => {
    const port = await freePort();
    redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    for (let i = 0; i < 50; i++) {
      try {
        store = await RedisStore.connect({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    fake = await startFakeServer((req) => {
      if (req.path === "/api/chat.postMessage") return messages.post(apiArgs(req));
      if (req.path === "/api/chat.update") return messages.update(apiArgs(req));
      return { body: { ok: true } };
    });
    const ports = createDemoPorts({ clock });
    const logActivity = ports.crm.logActivity.bind(ports.crm);
    ports.crm.logActivity = async (input, options) => {
      logged++;
      return logActivity(input, options);
    };
    const env = loadConfig({
      SLACK_SIGNING_SECRET: secret,
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_API_URL: `${fake.url}/api/`,
    }).env;
    app = await compose(
      { env, org: demoOrg, orgSource: "test" },
      { store, ports, clock, logger: silentLogger, platforms: true },
    );
    http = createServer({ store, logger: silentLogger, inFlight: app.inFlight, routes: app.routes });
    // The same deployment as a server process runs it: turns through the work queue.
    const queuedEnv = loadConfig({
      SLACK_SIGNING_SECRET: secret,
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_API_URL: `${fake.url}/api/`,
    }).env;
    queued = await compose(
      { env: queuedEnv, org: demoOrg, orgSource: "test" },
      { store, ports, clock, logger: silentLogger, platforms: true, role: "all" },
    );
    queuedHttp = createServer({ store, logger: silentLogger, inFlight: queued.inFlight, routes: queued.routes });
  }, 30_000);

  afterAll(async () => {
    redis?.kill("SIGCONT");
    await app?.close().catch(() => {});
    await queued?.close().catch(() => {});
    await fake?.close();
    redis?.kill("SIGKILL");
  });

  const freeze = () => redis.kill("SIGSTOP");
  const thaw = async () => {
    redis.kill("SIGCONT");
    // The connection survives a short freeze; wait until a command round-trips again.
    for (let i = 0; i < 50; i++) {
      if (
        await store.ping().then(
          () => true,
          () => false,
        )
      )
        return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("Redis did not come back");
  };

  // One request for approval while Redis is up, for the click during the outage.
  let pendingApprovalId = "";

  it("answers with thread memory and records a write request while Redis is up", async () => {
    const answered = await ask("what's blocking the sprint?", "1763888000.000100");
    expect(answered).toHaveLength(1);
    expect(postText(answered[0] as Record<string, unknown>)).not.toContain(historyUnavailableNote);

    const requested = await ask("log a call on BrightTech: discussed onboarding", "1763888000.000200");
    const card = requested.find((p) => JSON.stringify(p.blocks ?? []).includes(APPROVE_ACTION_ID));
    expect(card, requested.map(postText).join("\n---\n")).toBeDefined();
    pendingApprovalId = /Approval (\w+) requested/.exec(requested.map(postText).join("\n"))?.[1] ?? "";
    expect(pendingApprovalId).toMatch(/^[a-z0-9]{10}$/);
    expect(logged).toBe(0);
  });

  it("answers a read-only question while Redis is frozen, saying it answered without thread memory", async () => {
    freeze();
    const answered = await ask("what's blocking the sprint?", "1763888000.000100");
    expect(answered).toHaveLength(2);
    const reply = postText(answered[1] as Record<string, unknown>);
    expect(reply).toContain(historyUnavailableNote);
    // The demo sprint's blocked story is named, so this is the real answer, not an error reply.
    expect(reply).toContain("ENG-145");
    expect(reply).not.toContain("state store is unavailable");
  });

  it("replies once when Slack delivers the same event again during the outage", async () => {
    const ts = "1763888000.000300";
    const first = await deliver("what's blocking the sprint?", ts, "EvRetryDuringOutage");
    const retry = await deliver("what's blocking the sprint?", ts, "EvRetryDuringOutage", {
      "x-slack-retry-num": "1",
      "x-slack-retry-reason": "http_timeout",
    });
    expect([first.status, retry.status]).toEqual([200, 200]);
    await settle();
    const again = await deliver("what's blocking the sprint?", ts, "EvRetryDuringOutage", { "x-slack-retry-num": "2" });
    expect(again.status).toBe(200);
    await settle();
    expect(postsIn(ts)).toHaveLength(1);
    expect(postText(postsIn(ts)[0] as Record<string, unknown>)).toContain(historyUnavailableNote);
  });

  it("with the work queue, acks a mention within Slack's 3 s during the outage and answers it from memory", async () => {
    const ts = "1763888000.000350";
    const body = JSON.stringify({
      token: "legacy",
      team_id: "T0DEMO",
      api_app_id: "A0DAYBOOK",
      type: "event_callback",
      event_id: "EvQueuedDuringOutage",
      event_time: nowSec(),
      event: { type: "app_mention", user: alex, text: "<@U0BOT> what's blocking the sprint?", ts, channel: "C0ENG" },
      authorizations: [{ team_id: "T0DEMO", user_id: "U0BOT", is_bot: true }],
    });
    const started = Date.now();
    const res = await queuedHttp.request("/slack/events", {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-slack-request-timestamp": String(nowSec()),
        "x-slack-signature": signSlackRequest(secret, nowSec(), body),
      },
    });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000);
    await vi.waitFor(() => expect(postsIn(ts)).toHaveLength(1), { timeout: 15_000 });
    expect(postText(postsIn(ts)[0] as Record<string, unknown>)).toContain("ENG-145");
  });

  it("refuses a write request with a clear notice, posts no approval card and runs nothing", async () => {
    const ts = "1763888000.000400";
    const replies = await ask("log a call on BrightTech: discussed pricing", ts);
    expect(replies).toHaveLength(1);
    const refusal = postText(replies[0] as Record<string, unknown>);
    expect(refusal).toContain(writesRefusedNotice);
    expect(refusal).not.toMatch(/Approval \w+ requested/);
    expect(JSON.stringify(replies[0]?.blocks ?? [])).not.toContain(APPROVE_ACTION_ID);
    expect(logged).toBe(0);
  });

  it("refuses an approval click with a clear notice and runs nothing", async () => {
    const thread = slackThread("1763888000.000200");
    const result = await app.onClick(
      {
        actionId: APPROVE_ACTION_ID,
        value: pendingApprovalId,
        user: { platform: "slack", id: alex },
        thread,
        message: { thread, messageId: "1763888400.000002" },
      },
      { reply: async () => ({ thread, messageId: "x" }) },
    );
    expect(result).toEqual({ kind: "notice", text: decisionsRefusedNotice });
    expect(logged).toBe(0);
  });

  it("uses and keeps thread memory again once Redis is back", async () => {
    await thaw();
    const ts = "1763888000.000500";
    const answered = await ask("what's blocking the sprint?", ts);
    expect(answered).toHaveLength(1);
    expect(postText(answered[0] as Record<string, unknown>)).not.toContain(historyUnavailableNote);
    const remembered = await store.range(ThreadHistory.key(slackThread(ts)), 0, -1);
    expect(remembered.map((r) => (JSON.parse(r) as { role: string }).role)).toEqual(["user", "assistant"]);
    // The approval requested before the outage is still pending and still decidable.
    expect((await app.approvals.get(pendingApprovalId))?.status).toBe("pending");
    expect(logged).toBe(0);
  });
});
