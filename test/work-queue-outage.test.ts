import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/core/logger.ts";
import { RedisStreamQueue } from "../src/queue/redis-stream-queue.ts";
import { RedisStore } from "../src/store/redis-store.ts";
import { baseOptions, eventually } from "./work-queue-contract.ts";

const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function startRedis(port: number): ChildProcess {
  // No persistence: a restart comes back empty, so the queue must also recreate its group.
  return spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
}

/** A private redis-server the test can kill and restart; the shared one serves other suites. */
describe.skipIf(!hasRedisServer)("RedisStreamQueue when Redis goes away", () => {
  const servers: ChildProcess[] = [];
  let store: RedisStore | undefined;
  let queue: RedisStreamQueue | undefined;

  afterAll(async () => {
    await queue?.stop(0);
    await store?.close().catch(() => {});
    for (const s of servers) s.kill("SIGKILL");
  });

  it("keeps its read loop through a Redis restart, logs the outage once, and runs jobs queued afterwards", async () => {
    const port = await freePort();
    servers.push(startRedis(port));
    const lines: string[] = [];
    const logger = createLogger({ level: "info", write: (line) => lines.push(line) });
    await eventually(async () => {
      store = await RedisStore.connect({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 500 });
    });
    queue = new RedisStreamQueue(store!, { ...baseOptions, logger });
    const ran: unknown[] = [];
    queue.startWorkers({ concurrency: 1, handlers: { turn: async (job) => void ran.push(job.payload.n) } });
    await queue.enqueue({ kind: "turn", payload: { n: 1 } });
    await eventually(() => expect(ran).toEqual([1]));

    servers[0]!.kill("SIGKILL");
    await eventually(() => expect(lines.some((l) => l.includes("work queue cannot reach Redis"))).toBe(true));
    await expect(queue.enqueue({ kind: "turn", payload: { n: 2 } })).rejects.toMatchObject({
      code: "store_unavailable",
    });
    // Let the loop retry a few times while Redis is down.
    await new Promise((resolve) => setTimeout(resolve, 800));

    servers.push(startRedis(port));
    await eventually(async () => {
      expect((await queue!.enqueue({ kind: "turn", payload: { n: 3 } })).status).toBe("queued");
    }, 15_000);
    await eventually(() => expect(ran).toEqual([1, 3]), 15_000);
    expect(lines.filter((l) => l.includes("work queue cannot reach Redis"))).toHaveLength(1);
    expect(lines.some((l) => l.includes("work queue reaches Redis again"))).toBe(true);
  });
});
