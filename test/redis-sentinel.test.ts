/**
 * Redis Sentinel (issue 15, item 6): REDIS_URL=redis+sentinel://..., the Store contract and the
 * work-queue contract on a master watched by a sentinel (a master, a replica and a sentinel on
 * loopback, started by .ci/redis-sentinel.sh), and a failover the store and the queue live through.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.ts";
import { RedisStreamQueue } from "../src/queue/redis-stream-queue.ts";
import { RedisStore } from "../src/store/redis-store.ts";
import { parseRedisTarget } from "../src/store/redis-target.ts";
import { storeContract } from "./store-contract.ts";
import { startMain } from "./support/process.ts";
import {
  connectTestSentinel,
  currentMasterPort,
  redisCli,
  redisSentinelSkipReason,
  redisSentinelUrl,
  sentinelMaster,
  sentinelPort,
} from "./support/redis-sentinel.ts";
import { baseOptions, eventually, workQueueContract } from "./work-queue-contract.ts";

describe("REDIS_URL for Redis Sentinel", () => {
  it("reads the sentinels, the master's name, the database and both sets of credentials", () => {
    expect(
      parseRedisTarget(
        "redis+sentinel://ops:s%40cret@10.0.0.1:26379,[::1]:26380/prod-master/2?sentinelPassword=watch%2Fer",
      ),
    ).toEqual({
      kind: "sentinel",
      masterName: "prod-master",
      sentinels: [
        { host: "10.0.0.1", port: 26379 },
        { host: "::1", port: 26380 },
      ],
      database: 2,
      tls: false,
      username: "ops",
      password: "s@cret",
      sentinelUsername: undefined,
      sentinelPassword: "watch/er",
    });
    expect(parseRedisTarget("rediss+sentinel://sentinel.internal:26379/mymaster/")).toMatchObject({
      kind: "sentinel",
      masterName: "mymaster",
      database: undefined,
      tls: true,
      password: undefined,
    });
  });

  it("refuses a sentinel URL without the master's name, with a bad host or database, saying how to write one", () => {
    expect(() => parseRedisTarget("redis+sentinel://10.0.0.1:26379")).toThrow(/REDIS_URL.*master's name.*Fix: e\.g\./);
    expect(() => parseRedisTarget("redis+sentinel://10.0.0.1/mymaster")).toThrow(/REDIS_URL.*host:port.*Fix/);
    expect(() => parseRedisTarget("redis+sentinel://10.0.0.1:26379/mymaster/zero")).toThrow(
      /REDIS_URL.*database.*"zero".*Fix/,
    );
    expect(() => parseRedisTarget("redis+sentinel://10.0.0.1:26379/mymaster?password=x")).toThrow(
      /REDIS_URL.*unknown parameter "password"/,
    );
    expect(() => parseRedisTarget("redis+sentinel://10.0.0.1:26379/mymaster")).not.toThrow();
  });

  it("accepts redis+sentinel:// in the environment, and the config error for another scheme names it", () => {
    expect(loadConfig({ REDIS_URL: "redis+sentinel://127.0.0.1:26379/mymaster" }).env.REDIS_URL).toBe(
      "redis+sentinel://127.0.0.1:26379/mymaster",
    );
    expect(() => loadConfig({ REDIS_URL: "sentinel://127.0.0.1:26379/mymaster" })).toThrow(/REDIS_URL.*sentinel/s);
  });

  it("fails to connect to unreachable sentinels within the connect timeout, naming them and never the password", async () => {
    const started = Date.now();
    const error = await RedisStore.connect({
      url: "redis+sentinel://ops:hunter2-secret@127.0.0.1:1,127.0.0.1:2/mymaster?sentinelPassword=other-secret",
      connectTimeoutMs: 500,
    }).then(
      () => new Error("connected"),
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ code: "store_unavailable" });
    expect(error.message).toContain('"mymaster"');
    expect(error.message).toContain("127.0.0.1:1, 127.0.0.1:2");
    expect(error.message).toContain("REDIS_URL");
    expect(error.message).not.toMatch(/hunter2|other-secret/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe.skipIf(redisSentinelSkipReason !== undefined)("on a master watched by Redis Sentinel", () => {
  storeContract("RedisStore behind Sentinel", {
    create: () => connectTestSentinel(),
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });

  workQueueContract("RedisStreamQueue behind Sentinel", {
    open: async () => {
      const store = await connectTestSentinel();
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
    const store = await connectTestSentinel(prefix);
    stores.push(store);
    return store;
  };

  it("writes to the master the sentinel names, and the replica gets the same keys", async () => {
    const prefix = `test:${randomUUID()}:`;
    const store = await connect(prefix);
    expect(store.kind).toBe("sentinel");
    expect(store.isCluster).toBe(false);
    await store.set("thread:1", "hello");
    const master = currentMasterPort();
    const replica = master === 7101 ? 7102 : 7101;
    expect(redisCli(master, "get", `${prefix}thread:1`)).toBe("hello");
    redisCli(master, "wait", "1", "2000");
    expect(redisCli(replica, "get", `${prefix}thread:1`)).toBe("hello");
  });

  it("keeps the shared connection free while a worker blocks on the stream, and ends the block when it stops", async () => {
    const store = await connect();
    const queue = new RedisStreamQueue(store, { ...baseOptions, blockMs: 30_000 });
    queues.push(queue);
    const done: string[] = [];
    queue.startWorkers({ concurrency: 1, handlers: { turn: async (job) => void done.push(job.id) } });
    await queue.enqueue({ kind: "turn", payload: {} });
    await eventually(() => expect(done).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 200));
    // Blocked in XREADGROUP for up to 30 s, on a connection of its own: the store still answers.
    const before = Date.now();
    await store.set("k", "v");
    expect(await store.get("k")).toBe("v");
    expect(Date.now() - before).toBeLessThan(1_000);
    const clients = redisCli(currentMasterPort(), "client", "list");
    expect(clients).toMatch(/name=daybook-queue-reader:\S+ .*cmd=xreadgroup/);
    const started = Date.now();
    expect(await queue.stop(20_000)).toEqual({ finished: 0, handedBack: 0 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("lives through a failover: the store and the queue work on the promoted replica", async () => {
    const prefix = `test:${randomUUID()}:`;
    const store = await connect(prefix);
    const queue = new RedisStreamQueue(store, { ...baseOptions, blockMs: 500 });
    queues.push(queue);
    const done: string[] = [];
    queue.startWorkers({
      concurrency: 2,
      handlers: { turn: async (job) => void done.push((job.payload as { n: string }).n) },
    });
    await store.set("approval:1", "pending");
    expect(await queue.enqueue({ kind: "turn", payload: { n: "before" }, key: "slack:Ev1" })).toMatchObject({
      status: "queued",
    });
    await eventually(() => expect(done).toEqual(["before"]));
    const oldMaster = currentMasterPort();
    redisCli(oldMaster, "wait", "1", "2000");

    expect(redisCli(sentinelPort, "sentinel", "failover", sentinelMaster)).toBe("OK");
    await eventually(() => expect(currentMasterPort()).not.toBe(oldMaster), 20_000);
    await eventually(() => expect(redisCli(oldMaster, "role").split("\n")[0]).toBe("slave"), 20_000);

    // Commands go to the new master (the client retries what the old one refused as READONLY).
    await eventually(
      async () => expect(await store.compareAndSet("approval:1", "pending", "approved")).toBe(true),
      20_000,
    );
    expect(redisCli(currentMasterPort(), "get", `${prefix}approval:1`)).toBe("approved");
    expect(await store.get("approval:1")).toBe("approved");
    // A new job is read by the worker, whose blocking reader followed the failover on its own
    // Sentinel client; the job done before the failover is not run again.
    expect(await queue.enqueue({ kind: "turn", payload: { n: "after" }, key: "slack:Ev2" })).toMatchObject({
      status: "queued",
    });
    await eventually(() => expect(done).toContain("after"), 20_000);
    expect(done.filter((d) => d === "before")).toHaveLength(1);
    await eventually(async () => expect(await store.ping()).toBeUndefined());
  }, 60_000);

  it("runs the server on it: `node src/main.ts` with REDIS_URL=redis+sentinel://... is ready, web and worker thread", async () => {
    const { child, match, output } = await startMain(
      [],
      { PORT: "0", REDIS_URL: redisSentinelUrl },
      /"msg":"daybook listening".*?"port":(\d+)/,
    );
    expect(output()).toMatch(/"role":"all \(web, and worker in a worker thread\)"/);
    const res = await fetch(`http://127.0.0.1:${match[1]}/readyz`);
    expect(await res.json()).toEqual({ status: "ready" });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 60_000);
});
