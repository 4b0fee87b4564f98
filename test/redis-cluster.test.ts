/**
 * Redis Cluster (issue 15, item 6): the Store contract, the work-queue contract and the
 * composed app's web → worker path, on the local three-master cluster that .ci/run starts.
 */
import { randomUUID } from "node:crypto";
import type { Hono } from "hono";
import type { RedisClientType } from "redis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { signSlackRequest } from "../adapters/slack/webhook/verify.ts";
import { demoOrg as demo } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import type { OrgConfig } from "../src/config/org.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { type App, compose } from "../src/main.ts";
import { createRateLimiter } from "../src/queue/rate-limit.ts";
import { RedisStreamQueue } from "../src/queue/redis-stream-queue.ts";
import { createServer } from "../src/server.ts";
import { RedisStore } from "../src/store/redis-store.ts";
import { parseRedisTarget } from "../src/store/redis-target.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { storeContract } from "./store-contract.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";
import { connectTestCluster, redisClusterSkipReason, redisClusterUrl } from "./support/redis-cluster.ts";
import { baseOptions, eventually, workQueueContract } from "./work-queue-contract.ts";

describe("REDIS_URL for a Redis Cluster", () => {
  it("reads the seed nodes and credentials of a redis+cluster:// URL", () => {
    expect(parseRedisTarget("redis+cluster://ops:s%40cret@10.0.0.1:7001,10.0.0.2:7002/")).toEqual({
      kind: "cluster",
      rootNodes: ["redis://10.0.0.1:7001", "redis://10.0.0.2:7002"],
      tls: false,
      username: "ops",
      password: "s@cret",
    });
    expect(parseRedisTarget("rediss+cluster://cache.internal:6380")).toMatchObject({
      rootNodes: ["rediss://cache.internal:6380"],
      tls: true,
    });
    expect(parseRedisTarget("redis://127.0.0.1:6379")).toEqual({ kind: "single", url: "redis://127.0.0.1:6379" });
  });

  it("refuses a cluster URL without host:port nodes, saying how to write one", () => {
    expect(() => parseRedisTarget("redis+cluster://10.0.0.1")).toThrow(/REDIS_URL.*host:port.*Fix/);
  });

  it("accepts redis+cluster:// in the environment and refuses other schemes naming the variable", () => {
    expect(loadConfig({ REDIS_URL: "redis+cluster://127.0.0.1:7001" }).env.REDIS_URL).toBe(
      "redis+cluster://127.0.0.1:7001",
    );
    expect(() => loadConfig({ REDIS_URL: "cluster://127.0.0.1:7001" })).toThrow(/REDIS_URL/);
  });

  it("fails to connect to an unreachable cluster naming its nodes and never its password", async () => {
    const error = await RedisStore.connect({
      url: "redis+cluster://ops:hunter2-secret@127.0.0.1:1,127.0.0.1:2",
      connectTimeoutMs: 500,
    }).then(
      () => new Error("connected"),
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ code: "store_unavailable" });
    expect(error.message).toContain("127.0.0.1:1");
    expect(error.message).toContain("REDIS_URL");
    expect(error.message).not.toContain("hunter2");
  });
});

describe.skipIf(redisClusterSkipReason !== undefined)("on a three-master Redis Cluster", () => {
  storeContract("RedisStore on Redis Cluster", {
    create: () => connectTestCluster(),
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });

  workQueueContract("RedisStreamQueue on Redis Cluster", {
    open: async () => {
      const store = await connectTestCluster();
      return {
        queue: (options) => new RedisStreamQueue(store, { ...baseOptions, ...options }),
        close: () => store.close(),
      };
    },
  });

  const stores: RedisStore[] = [];
  const queues: RedisStreamQueue[] = [];
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.stop(0)));
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  const connect = async (prefix?: string) => {
    const store = await connectTestCluster(prefix);
    stores.push(store);
    return store;
  };
  const masters = async (store: RedisStore): Promise<RedisClientType[]> => {
    // One connection per master, reached through keys that hash to each of the three slots ranges.
    const cluster = store.client as unknown as { masters: { host: string; port: number }[] };
    return Promise.all(cluster.masters.map(async (m) => store.nodeClientFor(await keyOn(store, m.port))));
  };
  /** A key whose slot the master on `port` owns. */
  const keyOn = async (store: RedisStore, port: number): Promise<string> => {
    for (let i = 0; i < 10_000; i++) {
      const key = `probe-${i}`;
      const node = (await store.nodeClientFor(key)) as unknown as { options?: { socket?: { port?: number } } };
      if (node.options?.socket?.port === port) return key;
    }
    throw new Error(`no key found for the master on ${port}`);
  };

  it("runs against a real cluster of three masters, with store keys spread over all of them", async () => {
    const prefix = `test:${randomUUID()}:`;
    const store = await connect(prefix);
    expect(store.isCluster).toBe(true);
    for (let i = 0; i < 60; i++) await store.set(`thread:${i}`, String(i));
    const nodes = await masters(store);
    expect(nodes).toHaveLength(3);
    const perNode = await Promise.all(nodes.map((n) => n.keys(`${prefix}*`)));
    expect(perNode.every((keys) => keys.length > 0)).toBe(true);
    expect(perNode.flat()).toHaveLength(60);
  });

  it("keeps a queue's stream and its idempotency keys in one hash slot", async () => {
    const store = await connect();
    const queue = new RedisStreamQueue(store, { ...baseOptions, name: "turns" });
    queues.push(queue);
    const node = await store.nodeClientFor(queue.streamKey);
    const slotOf = (key: string) => node.sendCommand(["CLUSTER", "KEYSLOT", key]) as Promise<number>;
    const streamSlot = await slotOf(queue.streamKey);
    for (const key of ["slack:Ev01", "teams:activity-1", "approval:abc"]) {
      expect(await slotOf(`${queue.streamKey}:key:${key}`)).toBe(streamSlot);
    }
    expect(await queue.enqueue({ kind: "turn", payload: {}, key: "slack:Ev01" })).toMatchObject({ status: "queued" });
    expect(await queue.enqueue({ kind: "turn", payload: {}, key: "slack:Ev01" })).toEqual({ status: "duplicate" });
  });

  it("sends the queue's scripts again after every master forgot them (EVALSHA, NOSCRIPT, EVAL per node)", async () => {
    const prefix = `test:${randomUUID()}:`;
    const store = await connect(prefix);
    const queues3 = ["turns", "actions", "digests"].map(
      (name) => new RedisStreamQueue(store, { ...baseOptions, name }),
    );
    queues.push(...queues3);
    for (const q of queues3) await q.enqueue({ kind: "turn", payload: {} });
    await Promise.all((await masters(store)).map((n) => n.scriptFlush()));
    for (const q of queues3) expect(await q.enqueue({ kind: "turn", payload: {} })).toMatchObject({ status: "queued" });
  });

  it("ends a worker's blocking read on the stream's own node when it stops", async () => {
    const store = await connect();
    const queue = new RedisStreamQueue(store, { ...baseOptions, blockMs: 30_000 });
    queues.push(queue);
    const done: string[] = [];
    queue.startWorkers({ concurrency: 1, handlers: { turn: async (job) => void done.push(job.id) } });
    await queue.enqueue({ kind: "turn", payload: {} });
    await eventually(() => expect(done).toHaveLength(1));
    // Now blocked in XREADGROUP for up to 30 s: CLIENT UNBLOCK sent to any other master would
    // be a no-op and stop() would wait out its whole timeout.
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    expect(await queue.stop(20_000)).toEqual({ finished: 0, handedBack: 0 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("shares one rate limit between two replicas' connections to the cluster", async () => {
    const prefix = `test:${randomUUID()}:`;
    const [a, b] = [await connect(prefix), await connect(prefix)];
    const limitA = createRateLimiter({ store: a, points: 2, durationSec: 60, keyPrefix: "asks" });
    const limitB = createRateLimiter({ store: b, points: 2, durationSec: 60, keyPrefix: "asks" });
    expect(await limitA.consume("U0ALEX")).toEqual({ allowed: true });
    expect(await limitB.consume("U0ALEX")).toEqual({ allowed: true });
    expect(await limitA.consume("U0ALEX")).toMatchObject({ allowed: false });
    expect(await limitB.consume("U0MARIA")).toEqual({ allowed: true });
  });
});

describe.skipIf(redisClusterSkipReason !== undefined)("the composed app on Redis Cluster", () => {
  const secret = "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f";
  const clock = fixedClock("2026-11-23T09:00:00Z");
  const org: OrgConfig = {
    ...demo,
    channels: { ...demo.channels, ops: { slack: "C0OPS", audience: ["jira", "crm", "accounting"] } },
  };
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  let seq = 0;
  const apps: App[] = [];
  const args = (req: RecordedRequest): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(req.body)) out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    return (req.headers["content-type"] ?? "").includes("json") ? JSON.parse(req.body || "{}") : out;
  };
  // Posts as they read now: a chat.update replaces a post, and a turn's "Working on it…"
  // placeholder counts once its answer replaced it (as in test/intake-queue.test.ts).
  const posted: { ts: string; args: Record<string, unknown> }[] = [];
  const posts = (ts: string) =>
    posted
      .map((p) => p.args)
      .filter(
        (a) =>
          (a.metadata as { event_payload?: { placeholder?: unknown } } | undefined)?.event_payload?.placeholder !==
          true,
      )
      .filter((p) => p.thread_ts === ts);

  beforeAll(async () => {
    fake = await startFakeServer((req) => {
      if (req.path === "/api/chat.postMessage") {
        const ts = `1763888400.${String(++seq).padStart(6, "0")}`;
        posted.push({ ts, args: args(req) });
        return { body: { ok: true, channel: args(req).channel, ts } };
      }
      if (req.path === "/api/chat.update") {
        const update = args(req);
        const i = posted.findIndex((p) => p.ts === update.ts && p.args.channel === update.channel);
        const before = posted[i];
        if (before) {
          posted[i] = {
            ts: before.ts,
            args: {
              ...before.args,
              text: update.text,
              blocks: update.blocks,
              ...(update.metadata ? { metadata: update.metadata } : {}),
            },
          };
        }
        return { body: { ok: true, channel: update.channel, ts: update.ts } };
      }
      if (req.path === "/api/conversations.members") {
        return { body: { ok: true, members: ["U0DEMOALEX", "U0BOT"], response_metadata: { next_cursor: "" } } };
      }
      if (req.path === "/api/auth.test") return { body: { ok: true, user_id: "U0BOT" } };
      return { body: { ok: true } };
    });
  });
  afterAll(async () => {
    for (const app of apps.splice(0)) await app.close().catch(() => {});
    await fake?.close();
  });

  async function replica(prefix: string, role: "web" | "worker"): Promise<Hono> {
    const store = await connectTestCluster(prefix);
    const { env } = loadConfig({
      SLACK_SIGNING_SECRET: secret,
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_API_URL: `${fake.url}/api/`,
      REDIS_URL: redisClusterUrl ?? "",
    });
    const app = await compose(
      { env, org, orgSource: "test" },
      { store, ports: createDemoPorts({ clock }), clock, logger: silentLogger, platforms: true, role },
    );
    apps.push(app);
    return createServer({ store, logger: silentLogger, inFlight: app.inFlight, routes: app.routes });
  }

  it("acks a mention on a web replica and a worker replica answers it once, in the thread", async () => {
    const prefix = `test:${randomUUID()}:`;
    const web = await replica(prefix, "web");
    await replica(prefix, "worker");
    const ts = `1763888000.${String(Date.now()).slice(-6)}`;
    const now = Math.floor(clock.now() / 1000);
    const event = {
      type: "app_mention",
      user: "U0DEMOALEX",
      text: "<@U0BOT> what's blocking the sprint?",
      ts,
      channel: "C0OPS",
      event_ts: ts,
    };
    const body = JSON.stringify({
      token: "legacy",
      team_id: "T0DEMO",
      api_app_id: "A0DAYBOOK",
      type: "event_callback",
      event_id: `Ev${randomUUID().slice(0, 8)}`,
      event_time: now,
      event,
      authorizations: [{ team_id: "T0DEMO", user_id: "U0BOT", is_bot: true }],
    });
    const headers = {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(now),
      "x-slack-signature": signSlackRequest(secret, now, body),
    };
    expect((await web.request("/slack/events", { method: "POST", body, headers })).status).toBe(200);
    // Slack retries an event it thinks was lost; the retry is the same event and gets no second answer.
    await web.request("/slack/events", { method: "POST", body, headers: { ...headers, "x-slack-retry-num": "1" } });
    await vi.waitFor(() => expect(posts(ts)).toHaveLength(1), { timeout: 15_000 });
    expect(`${String(posts(ts)[0]?.text)} ${JSON.stringify(posts(ts)[0]?.blocks)}`).toMatch(/block/i);
    await new Promise((r) => setTimeout(r, 300));
    expect(posts(ts)).toHaveLength(1);
  });
});
