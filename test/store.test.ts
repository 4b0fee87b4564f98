import { describe, expect, it } from "vitest";
import { fixedClock } from "../src/core/clock.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { RedisStore } from "../src/store/redis-store.ts";
import { storeContract } from "./store-contract.ts";
import { connectTestRedis, redisSkipReason } from "./support/redis.ts";

const clock = fixedClock("2026-11-23T09:00:00Z");
storeContract("MemoryStore", {
  create: async () => new MemoryStore({ clock }),
  advance: async (ms) => clock.advance(ms),
});

describe.skipIf(redisSkipReason)("RedisStore (real Redis)", () => {
  storeContract("RedisStore", {
    create: () => connectTestRedis(),
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });

  it("keeps suites apart by key prefix", async () => {
    const a = await connectTestRedis();
    const b = await connectTestRedis();
    await a.set("shared-name", "a");
    expect(await b.get("shared-name")).toBeUndefined();
    await Promise.all([a.close(), b.close()]);
  });
});

describe("MemoryStore housekeeping", () => {
  it("sweeps keys that expired without ever being read again", async () => {
    const sweepClock = fixedClock("2026-11-23T09:00:00Z");
    const store = new MemoryStore({ clock: sweepClock, sweepIntervalMs: 0 });
    for (let i = 0; i < 100; i++) await store.setIfAbsent(`slack:event:${i}`, "1", { ttlMs: 600_000 });
    await store.set("kept", "1");
    sweepClock.advance(600_001);
    expect(store.sweep()).toBe(100);
    expect(store.size).toBe(1);
    await store.close();
  });
});

describe("store failure", () => {
  it("reports a memory store as unavailable after close", async () => {
    const store = new MemoryStore();
    await store.close();
    await expect(store.ping()).rejects.toMatchObject({ code: "store_unavailable" });
  });

  it("fails to connect to an unreachable Redis with a message that says what to fix", async () => {
    await expect(RedisStore.connect({ url: "redis://127.0.0.1:1", connectTimeoutMs: 500 })).rejects.toMatchObject({
      code: "store_unavailable",
      message: expect.stringContaining("REDIS_URL"),
    });
  });
});
