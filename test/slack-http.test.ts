import type { Hono } from "hono";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createSlackIntegration, type SlackIntegration } from "../adapters/slack/app.ts";
import { EventDedup } from "../adapters/slack/event-dedup.ts";
import { signSlackRequest } from "../adapters/slack/webhook/verify.ts";
import { Approvals } from "../src/approvals/approvals.ts";
import { Bot } from "../src/bot/bot.ts";
import { HelpAnswerer } from "../src/bot/help-answerer.ts";
import { createIntake, TURN_JOB } from "../src/bot/intake.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { ThreadHistory } from "../src/bot/thread-history.ts";
import { createTurnWorker } from "../src/bot/turn-worker.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from "../src/core/action-ids.ts";
import type { WriteAction } from "../src/core/actions.ts";
import type { ClickHandler } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { DaybookError } from "../src/core/errors.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { Store } from "../src/core/store.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { InFlight } from "../src/in-flight.ts";
import { MemoryQueue } from "../src/queue/memory-queue.ts";
import { createServer } from "../src/server.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";
import { connectTestRedis, redisSkipReason } from "./support/redis.ts";

const secret = "8f742231b10e8888abcd99yyyzzz85a5";
const clock = fixedClock("2026-11-23T09:00:00Z");
const nowSec = () => Math.floor(clock.now() / 1000);
const principals = createPrincipalResolver(demoOrg);
const alex = "U0DEMOALEX";
const maria = "U0DEMOMARIA";

// ---- a local fake Slack Web API -------------------------------------------------------------

type FakeSlack = Awaited<ReturnType<typeof startFakeServer>> & { issuedTs: string[] };

/** The WebClient sends form-encoded bodies with nested values as JSON strings. */
function apiArgs(req: RecordedRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if ((req.headers["content-type"] ?? "").includes("json")) return JSON.parse(req.body || "{}");
  for (const [k, v] of new URLSearchParams(req.body)) {
    out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  }
  return out;
}

function calls(fake: FakeSlack, method: string): Record<string, unknown>[] {
  return fake.requests.filter((r) => r.path === `/api/${method}`).map(apiArgs);
}

async function startFakeSlack(): Promise<FakeSlack> {
  let seq = 0;
  const issuedTs: string[] = [];
  const server = await startFakeServer((req) => {
    if (req.path === "/respond") return { body: { ok: true } };
    const method = req.path.replace(/^\/api\//, "");
    const args = apiArgs(req);
    switch (method) {
      case "chat.postMessage": {
        const ts = `1763888400.${String(++seq).padStart(6, "0")}`;
        issuedTs.push(ts);
        return { body: { ok: true, channel: args.channel, ts } };
      }
      case "chat.update":
        return { body: { ok: true, channel: args.channel, ts: args.ts } };
      case "chat.postEphemeral":
        return { body: { ok: true, message_ts: "1763888400.999999" } };
      default:
        return { body: { ok: true } };
    }
  });
  return Object.assign(server, { issuedTs });
}

// ---- harness --------------------------------------------------------------------------------

interface Harness {
  http: Hono;
  slack: SlackIntegration;
  inFlight: InFlight;
  fake: FakeSlack;
  store: Store;
  send(
    body: string,
    init?: { contentType?: string; timestamp?: number; signature?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  sendEvent(event: Record<string, unknown>, eventId: string, headers?: Record<string, string>): Promise<Response>;
  settle(): Promise<void>;
}

async function harness(
  store: Store,
  fake: FakeSlack,
  extra: { onClick?: ClickHandler; bodyLimitBytes?: number; queued?: boolean } = {},
): Promise<Harness> {
  const bot = new Bot({
    answerer: new HelpAnswerer(),
    history: new ThreadHistory(store),
    principals,
    logger: silentLogger,
    clock,
  });
  const inFlight = new InFlight();
  // As in the server: the listener hands the turn to a queue, a worker answers it.
  const queue = extra.queued ? new MemoryQueue({ name: "turns", maxDepth: 100 }) : undefined;
  const slack = createSlackIntegration({
    signingSecret: secret,
    botToken: "xoxb-test-token",
    socketMode: false,
    apiUrl: `${fake.url}/api`,
    devSkipVerify: false,
    nodeEnv: "test",
    store,
    logger: silentLogger,
    clock,
    handle: queue
      ? createIntake({ queue, handle: bot.handle, logger: silentLogger, track: (w) => inFlight.track(w) })
      : bot.handle,
    onClick: extra.onClick ?? (async () => ({ kind: "none" })),
  });
  queue?.startWorkers({
    handlers: {
      [TURN_JOB]: createTurnWorker({
        adapters: { slack: slack.adapter },
        handle: bot.handle,
        store,
        logger: silentLogger,
      }),
    },
    concurrency: 2,
  });
  const http = createServer({
    store,
    logger: silentLogger,
    inFlight,
    routes: [slack.route],
    ...(extra.bodyLimitBytes ? { bodyLimitBytes: extra.bodyLimitBytes } : {}),
  });
  const send: Harness["send"] = async (body, init = {}) => {
    const timestamp = init.timestamp ?? nowSec();
    return http.request("/slack/events", {
      method: "POST",
      body,
      headers: {
        "content-type": init.contentType ?? "application/json",
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature": init.signature ?? signSlackRequest(secret, timestamp, body),
        ...init.headers,
      },
    });
  };
  return {
    http,
    slack,
    inFlight,
    fake,
    store,
    send,
    sendEvent: (event, eventId, headers) =>
      send(
        JSON.stringify({
          token: "legacy",
          team_id: "T0DEMO",
          api_app_id: "A0DAYBOOK",
          type: "event_callback",
          event_id: eventId,
          event_time: nowSec(),
          event,
          authorizations: [{ team_id: "T0DEMO", user_id: "U0BOT", is_bot: true }],
        }),
        headers ? { headers } : {},
      ),
    settle: async () => {
      expect(await inFlight.drain(10_000)).toBe(true);
      if (queue) {
        await vi.waitFor(async () => {
          const stats = await queue.stats();
          expect(stats.waiting + stats.running).toBe(0);
        });
      }
    },
  };
}

let eventSeq = 0;
const nextEventId = () => `Ev${Date.now().toString(36)}${(++eventSeq).toString(36)}`;
const mention = (text: string, ts = "1763888000.000100") => ({
  type: "app_mention",
  user: alex,
  text: `<@U0BOT> ${text}`,
  ts,
  channel: "C0ENG",
  event_ts: ts,
});

// ---- events, signatures, dedup (memory and real Redis) --------------------------------------

const stores: [string, () => Promise<Store>, boolean][] = [
  ["MemoryStore", async () => new MemoryStore({ clock }), false],
  ["RedisStore", () => connectTestRedis(), Boolean(redisSkipReason)],
];

describe.each(stores)("POST /slack/events over the real Hono app (%s)", (_name, makeStore, skip) => {
  let fake: FakeSlack;
  let store: Store;
  let h: Harness;

  beforeAll(async () => {
    if (skip) return;
    fake = await startFakeSlack();
    store = await makeStore();
    h = await harness(store, fake);
  });
  afterAll(async () => {
    if (skip) return;
    await store.close();
    await fake.close();
  });
  afterEach(() => {
    if (!skip) fake.requests.length = 0;
  });

  it.skipIf(skip)("answers a signed app_mention with 200 and replies in the message's thread", async () => {
    const res = await h.sendEvent(mention("what's blocking the sprint?"), nextEventId());
    expect(res.status).toBe(200);
    await h.settle();
    const posts = calls(fake, "chat.postMessage");
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ channel: "C0ENG", thread_ts: "1763888000.000100" });
    expect(String(posts[0]?.text)).toContain("You asked");
    expect(JSON.stringify(posts[0]?.blocks)).toContain("what's blocking the sprint?");
    expect(fake.requests[0]?.headers.authorization).toBe("Bearer xoxb-test-token");
  });

  it.skipIf(skip)("acks once the turn is queued, before the answer is posted", async () => {
    const order: string[] = [];
    const slow = await harness(store, fake, { queued: true });
    // The reply goes through the fake API; the 200 must not wait for it.
    const res = await slow.sendEvent(mention("hello"), nextEventId());
    order.push(`response ${res.status}, posts so far ${calls(fake, "chat.postMessage").length}`);
    await slow.settle();
    order.push(`after settle ${calls(fake, "chat.postMessage").length}`);
    expect(order).toEqual(["response 200, posts so far 0", "after settle 1"]);
  });

  it.skipIf(skip)("rejects a bad signature with 401 and posts nothing", async () => {
    const body = JSON.stringify({ type: "event_callback", event_id: nextEventId(), event: mention("hi") });
    const res = await h.send(body, { signature: signSlackRequest("wrong-secret", nowSec(), body) });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    await h.settle();
    expect(fake.requests).toHaveLength(0);
  });

  it.skipIf(skip)("rejects a request signed more than five minutes ago with 401", async () => {
    const body = JSON.stringify({ type: "event_callback", event_id: nextEventId(), event: mention("hi") });
    const res = await h.send(body, { timestamp: nowSec() - 301 });
    expect(res.status).toBe(401);
    await h.settle();
    expect(fake.requests).toHaveLength(0);
  });

  it.skipIf(skip)("rejects a signed but malformed body with 400", async () => {
    expect((await h.send("{not json")).status).toBe(400);
    expect((await h.send("payload=%7Bnope", { contentType: "application/x-www-form-urlencoded" })).status).toBe(400);
    expect((await h.send(JSON.stringify({ type: "event_callback" }))).status).toBe(400);
    await h.settle();
    expect(fake.requests).toHaveLength(0);
  });

  it.skipIf(skip)("answers Slack's unsigned ssl_check probe with an empty 200 and does nothing else", async () => {
    const res = await h.send("ssl_check=1&token=legacy", {
      contentType: "application/x-www-form-urlencoded",
      signature: "v0=0",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    // Anything more than the bare probe still needs a valid signature.
    const smuggled = new URLSearchParams({ ssl_check: "0", command: "/daybook", text: "hi" }).toString();
    expect(
      (await h.send(smuggled, { contentType: "application/x-www-form-urlencoded", signature: "v0=0" })).status,
    ).toBe(401);
    await h.settle();
    expect(fake.requests).toHaveLength(0);
  });

  it.skipIf(skip)("answers Slack's url_verification challenge", async () => {
    const res = await h.send(
      JSON.stringify({
        type: "url_verification",
        token: "t",
        challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });

  it.skipIf(skip)("replies once when Slack delivers the same event three times (retries)", async () => {
    const id = nextEventId();
    const event = mention("which deals need me today?", "1763888000.000200");
    expect((await h.sendEvent(event, id)).status).toBe(200);
    await h.settle();
    expect(
      (await h.sendEvent(event, id, { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" })).status,
    ).toBe(200);
    expect(
      (await h.sendEvent(event, id, { "x-slack-retry-num": "2", "x-slack-retry-reason": "http_timeout" })).status,
    ).toBe(200);
    await h.settle();
    expect(calls(fake, "chat.postMessage")).toHaveLength(1);
  });

  it.skipIf(skip)("replies once when three copies of an event arrive at the same moment", async () => {
    const id = nextEventId();
    const event = mention("why is BrightTech at risk?", "1763888000.000300");
    const responses = await Promise.all([h.sendEvent(event, id), h.sendEvent(event, id), h.sendEvent(event, id)]);
    await h.settle();
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(calls(fake, "chat.postMessage")).toHaveLength(1);
  });

  it.skipIf(skip)("ignores its own messages and other bots' messages", async () => {
    const dm = {
      type: "message",
      channel: "D0ALEX",
      channel_type: "im",
      text: "daily report",
      ts: "1763888000.000400",
    };
    expect((await h.sendEvent({ ...dm, bot_id: "B0DAYBOOK", subtype: "bot_message" }, nextEventId())).status).toBe(200);
    expect((await h.sendEvent({ ...dm, user: "U0OTHERBOT", bot_id: "B0OTHER" }, nextEventId())).status).toBe(200);
    await h.settle();
    expect(fake.requests).toHaveLength(0);
  });

  it.skipIf(skip)("answers a direct message in a thread on that message", async () => {
    const dm = {
      type: "message",
      channel: "D0ALEX",
      channel_type: "im",
      user: alex,
      text: "help",
      ts: "1763888000.000500",
    };
    expect((await h.sendEvent(dm, nextEventId())).status).toBe(200);
    await h.settle();
    const posts = calls(fake, "chat.postMessage");
    expect(posts).toEqual([expect.objectContaining({ channel: "D0ALEX", thread_ts: "1763888000.000500" })]);
    // Not an assistant thread (no thread_ts), so no status call.
    expect(calls(fake, "assistant.threads.setStatus")).toHaveLength(0);
  });

  it.skipIf(skip)("sets suggested prompts when an assistant thread starts", async () => {
    const started = {
      type: "assistant_thread_started",
      assistant_thread: { user_id: alex, context: {}, channel_id: "D0ALEX", thread_ts: "1763888000.000600" },
      event_ts: "1763888000.000601",
    };
    expect((await h.sendEvent(started, nextEventId())).status).toBe(200);
    await h.settle();
    const prompts = calls(fake, "assistant.threads.setSuggestedPrompts");
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toMatchObject({ channel_id: "D0ALEX", thread_ts: "1763888000.000600" });
    const list = prompts[0]?.prompts as { title: string; message: string }[];
    expect(list.length).toBeGreaterThan(0);
    expect(list.length).toBeLessThanOrEqual(4);
    expect(list[0]).toEqual({ title: expect.any(String), message: expect.any(String) });
  });

  it.skipIf(skip)("shows a thinking status in an assistant thread before answering there", async () => {
    const msg = {
      type: "message",
      channel: "D0ALEX",
      channel_type: "im",
      user: alex,
      text: "what's left for the November close?",
      ts: "1763888000.000701",
      thread_ts: "1763888000.000600",
    };
    expect((await h.sendEvent(msg, nextEventId())).status).toBe(200);
    await h.settle();
    const methods = fake.requests.map((r) => r.path);
    expect(methods).toEqual(["/api/assistant.threads.setStatus", "/api/chat.postMessage"]);
    expect(calls(fake, "assistant.threads.setStatus")[0]).toMatchObject({
      channel_id: "D0ALEX",
      thread_ts: "1763888000.000600",
      status: "is thinking...",
    });
    expect(calls(fake, "chat.postMessage")[0]).toMatchObject({ thread_ts: "1763888000.000600" });
  });

  it.skipIf(skip)("answers /daybook <question> in the channel and /daybook help privately", async () => {
    const form = (text: string) =>
      new URLSearchParams({
        token: "legacy",
        team_id: "T0DEMO",
        channel_id: "C0SALES",
        user_id: alex,
        user_name: "alex",
        command: "/daybook",
        text,
        response_url: `${fake.url}/respond`,
        trigger_id: "1.2.3",
        api_app_id: "A0DAYBOOK",
      }).toString();
    const asked = await h.send(form("which deals need me today?"), {
      contentType: "application/x-www-form-urlencoded",
    });
    expect(asked.status).toBe(200);
    await h.settle();
    // The question goes up top (slash commands are invisible), the answer into its thread.
    const posts = calls(fake, "chat.postMessage");
    expect(posts).toHaveLength(2);
    expect(posts[0]).toMatchObject({ channel: "C0SALES" });
    expect(posts[0]?.thread_ts).toBeUndefined();
    expect(JSON.stringify(posts[0]?.blocks)).toContain("*alex* asked: _which deals need me today?_");
    expect(posts[1]?.thread_ts).toBe(fake.issuedTs.at(-2));
    expect(JSON.stringify(posts[1]?.blocks)).toContain("You asked");

    fake.requests.length = 0;
    const help = await h.send(form("help"), { contentType: "application/x-www-form-urlencoded" });
    expect(help.status).toBe(200);
    await h.settle();
    expect(calls(fake, "chat.postMessage")).toHaveLength(0);
    const responded = fake.requests.filter((r) => r.path === "/respond");
    expect(responded).toHaveLength(1);
    expect(JSON.parse(responded[0]?.body ?? "{}")).toMatchObject({ response_type: "ephemeral" });
  });
});

describe("POST /slack/events limits", () => {
  it("rejects an oversize body with 413 and posts nothing", async () => {
    const fake = await startFakeSlack();
    const store = new MemoryStore({ clock });
    const h = await harness(store, fake, { bodyLimitBytes: 4_096 });
    const body = JSON.stringify({
      type: "event_callback",
      event_id: nextEventId(),
      event: mention("x".repeat(10_000)),
    });
    const res = await h.send(body);
    expect(res.status).toBe(413);
    await h.settle();
    expect(fake.requests).toHaveLength(0);
    await fake.close();
  });
});

describe("/daybook where daybook may not post", () => {
  it("answers privately through the response_url", async () => {
    const fake = Object.assign(
      await startFakeServer((req) =>
        req.path === "/respond" ? { body: { ok: true } } : { body: { ok: false, error: "not_in_channel" } },
      ),
      { issuedTs: [] as string[] },
    );
    const h = await harness(new MemoryStore({ clock }), fake);
    const form = new URLSearchParams({
      team_id: "T0DEMO",
      channel_id: "G0PRIVATE",
      user_id: alex,
      user_name: "alex",
      command: "/daybook",
      text: "what's blocking the sprint?",
      response_url: `${fake.url}/respond`,
      trigger_id: "1.2.3",
    }).toString();
    expect((await h.send(form, { contentType: "application/x-www-form-urlencoded" })).status).toBe(200);
    await h.settle();
    const responded = fake.requests.filter((r) => r.path === "/respond").map((r) => JSON.parse(r.body));
    expect(responded).toEqual([expect.objectContaining({ response_type: "ephemeral" })]);
    expect(JSON.stringify(responded[0].blocks)).toContain("what's blocking the sprint?");
    await fake.close();
  });
});

// ---- approval buttons -----------------------------------------------------------------------

describe("approval buttons over POST /slack/events", () => {
  let fake: FakeSlack;
  let h: Harness;
  let approvals: Approvals;
  const executed: string[] = [];
  const thread: ThreadRef = { platform: "slack", workspace: "T0DEMO", channel: "C0SALES", thread: "1763888000.000900" };

  beforeAll(async () => {
    fake = await startFakeSlack();
    const store = new MemoryStore({ clock });
    const schema = z.object({ customer: z.string(), note: z.string() });
    const logCall: WriteAction<typeof schema> = {
      name: "crm_log_activity",
      domain: "crm",
      description: "Log a call",
      schema,
      requiresApproval: true,
      title: (a) => `Log a call on ${a.customer}`,
      describe: (a) => [
        { label: "Customer", value: a.customer },
        { label: "Note", value: a.note },
      ],
      execute: async (_a, { idempotencyKey }) => {
        executed.push(idempotencyKey);
        return { ok: true, summary: "Logged call" };
      },
    };
    approvals = new Approvals({
      store,
      actions: [logCall as never],
      policies: demoOrg.approvals,
      principals,
      clock,
      logger: silentLogger,
    });
    // The same routing as src/bot/clicks.ts: decided -> replace the card; otherwise a notice.
    const onClick: ClickHandler = async (click) => {
      if (click.actionId !== APPROVE_ACTION_ID && click.actionId !== REJECT_ACTION_ID) return { kind: "none" };
      const result = await approvals.decide(
        click.value,
        click.user,
        click.actionId === APPROVE_ACTION_ID ? "approve" : "reject",
      );
      if (result.kind === "decided") return { kind: "update", card: result.card };
      return { kind: "notice", text: result.notice };
    };
    h = await harness(store, fake, { onClick });
  });
  afterAll(() => fake.close());

  async function postApprovalCard() {
    const approval = await approvals.requestApproval(
      {
        tool: "crm_log_activity",
        args: { customer: "BrightTech Inc", note: "Renewal call" },
        requester: principals.resolve({ platform: "slack", id: alex }),
        thread,
      },
      (card) => h.slack.adapter.post(thread, card),
    );
    const posted = calls(fake, "chat.postMessage").at(-1) as {
      blocks: { type: string; elements?: { action_id: string; value: string; confirm?: unknown; style?: string }[] }[];
    };
    const buttons = posted.blocks.flatMap((b) => b.elements ?? []).filter((e) => "action_id" in e);
    return { approval, buttons, ts: approval.message?.messageId ?? "" };
  }

  function clickBody(userId: string, actionId: string, value: string, ts: string, ephemeral = false): string {
    const payload = {
      type: "block_actions",
      user: { id: userId, username: userId.toLowerCase(), team_id: "T0DEMO" },
      api_app_id: "A0DAYBOOK",
      token: "legacy",
      container: { type: "message", message_ts: ts, channel_id: thread.channel, is_ephemeral: ephemeral },
      trigger_id: "1.2.3",
      team: { id: "T0DEMO", domain: "demo" },
      channel: { id: thread.channel, name: "sales" },
      message: { type: "message", ts, thread_ts: thread.thread, text: "approval" },
      response_url: `${fake.url}/respond`,
      actions: [{ type: "button", action_id: actionId, block_id: "b1", value, action_ts: "1763888500.000001" }],
    };
    return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  }

  it("executes an approved action once and updates the card, even when clicked twice", async () => {
    executed.length = 0;
    const { approval, buttons, ts } = await postApprovalCard();
    const approve = buttons.find((b) => b.action_id.startsWith(APPROVE_ACTION_ID));
    expect(approve?.style).toBe("primary");
    expect(approve?.confirm).toBeDefined();
    fake.requests.length = 0;
    const form = { contentType: "application/x-www-form-urlencoded" };
    expect((await h.send(clickBody(alex, approve?.action_id ?? "", approve?.value ?? "", ts), form)).status).toBe(200);
    expect((await h.send(clickBody(alex, approve?.action_id ?? "", approve?.value ?? "", ts), form)).status).toBe(200);
    await h.settle();
    expect(executed).toEqual([approval.id]);
    const updates = calls(fake, "chat.update");
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates[0]).toMatchObject({ channel: thread.channel, ts });
    // The decided card has no buttons left.
    expect(JSON.stringify(updates[0]?.blocks)).not.toContain(APPROVE_ACTION_ID);
    expect((await approvals.get(approval.id))?.status).toBe("approved");
  });

  it("replaces a privately shown approval card through its response_url", async () => {
    executed.length = 0;
    const { approval, buttons, ts } = await postApprovalCard();
    const approve = buttons.find((b) => b.action_id.startsWith(APPROVE_ACTION_ID));
    fake.requests.length = 0;
    const res = await h.send(clickBody(alex, approve?.action_id ?? "", approve?.value ?? "", ts, true), {
      contentType: "application/x-www-form-urlencoded",
    });
    expect(res.status).toBe(200);
    await h.settle();
    expect(executed).toEqual([approval.id]);
    expect(calls(fake, "chat.update")).toHaveLength(0);
    const replaced = fake.requests.filter((r) => r.path === "/respond").map((r) => JSON.parse(r.body));
    expect(replaced).toEqual([expect.objectContaining({ replace_original: true, blocks: expect.any(Array) })]);
  });

  it("tells a user who may not approve privately, and executes nothing", async () => {
    executed.length = 0;
    const { approval, buttons, ts } = await postApprovalCard();
    const approve = buttons.find((b) => b.action_id.startsWith(APPROVE_ACTION_ID));
    fake.requests.length = 0;
    const res = await h.send(clickBody(maria, approve?.action_id ?? "", approve?.value ?? "", ts), {
      contentType: "application/x-www-form-urlencoded",
    });
    expect(res.status).toBe(200);
    await h.settle();
    expect(executed).toEqual([]);
    expect(calls(fake, "chat.update")).toHaveLength(0);
    const notices = calls(fake, "chat.postEphemeral");
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ channel: thread.channel, user: maria });
    expect((await approvals.get(approval.id))?.status).toBe("pending");
  });
});

// ---- configuration and dedup edges ----------------------------------------------------------

describe("createSlackIntegration configuration", () => {
  const base = {
    botToken: "xoxb-test",
    socketMode: false,
    devSkipVerify: false,
    nodeEnv: "production",
    store: new MemoryStore({ clock }),
    logger: silentLogger,
    handle: async () => {},
    onClick: async () => ({ kind: "none" as const }),
  };

  it("refuses to start without a signing secret and names SLACK_SIGNING_SECRET", () => {
    expect(() => createSlackIntegration(base)).toThrow(DaybookError);
    expect(() => createSlackIntegration(base)).toThrow(/SLACK_SIGNING_SECRET/);
  });

  it("refuses the dev skip-verify flag in production", () => {
    expect(() => createSlackIntegration({ ...base, devSkipVerify: true })).toThrow(/refused when NODE_ENV=production/);
  });

  it("refuses Socket Mode without an app token and names SLACK_APP_TOKEN", () => {
    expect(() => createSlackIntegration({ ...base, socketMode: true })).toThrow(/SLACK_APP_TOKEN/);
  });

  it("uses Socket Mode instead of the HTTP route when asked (no public URL needed)", async () => {
    const slack = createSlackIntegration({ ...base, socketMode: true, appToken: "xapp-1-test" });
    const res = await slack.route.handle(new Request("http://local/slack/events", { method: "POST", body: "{}" }), {
      waitUntil: () => {},
    });
    // Connecting, acking and reconnecting over the socket: test/slack-socket-mode.test.ts.
    expect(res.status).toBe(404);
  });

  it("accepts unsigned requests only with the dev flag outside production", async () => {
    const fake = await startFakeSlack();
    const slack = createSlackIntegration({
      ...base,
      devSkipVerify: true,
      nodeEnv: "development",
      apiUrl: `${fake.url}/api/`,
    });
    const inFlight = new InFlight();
    const http = createServer({ store: base.store, logger: silentLogger, inFlight, routes: [slack.route] });
    const res = await http.request("/slack/events", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "url_verification", challenge: "abc" }),
    });
    expect(await res.json()).toEqual({ challenge: "abc" });
    await fake.close();
  });
});

/** A real MemoryStore whose writes can be made to fail, like a Redis that went away. */
class FlakyStore extends MemoryStore {
  down = false;
  override async setIfAbsent(...args: Parameters<MemoryStore["setIfAbsent"]>): Promise<boolean> {
    if (this.down) throw new DaybookError("store_unavailable", "store is down");
    return super.setIfAbsent(...args);
  }
}

describe("event dedup marking", () => {
  it("leaves no mark for a delivery that failed before hand-off, so Slack's retry is answered", async () => {
    const fake = await startFakeSlack();
    const h = await harness(new MemoryStore({ clock }), fake);
    const id = nextEventId();
    const event = mention("what's blocking the sprint?", "1763888000.001000");
    const first = await h.sendEvent(event, id, { "x-slack-signature": "v0=deadbeef" });
    await h.settle();
    expect(first.status).toBe(401);
    const retry = await h.sendEvent(event, id, { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_error" });
    await h.settle();
    expect(retry.status).toBe(200);
    expect(calls(fake, "chat.postMessage")).toHaveLength(1);
    await fake.close();
  });

  it("still answers an event when the dedup store is down (Slack already has its 200)", async () => {
    const fake = await startFakeSlack();
    const store = new FlakyStore({ clock });
    const h = await harness(store, fake);
    store.down = true;
    const res = await h.sendEvent(mention("hello", "1763888000.001100"), nextEventId());
    await h.settle();
    expect(res.status).toBe(200);
    expect(calls(fake, "chat.postMessage")).toHaveLength(1);
    await fake.close();
  });

  it("remembers a handed-off event for at least ten minutes", async () => {
    const c = fixedClock("2026-11-23T09:00:00Z");
    const dedup = new EventDedup({ store: new MemoryStore({ clock: c }), ttlMs: 60_000 });
    expect(await dedup.markHandedOff("Ev1")).toBe(true);
    expect(await dedup.markHandedOff("Ev1")).toBe(false);
    c.advance(9 * 60_000);
    expect(await dedup.markHandedOff("Ev1")).toBe(false);
    c.advance(2 * 60_000);
    expect(await dedup.markHandedOff("Ev1")).toBe(true);
  });
});

describe("SlackChatAdapter against the Web API", () => {
  const channelTop: ThreadRef = { platform: "slack", workspace: "T0DEMO", channel: "C0DIGEST", thread: "" };

  function adapterFor(url: string) {
    return createSlackIntegration({
      signingSecret: secret,
      botToken: "xoxb-test-token",
      socketMode: false,
      apiUrl: `${url}/api/`,
      devSkipVerify: false,
      nodeEnv: "test",
      store: new MemoryStore({ clock }),
      logger: silentLogger,
      clock,
      handle: async () => {},
      onClick: async () => ({ kind: "none" }),
    }).adapter;
  }

  it("posts a digest at the channel's top level and returns the message ts as the receipt", async () => {
    const fake = await startFakeSlack();
    const receipt = await adapterFor(fake.url).post(channelTop, {
      header: "Standup",
      blocks: [{ type: "text", text: "**3** blockers" }],
    });
    expect(receipt).toEqual({
      platform: "slack",
      thread: channelTop,
      messageId: "1763888400.000001",
      postedAt: clock.now(),
    });
    const [post] = calls(fake, "chat.postMessage");
    expect(post?.thread_ts).toBeUndefined();
    expect(post).toMatchObject({ channel: "C0DIGEST", text: "Standup" });
    await fake.close();
  });

  it("waits out a 429 with Retry-After and then posts exactly once", async () => {
    let attempts = 0;
    const fake = await startFakeServer(() => {
      attempts++;
      if (attempts === 1)
        return { status: 429, headers: { "retry-after": "0" }, body: { ok: false, error: "ratelimited" } };
      return { body: { ok: true, channel: "C0DIGEST", ts: "1763888400.000777" } };
    });
    const receipt = await adapterFor(fake.url).post(channelTop, { blocks: [{ type: "text", text: "hi" }] });
    expect(receipt.messageId).toBe("1763888400.000777");
    expect(fake.requests).toHaveLength(2);
    await fake.close();
  });

  it("does not resend a post that failed with a 5xx, because Slack may already have posted it", async () => {
    const fake = await startFakeServer(() => ({ status: 503, body: "unavailable" }));
    const error = await adapterFor(fake.url)
      .post(channelTop, { blocks: [{ type: "text", text: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaybookError);
    expect((error as DaybookError).code).toBe("upstream_unavailable");
    expect(JSON.stringify(error)).not.toContain("xoxb-test-token");
    expect(fake.requests).toHaveLength(1);
    await fake.close();
  });

  it("reports Slack's error code (not the payload) when Slack refuses a post", async () => {
    const fake = await startFakeServer(() => ({ body: { ok: false, error: "channel_not_found" } }));
    const error = (await adapterFor(fake.url)
      .post(channelTop, { blocks: [{ type: "text", text: "secret numbers" }] })
      .catch((e: unknown) => e)) as DaybookError;
    expect(error.code).toBe("upstream_error");
    expect(error.message).toBe("slack chat.postMessage: channel_not_found");
    await fake.close();
  });
});
