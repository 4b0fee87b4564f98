import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../src/core/logger.ts";
import { InFlight } from "../src/in-flight.ts";
import { createServer as createHttp } from "../src/server.ts";
import { RedisStore } from "../src/store/redis-store.ts";

const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * A private redis-server that the test can freeze (SIGSTOP): a partitioned Redis accepts no
 * bytes and answers nothing, which is what a network split looks like to the client.
 */
describe.skipIf(!hasRedisServer)("RedisStore when Redis stops answering", () => {
  let server: ChildProcess;
  let store: RedisStore;

  beforeAll(async () => {
    const port = await freePort();
    server = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {
        stdio: "ignore",
      },
    );
    for (let i = 0; i < 50; i++) {
      try {
        store = await RedisStore.connect({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 400 });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await store.set("k", "v");
    server.kill("SIGSTOP");
  });

  afterAll(async () => {
    server.kill("SIGCONT");
    await store.close().catch(() => {});
    server.kill("SIGKILL");
  });

  it("fails a command with store_unavailable after its timeout instead of hanging", async () => {
    const started = Date.now();
    await expect(store.get("k")).rejects.toMatchObject({ code: "store_unavailable" });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("answers /readyz with 503 within its deadline", async () => {
    const app = createHttp({ store, logger: silentLogger, inFlight: new InFlight(), readyTimeoutMs: 300 });
    const started = Date.now();
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("fails fast once several commands in a row went unanswered, instead of each waiting its deadline", async () => {
    for (let i = 0; i < 3; i++) await store.get("k").catch(() => undefined);
    const started = Date.now();
    await expect(store.get("k")).rejects.toMatchObject({ code: "store_unavailable" });
    // The deadline is 400 ms; an open circuit answers without waiting for it.
    expect(Date.now() - started).toBeLessThan(100);
  });

  it("closes the circuit again once Redis answers", async () => {
    server.kill("SIGCONT");
    await vi.waitFor(async () => expect(await store.get("k")).toBe("v"), { timeout: 5_000, interval: 200 });
    server.kill("SIGSTOP");
  });
});
