import { describe, expect, it } from "vitest";
import { fixedClock } from "../src/core/clock.ts";
import { DaybookError } from "../src/core/errors.ts";
import type { Store } from "../src/core/store.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { ReadCache } from "../tools/shared/read-cache.ts";
import { connectTestRedis, redisSkipReason } from "./support/redis.ts";

/** A store whose reads of cached values (not the generation) are counted. */
function counting(store: Store): Store & { valueReads: () => number } {
  let reads = 0;
  return Object.assign(Object.create(store) as Store, {
    get: (key: string) => {
      if (!key.endsWith(":gen")) reads++;
      return store.get(key);
    },
    set: store.set.bind(store),
    increment: store.increment.bind(store),
    valueReads: () => reads,
  });
}

describe("ReadCache", () => {
  it("reads straight from the system while the store is down, instead of failing the answer", async () => {
    const down = Object.assign(Object.create(new MemoryStore()) as Store, {
      get: async () => {
        throw new DaybookError("store_unavailable", "redis is not answering");
      },
      set: async () => {
        throw new DaybookError("store_unavailable", "redis is not answering");
      },
    });
    const cache = new ReadCache(down, { system: "xero" });
    let loads = 0;
    const value = await cache.get("bank:2026-11", async () => ({ lines: ++loads }));
    expect(value).toEqual({ lines: 1 });
    // A bug, not an outage, still surfaces.
    const broken = Object.assign(Object.create(new MemoryStore()) as Store, {
      get: async () => {
        throw new TypeError("boom");
      },
    });
    await expect(new ReadCache(broken, { system: "xero" }).get("k", async () => 1)).rejects.toThrow("boom");
  });

  it("answers a repeat inside one process from the parsed value, without reading or parsing the Store copy", async () => {
    const clock = fixedClock("2026-11-23T09:00:00Z");
    const store = counting(new MemoryStore({ clock }));
    const cache = new ReadCache(store, { system: "xero", now: clock.now });
    let loads = 0;
    const load = async () => {
      loads++;
      return { lines: Array.from({ length: 3 }, (_, i) => ({ id: i })) };
    };

    const first = await cache.get("bank:2026-11", load);
    const second = await cache.get("bank:2026-11", load);

    expect(loads).toBe(1);
    expect(second).toBe(first);
    // The one Store read is the miss before the load.
    expect(store.valueReads()).toBe(1);
  });

  it("shares one load between concurrent readers of a key", async () => {
    const cache = new ReadCache(new MemoryStore(), { system: "hubspot" });
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 10));
      return [1, 2, 3];
    };

    const results = await Promise.all([cache.get("deals", load), cache.get("deals", load), cache.get("deals", load)]);

    expect(loads).toBe(1);
    expect(results).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it("loads again once the TTL has passed", async () => {
    const clock = fixedClock("2026-11-23T09:00:00Z");
    const cache = new ReadCache(new MemoryStore({ clock }), { system: "xero", ttlMs: 60_000, now: clock.now });
    let loads = 0;
    const load = async () => ++loads;

    await cache.get("pnl", load);
    clock.advance(59_000);
    await cache.get("pnl", load);
    clock.advance(2_000);
    const after = await cache.get("pnl", load);

    expect(after).toBe(2);
  });

  it("drops the least recently used parsed value past its size, and reads that one from the Store copy", async () => {
    const store = counting(new MemoryStore());
    const cache = new ReadCache(store, { system: "jira", maxLocalEntries: 2 });
    const load = (v: string) => async () => v;

    await cache.get("a", load("a"));
    await cache.get("b", load("b"));
    await cache.get("a", load("a"));
    await cache.get("c", load("c"));
    const before = store.valueReads();
    expect(await cache.get("a", load("x"))).toBe("a");
    expect(store.valueReads()).toBe(before);
    expect(await cache.get("b", load("x"))).toBe("b");
    expect(store.valueReads()).toBe(before + 1);
  });

  it("misses on every replica after a write on one, though each kept a parsed copy", async () => {
    const store = new MemoryStore();
    const replicaA = new ReadCache(store, { system: "xero" });
    const replicaB = new ReadCache(store, { system: "xero" });
    let version = 1;
    const load = async () => version;

    expect(await replicaA.get("invoices", load)).toBe(1);
    expect(await replicaB.get("invoices", load)).toBe(1);
    version = 2;
    await replicaA.invalidate();

    expect(await replicaB.get("invoices", load)).toBe(2);
    expect(await replicaA.get("invoices", load)).toBe(2);
  });

  it.skipIf(redisSkipReason !== undefined)("shares a value between replicas through real Redis", async () => {
    const store = await connectTestRedis();
    try {
      const writer = new ReadCache(store, { system: "xero" });
      const reader = new ReadCache(store, { system: "xero" });
      await writer.get("bank:2026-11", async () => [{ id: "b1", amount: -12.5 }]);

      const seen = await reader.get("bank:2026-11", async () => {
        throw new Error("the other replica's copy is in Redis");
      });

      expect(seen).toEqual([{ id: "b1", amount: -12.5 }]);
    } finally {
      await store.close();
    }
  });
});
