/**
 * Issue 11, kill -9 mid-burst: a process that dies at any point between taking a Slack event
 * and acknowledging its queue entry leaves exactly one reply in the thread. Deterministic: a
 * worker is stopped at a named point (its handler never continues, its consumer goes silent,
 * as after SIGKILL) and another consumer on the same Redis Stream takes the entry over. The
 * fake Slack Web API keeps tagged posts and returns them from conversations.replies, as Slack
 * does with include_all_metadata.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SlackChatAdapter } from "../adapters/slack/adapter.ts";
import { createSlackIntegration } from "../adapters/slack/app.ts";
import { createWebClient } from "../adapters/slack/web-client.ts";
import { signSlackRequest } from "../adapters/slack/webhook/verify.ts";
import { busyNotice, createIntake, NOTICE_JOB, TURN_JOB, turnKey, turnRememberMs } from "../src/bot/intake.ts";
import { type CrashPoints, createNoticeWorker, createTurnWorker } from "../src/bot/turn-worker.ts";
import { textCard } from "../src/core/card.ts";
import type { ChatAdapter, IncomingMessage, MessageHandler, ReplyAddress } from "../src/core/chat.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { JobHandler, JobInput, WorkQueue } from "../src/core/work-queue.ts";
import { InFlight } from "../src/in-flight.ts";
import { RedisStreamQueue } from "../src/queue/redis-stream-queue.ts";
import { createServer } from "../src/server.ts";
import type { RedisStore } from "../src/store/redis-store.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";
import { connectTestRedis, redisSkipReason } from "./support/redis.ts";
import { eventually } from "./work-queue-contract.ts";

const secret = "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f";

function apiArgs(req: RecordedRequest): Record<string, unknown> {
  if ((req.headers["content-type"] ?? "").includes("json")) return JSON.parse(req.body || "{}");
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(req.body)) out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  return out;
}

/** A process's death at this point: the promise never settles. */
const never = () => new Promise<void>(() => {});

describe.skipIf(redisSkipReason)("a worker killed mid-turn (real Redis)", () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  let seq = 0;
  /** thread_ts -> tagged posts, as conversations.replies returns them. */
  const tagged = new Map<string, { ts: string; metadata: unknown }[]>();
  const stores: RedisStore[] = [];
  const queues: WorkQueue[] = [];
  const posts = (thread: string) =>
    fake.requests.filter((r) => r.path === "/api/chat.postMessage").filter((r) => apiArgs(r).thread_ts === thread);

  beforeAll(async () => {
    fake = await startFakeServer((req) => {
      const a = apiArgs(req);
      if (req.path === "/api/chat.postMessage") {
        const ts = `1763999999.${String(++seq).padStart(6, "0")}`;
        if (a.metadata)
          tagged.set(String(a.thread_ts), [...(tagged.get(String(a.thread_ts)) ?? []), { ts, metadata: a.metadata }]);
        return { body: { ok: true, channel: a.channel, ts } };
      }
      if (req.path === "/api/conversations.replies") {
        if (String(a.ts).startsWith("1763888200.")) return { body: { ok: false, error: "missing_scope" } };
        return { body: { ok: true, messages: tagged.get(String(a.ts)) ?? [], has_more: false } };
      }
      return { body: { ok: true } };
    });
  });
  afterEach(async () => {
    for (const q of queues.splice(0)) await q.stop(0);
    for (const s of stores.splice(0)) await s.close();
  });
  afterAll(async () => {
    await fake.close();
  });

  const adapter = () =>
    new SlackChatAdapter({
      client: createWebClient({ token: "xoxb-test", apiUrl: `${fake.url}/api/`, logger: silentLogger }),
    });

  async function deployment() {
    const prefix = `test:${randomUUID()}:`;
    const store = await connectTestRedis(prefix);
    stores.push(store);
    const queue = (consumer: string) => {
      const q = new RedisStreamQueue(store, {
        name: "turns",
        maxDepth: 100,
        consumer,
        reclaimIdleMs: 300,
        heartbeatMs: 50,
        reclaimIntervalMs: 100,
        blockMs: 100,
      });
      queues.push(q);
      return q;
    };
    const slack = adapter();
    // As Bot.handle: a failed reply is followed by a short error reply.
    const answer: MessageHandler = async (message, responder) => {
      try {
        await responder.reply(textCard(`answer to ${message.text}`));
      } catch {
        await responder.reply(textCard("Something went wrong (trace 1234)"));
      }
    };
    /** Starts a worker; with `crash`, it dies at that point of its first turn. */
    const worker = (consumer: string, crash?: keyof CrashPoints | "beforeAck", chat: ChatAdapter = slack) => {
      const q = queue(consumer);
      const died = Promise.withResolvers<void>();
      const die = () => {
        died.resolve();
        return never();
      };
      const crashPoints: CrashPoints =
        crash === "afterClaim" ? { afterClaim: die } : crash === "afterPost" ? { afterPost: die } : {};
      const turn = createTurnWorker({
        adapters: { slack: chat },
        handle: answer,
        store,
        logger: silentLogger,
        crashPoints,
      });
      const handler: JobHandler =
        crash === "beforeAck"
          ? async (job) => {
              await turn(job);
              await die();
            }
          : turn;
      q.startWorkers({ handlers: { [TURN_JOB]: handler }, concurrency: 2 });
      return { queue: q, died: died.promise };
    };
    return { store, queue, worker, slack };
  }

  const turn = (thread: string, via?: ReplyAddress["via"]): JobInput => {
    const message: IncomingMessage = {
      thread: { platform: "slack", workspace: "T0DEMO", channel: "C0ENG", thread },
      user: { platform: "slack", id: "U0DEMOALEX" },
      text: "what's blocking the sprint?",
      messageId: thread,
      receivedAt: Date.now(),
    };
    const address: ReplyAddress = { platform: "slack", thread: message.thread, ...(via ? { via } : {}) };
    return { kind: TURN_JOB, payload: { message, address }, key: turnKey(message), rememberMs: turnRememberMs };
  };

  /** Kills the first worker at `point`, starts another, and returns the thread's posts once it settled. */
  async function killAt(point: keyof CrashPoints | "beforeAck"): Promise<number> {
    const d = await deployment();
    const thread = `1763888100.${String(++seq).padStart(6, "0")}`;
    const first = d.worker("first", point);
    expect((await first.queue.enqueue(turn(thread))).status).toBe("queued");
    await first.died;
    // SIGKILL: the consumer stops reading and heartbeating; its entry stays pending.
    expect((await first.queue.stop(0)).handedBack).toBe(1);
    const second = d.worker("second");
    await eventually(async () => expect(await second.queue.stats()).toMatchObject({ waiting: 0, running: 0 }), 15_000);
    // Nothing arrives late either.
    await new Promise((r) => setTimeout(r, 300));
    return posts(thread).length;
  }

  it("answers once when the worker died after claiming the post and before posting", async () => {
    expect(await killAt("afterClaim")).toBe(1);
  });

  it("answers once when the worker died after Slack took the post and before marking it", async () => {
    expect(await killAt("afterPost")).toBe(1);
  });

  it("answers once when the worker died after marking the post and before acknowledging the entry", async () => {
    expect(await killAt("beforeAck")).toBe(1);
  });

  it("answers a turn whose dead worker claimed the post when the thread cannot be searched, rather than stay silent", async () => {
    const d = await deployment();
    // conversations.replies refuses this thread (say the app lacks channels:history).
    const thread = `1763888200.${String(++seq).padStart(6, "0")}`;
    const first = d.worker("first", "afterClaim");
    await first.queue.enqueue(turn(thread));
    await first.died;
    await first.queue.stop(0);
    expect(await d.store.get(`turn:answered:${turnKey(turn(thread).payload.message as IncomingMessage)}`)).toMatch(
      /^posting:/,
    );
    const second = d.worker("second");
    await eventually(() => expect(posts(thread)).toHaveLength(1), 15_000);
    await eventually(async () => expect(await second.queue.stats()).toMatchObject({ waiting: 0, running: 0 }));
    expect(fake.requests.some((r) => r.path === "/api/conversations.replies" && apiArgs(r).ts === thread)).toBe(true);
  });

  it("posts no error reply when a post that failed on the way back had reached Slack", async () => {
    const d = await deployment();
    const thread = `1763888500.${String(++seq).padStart(6, "0")}`;
    let dropped = false;
    // The answer reaches Slack, then the connection drops before its response arrives.
    const flaky: ChatAdapter = {
      platform: "slack",
      post: (t, c) => d.slack.post(t, c),
      update: (m, c) => d.slack.update(m, c),
      notify: (t, u, x) => d.slack.notify(t, u, x),
      findTagged: (a, t) => d.slack.findTagged(a, t),
      responderFor: (a, o) => {
        const r = d.slack.responderFor(a, o);
        return {
          ...r,
          reply: async (card) => {
            const ref = await r.reply(card);
            if (dropped) return ref;
            dropped = true;
            throw new Error("socket hang up");
          },
        };
      },
    };
    const q = d.worker("only", undefined, flaky).queue;
    // The answer as a new post (no placeholder to replace), which is what fails on the way back.
    await q.enqueue(turn(thread, { placeholder: false }));
    await eventually(async () => expect(await q.stats()).toMatchObject({ waiting: 0, running: 0 }));
    expect(dropped).toBe(true);
    expect(posts(thread)).toHaveLength(1);
    expect(String(apiArgs(posts(thread)[0] as RecordedRequest).text)).toContain("answer to");
  });

  it("posts a queued busy notice once when its worker died before acknowledging it", async () => {
    const d = await deployment();
    const thread = `1763888600.${String(++seq).padStart(6, "0")}`;
    const address: ReplyAddress = {
      platform: "slack",
      thread: { platform: "slack", workspace: "T0DEMO", channel: "C0ENG", thread },
    };
    const notice = createNoticeWorker({ adapters: { slack: d.slack }, store: d.store, logger: silentLogger });
    const died = Promise.withResolvers<void>();
    const first = d.queue("first");
    first.startWorkers({
      concurrency: 1,
      handlers: {
        [NOTICE_JOB]: async (job) => {
          await notice(job);
          died.resolve();
          await never();
        },
      },
    });
    await first.enqueue({ kind: NOTICE_JOB, payload: { address, text: busyNotice }, key: `${thread}:busy` });
    await died.promise;
    await first.stop(0);
    const second = d.queue("second");
    second.startWorkers({ concurrency: 1, handlers: { [NOTICE_JOB]: notice } });
    await eventually(async () => expect(await second.stats()).toMatchObject({ waiting: 0, running: 0 }), 15_000);
    expect(posts(thread)).toHaveLength(1);
  });

  it("queues a redelivered message once: not while its turn runs, not after it was answered", async () => {
    const d = await deployment();
    const thread = `1763888300.${String(++seq).padStart(6, "0")}`;
    const q = d.worker("only").queue;
    expect((await q.enqueue(turn(thread))).status).toBe("queued");
    expect((await q.enqueue(turn(thread))).status).toBe("duplicate");
    await eventually(async () => expect(await q.stats()).toMatchObject({ waiting: 0, running: 0 }));
    // Slack's retry after the answer (its 200 was lost): still a duplicate, no second reply.
    expect((await q.enqueue(turn(thread))).status).toBe("duplicate");
    await new Promise((r) => setTimeout(r, 300));
    expect(posts(thread)).toHaveLength(1);
  });

  describe("over POST /slack/events", () => {
    async function web(queue: WorkQueue, store: RedisStore) {
      const inFlight = new InFlight();
      const slack = createSlackIntegration({
        signingSecret: secret,
        botToken: "xoxb-test-token",
        socketMode: false,
        apiUrl: `${fake.url}/api/`,
        devSkipVerify: false,
        nodeEnv: "test",
        store,
        logger: silentLogger,
        handle: createIntake({
          queue,
          handle: async () => {},
          logger: silentLogger,
          track: (w) => inFlight.track(w),
        }),
        handOffDeduplicates: true,
        onClick: async () => ({ kind: "none" }),
      });
      const http = createServer({ store, logger: silentLogger, inFlight, routes: [slack.route] });
      return (eventId: string, ts: string, retry?: number) => {
        const now = Math.floor(Date.now() / 1000);
        const body = JSON.stringify({
          token: "legacy",
          team_id: "T0DEMO",
          api_app_id: "A0DAYBOOK",
          type: "event_callback",
          event_id: eventId,
          event_time: now,
          event: { type: "app_mention", user: "U0DEMOALEX", text: "<@U0BOT> hi", ts, channel: "C0ENG", event_ts: ts },
          authorizations: [{ team_id: "T0DEMO", user_id: "U0BOT", is_bot: true }],
        });
        return http.request("/slack/events", {
          method: "POST",
          body,
          headers: {
            "content-type": "application/json",
            "x-slack-request-timestamp": String(now),
            "x-slack-signature": signSlackRequest(secret, now, body),
            ...(retry ? { "x-slack-retry-num": String(retry), "x-slack-retry-reason": "http_error" } : {}),
          },
        });
      };
    }

    it("answers Slack's retry of an event whose first delivery died before the enqueue, once", async () => {
      const d = await deployment();
      // The first process dies at the hand-off: its enqueue never reaches Redis.
      const dying: WorkQueue = {
        durable: true,
        enqueue: () => never().then(() => ({ status: "duplicate" as const })),
        startWorkers: () => {},
        stop: async () => ({ finished: 0, handedBack: 0 }),
        stats: async () => ({ waiting: 0, running: 0, oldestAgeMs: undefined }),
      };
      const ts = `1763888400.${String(++seq).padStart(6, "0")}`;
      void (await web(dying, d.store))("EvCrash1", ts);
      await new Promise((r) => setTimeout(r, 100));
      // Slack retries on the restarted process (no 200 came back); nothing marked must drop it.
      const send = await web(d.queue("web"), d.store);
      expect((await send("EvCrash1", ts, 1)).status).toBe(200);
      const worker = d.worker("w").queue;
      await eventually(() => expect(posts(ts)).toHaveLength(1), 15_000);
      await eventually(async () => expect(await worker.stats()).toMatchObject({ waiting: 0, running: 0 }));
      // A later retry of the answered event is refused by the same enqueue: no second reply.
      expect((await send("EvCrash1", ts, 2)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(posts(ts)).toHaveLength(1);
    });
  });
});
