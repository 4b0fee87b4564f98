import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { fixedClock } from "../src/core/clock.ts";
import type { Job, WorkQueue } from "../src/core/work-queue.ts";
import { createQueue } from "../src/queue/create-queue.ts";
import { MemoryQueue } from "../src/queue/memory-queue.ts";
import { createRateLimiter } from "../src/queue/rate-limit.ts";
import { RedisStreamQueue, type RedisStreamQueueOptions } from "../src/queue/redis-stream-queue.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import type { RedisStore } from "../src/store/redis-store.ts";
import { connectTestRedis, redisSkipReason } from "./support/redis.ts";
import { baseOptions, eventually, gate, workQueueContract } from "./work-queue-contract.ts";

workQueueContract("MemoryQueue", {
  open: async () => ({
    queue: (options) => new MemoryQueue({ ...baseOptions, ...options }),
    close: async () => {},
  }),
});

describe.skipIf(redisSkipReason)("RedisStreamQueue (real Redis)", () => {
  workQueueContract("RedisStreamQueue", {
    open: async () => {
      const store = await connectTestRedis();
      return {
        queue: (options) => new RedisStreamQueue(store, { ...baseOptions, ...options }),
        close: () => store.close(),
      };
    },
  });

  const stores: RedisStore[] = [];
  const queues: WorkQueue[] = [];
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.stop(0)));
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  const connect = async (prefix: string) => {
    const store = await connectTestRedis(prefix);
    stores.push(store);
    return store;
  };
  const queueOn = (store: RedisStore, options: Partial<RedisStreamQueueOptions> = {}) => {
    const queue = new RedisStreamQueue(store, { ...baseOptions, ...options });
    queues.push(queue);
    return queue;
  };
  const freshPrefix = () => `test:${randomUUID()}:`;

  it("finishes a job taken by a consumer that died (never acked, no heartbeat) on another consumer after reclaimIdleMs", async () => {
    const prefix = freshPrefix();
    const fast = { reclaimIdleMs: 300, heartbeatMs: 50, reclaimIntervalMs: 100 };
    const dying = queueOn(await connect(prefix), fast);
    let taken = 0;
    dying.startWorkers({ concurrency: 1, handlers: { turn: () => new Promise(() => void taken++) } });
    await dying.enqueue({ kind: "turn", payload: { q: "why" }, key: "event-9" });
    await eventually(() => expect(taken).toBe(1));
    // stop(0) ends its loop and heartbeat with the job unacknowledged: as if the process died.
    expect(await dying.stop(0)).toEqual({ finished: 0, handedBack: 1 });

    const survivor = queueOn(await connect(prefix), fast);
    const finished: Job[] = [];
    survivor.startWorkers({ concurrency: 1, handlers: { turn: async (job) => void finished.push(job) } });
    await eventually(() => expect(finished).toHaveLength(1));
    expect(finished[0]).toMatchObject({ payload: { q: "why" }, key: "event-9", deliveries: 2 });
    await eventually(async () => expect(await survivor.stats()).toMatchObject({ waiting: 0, running: 0 }));
    expect(await survivor.enqueue({ kind: "turn", payload: {}, key: "event-9" })).toMatchObject({ status: "queued" });
  });

  it("gives up a job whose workers stopped maxDeliveries times, without running it again", async () => {
    const prefix = freshPrefix();
    const fast = { reclaimIdleMs: 300, heartbeatMs: 50, reclaimIntervalMs: 100, maxDeliveries: 2 };
    let taken = 0;
    for (let i = 1; i <= 2; i++) {
      const dying = queueOn(await connect(prefix), fast);
      dying.startWorkers({ concurrency: 1, handlers: { turn: () => new Promise(() => void taken++) } });
      if (i === 1) await dying.enqueue({ kind: "turn", payload: {}, key: "crashy" });
      await eventually(() => expect(taken).toBe(i));
      await dying.stop(0);
    }
    const survivor = queueOn(await connect(prefix), fast);
    const gaveUp: Job[] = [];
    let ran = 0;
    survivor.startWorkers({
      concurrency: 1,
      handlers: { turn: async () => void ran++ },
      onGiveUp: async (job) => void gaveUp.push(job),
    });
    await eventually(() => expect(gaveUp).toHaveLength(1));
    expect(gaveUp[0]).toMatchObject({ key: "crashy", deliveries: 3 });
    expect(ran).toBe(0);
    await eventually(async () => expect(await survivor.stats()).toMatchObject({ waiting: 0, running: 0 }));
  });

  it("does not let another consumer steal a live long job while it heartbeats", async () => {
    const prefix = freshPrefix();
    const options = { reclaimIdleMs: 1_000, heartbeatMs: 100, reclaimIntervalMs: 100 };
    const a = queueOn(await connect(prefix), options);
    const b = queueOn(await connect(prefix), options);
    const runs: string[] = [];
    const longJob = (who: string) => async () => {
      runs.push(who);
      // Three times reclaimIdleMs: without heartbeats the other consumer would take it over.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    };
    a.startWorkers({ concurrency: 1, handlers: { turn: longJob("a") } });
    await a.enqueue({ kind: "turn", payload: {} });
    await eventually(() => expect(runs).toEqual(["a"]));
    b.startWorkers({ concurrency: 1, handlers: { turn: longJob("b") } });
    await eventually(async () => expect(await a.stats()).toMatchObject({ waiting: 0, running: 0 }), 15_000);
    expect(runs).toEqual(["a"]);
  });

  it("keeps entries across processes: a job enqueued before any worker started is run by a worker started later", async () => {
    const prefix = freshPrefix();
    const web = await connect(prefix);
    const enqueuer = queueOn(web);
    expect(await enqueuer.enqueue({ kind: "digest", payload: { channel: "C1" } })).toMatchObject({ status: "queued" });
    await web.close();

    const worker = queueOn(await connect(prefix));
    const ran: Job[] = [];
    worker.startWorkers({ concurrency: 1, handlers: { digest: async (job) => void ran.push(job) } });
    await eventually(() => expect(ran).toHaveLength(1));
    expect(ran[0]!.payload).toEqual({ channel: "C1" });
  });

  it("drops a poison entry without stopping the read loop", async () => {
    const store = await connect(freshPrefix());
    const queue = queueOn(store);
    await store.client.xAdd(queue.streamKey, "*", { job: "{not json" });
    await store.client.xAdd(queue.streamKey, "*", { other: "field" });
    await store.client.xAdd(queue.streamKey, "*", { job: JSON.stringify({ kind: "turn", payload: [] }) });
    await queue.enqueue({ kind: "turn", payload: { ok: true } });
    const ran: unknown[] = [];
    queue.startWorkers({ concurrency: 2, handlers: { turn: async (job) => void ran.push(job.payload) } });
    await eventually(() => expect(ran).toEqual([{ ok: true }]));
    await eventually(async () => expect(await store.client.xLen(queue.streamKey)).toBe(0));
    await queue.enqueue({ kind: "turn", payload: { after: true } });
    await eventually(() => expect(ran).toEqual([{ ok: true }, { after: true }]));
  });

  it("keeps reading after its blocking connection is killed", async () => {
    const store = await connect(freshPrefix());
    const queue = queueOn(store);
    const ran: unknown[] = [];
    queue.startWorkers({ concurrency: 1, handlers: { turn: async (job) => void ran.push(job.payload.n) } });
    await queue.enqueue({ kind: "turn", payload: { n: 1 } });
    await eventually(() => expect(ran).toEqual([1]));
    const readerName = `daybook-queue-reader:${queue.consumer}`;
    const list = await store.client.clientList();
    const reader = list.find((c) => c.name === readerName);
    expect(reader).toBeDefined();
    await store.client.clientKill({ filter: "ID", id: Number(reader!.id) });
    await queue.enqueue({ kind: "turn", payload: { n: 2 } });
    await eventually(() => expect(ran).toEqual([1, 2]));
  });

  it("blocks on its own connection, so the shared client answers while the reader waits", async () => {
    const store = await connect(freshPrefix());
    const queue = queueOn(store, { blockMs: 2_000 });
    queue.startWorkers({ concurrency: 1, handlers: {} });
    await eventually(async () => {
      const list = await store.client.clientList();
      expect(list.find((c) => c.name === `daybook-queue-reader:${queue.consumer}`)?.cmd).toBe("xreadgroup");
    });
    const started = Date.now();
    await store.set("k", "v");
    expect(await store.get("k")).toBe("v");
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("reports the age of the oldest unfinished entry from the injected clock", async () => {
    const store = await connect(freshPrefix());
    const clock = fixedClock(Date.now());
    const queue = queueOn(store, { clock });
    await queue.enqueue({ kind: "turn", payload: {} });
    clock.advance(60_000);
    const stats = await queue.stats();
    expect(stats.waiting).toBe(1);
    expect(stats.oldestAgeMs).toBeGreaterThanOrEqual(59_000);
    expect(stats.oldestAgeMs).toBeLessThan(70_000);
  });

  it("refuses to enqueue with store_unavailable when Redis cannot be reached", async () => {
    const store = await connect(freshPrefix());
    const queue = queueOn(store);
    await store.close();
    await expect(queue.enqueue({ kind: "turn", payload: {} })).rejects.toMatchObject({ code: "store_unavailable" });
  });

  it("limits per key across two replicas sharing Redis, and says when to retry", async () => {
    const prefix = freshPrefix();
    const one = createRateLimiter({ store: await connect(prefix), points: 3, durationSec: 60, keyPrefix: "user" });
    const two = createRateLimiter({ store: await connect(prefix), points: 3, durationSec: 60, keyPrefix: "user" });
    expect(await one.consume("U1")).toEqual({ allowed: true });
    expect(await two.consume("U1")).toEqual({ allowed: true });
    expect(await one.consume("U1")).toEqual({ allowed: true });
    const refused = await two.consume("U1");
    expect(refused.allowed).toBe(false);
    expect(refused.allowed === false && refused.retryAfterMs).toBeGreaterThan(50_000);
    expect(refused.allowed === false && refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(await two.consume("U2")).toEqual({ allowed: true });
  });

  it("still limits when Redis goes away, per process", async () => {
    const store = await connect(freshPrefix());
    const limiter = createRateLimiter({ store, points: 2, durationSec: 60, keyPrefix: "channel" });
    await store.close();
    expect(await limiter.consume("C1")).toEqual({ allowed: true });
    expect(await limiter.consume("C1")).toEqual({ allowed: true });
    expect((await limiter.consume("C1")).allowed).toBe(false);
  });

  it("creates a Redis Stream queue on a Redis store", async () => {
    const queue = createQueue(await connect(freshPrefix()), baseOptions);
    expect(queue).toBeInstanceOf(RedisStreamQueue);
    expect(queue.durable).toBe(true);
  });
});

describe("queue and limiter without Redis", () => {
  it("creates a bounded memory queue on a memory store", () => {
    const queue = createQueue(new MemoryStore(), baseOptions);
    expect(queue).toBeInstanceOf(MemoryQueue);
    expect(queue.durable).toBe(false);
  });

  it("allows N calls per key, then refuses with the time until the window ends", async () => {
    const limiter = createRateLimiter({ store: new MemoryStore(), points: 2, durationSec: 10, keyPrefix: "user" });
    expect(await limiter.consume("U1")).toEqual({ allowed: true });
    expect(await limiter.consume("U1")).toEqual({ allowed: true });
    const refused = await limiter.consume("U1");
    expect(refused).toMatchObject({ allowed: false });
    expect(refused.allowed === false && refused.retryAfterMs).toBeGreaterThan(5_000);
    expect(await limiter.consume("U2")).toEqual({ allowed: true });
  });

  it("refuses a payload that would not survive JSON", async () => {
    const queue = new MemoryQueue(baseOptions);
    await expect(queue.enqueue({ kind: "turn", payload: { n: 1n } })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("tells its caller a job is waiting when no worker runs yet, then runs it at start", async () => {
    const queue = new MemoryQueue(baseOptions);
    await queue.enqueue({ kind: "turn", payload: {} });
    const release = gate();
    queue.startWorkers({ concurrency: 1, handlers: { turn: async () => release.open() } });
    await release.promise;
    await queue.stop(100);
  });
});
