import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../src/core/store.ts";

export interface StoreHarness {
  create(): Promise<Store>;
  /** Real backends need real time to pass for TTLs; memory uses a fake clock. */
  advance(ms: number): Promise<void>;
}

/** One contract, run against every Store implementation (memory, Redis). */
export function storeContract(name: string, harness: StoreHarness): void {
  describe(`${name} store contract`, () => {
    let store: Store;
    const opened: Store[] = [];

    beforeEach(async () => {
      store = await harness.create();
      opened.push(store);
    });

    afterAll(async () => {
      await Promise.all(opened.map((s) => s.close()));
    });

    it("returns undefined for a key that was never set", async () => {
      expect(await store.get("missing")).toBeUndefined();
    });

    it("gets back what it sets, and deletes it", async () => {
      await store.set("k", "v1");
      expect(await store.get("k")).toBe("v1");
      await store.set("k", "v2");
      expect(await store.get("k")).toBe("v2");
      await store.delete("k");
      expect(await store.get("k")).toBeUndefined();
    });

    it("expires a key after its TTL", async () => {
      await store.set("ttl", "v", { ttlMs: 150 });
      expect(await store.get("ttl")).toBe("v");
      await harness.advance(400);
      expect(await store.get("ttl")).toBeUndefined();
    });

    it("lets exactly one of many concurrent callers win set-if-absent", async () => {
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) => store.setIfAbsent("lock", `owner-${i}`, { ttlMs: 10_000 })),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await store.get("lock")).toBe(`owner-${winner}`);
    });

    it("allows set-if-absent again once the earlier key expired", async () => {
      expect(await store.setIfAbsent("once", "a", { ttlMs: 150 })).toBe(true);
      expect(await store.setIfAbsent("once", "b", { ttlMs: 150 })).toBe(false);
      await harness.advance(400);
      expect(await store.setIfAbsent("once", "c")).toBe(true);
      expect(await store.get("once")).toBe("c");
    });

    it("compare-and-sets only when the current value matches", async () => {
      await store.set("state", "pending");
      expect(await store.compareAndSet("state", "approved", "rejected")).toBe(false);
      expect(await store.get("state")).toBe("pending");
      expect(await store.compareAndSet("state", "pending", "approved")).toBe(true);
      expect(await store.get("state")).toBe("approved");
    });

    it("compare-and-sets an absent key only when expecting absence", async () => {
      expect(await store.compareAndSet("fresh", "x", "y")).toBe(false);
      expect(await store.compareAndSet("fresh", undefined, "y")).toBe(true);
      expect(await store.compareAndSet("fresh", undefined, "z")).toBe(false);
      expect(await store.get("fresh")).toBe("y");
    });

    it("lets exactly one of many concurrent compare-and-sets win", async () => {
      await store.set("race", "pending");
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.compareAndSet("race", "pending", `decided-${i}`)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it("keeps a key's TTL through compare-and-set unless a new TTL is given", async () => {
      await store.set("cas-ttl", "a", { ttlMs: 150 });
      expect(await store.compareAndSet("cas-ttl", "a", "b")).toBe(true);
      await harness.advance(400);
      expect(await store.get("cas-ttl")).toBeUndefined();
    });

    it("deletes a key only while it still holds the expected value", async () => {
      await store.set("guard", "run-1");
      expect(await store.deleteIfEquals("guard", "run-0")).toBe(false);
      expect(await store.get("guard")).toBe("run-1");
      expect(await store.deleteIfEquals("guard", "run-1")).toBe(true);
      expect(await store.get("guard")).toBeUndefined();
      expect(await store.deleteIfEquals("guard", "run-1")).toBe(false);
    });

    it("appends to a list in order and reads ranges like LRANGE", async () => {
      for (const v of ["a", "b", "c", "d"]) await store.append("list", v);
      expect(await store.range("list", 0, -1)).toEqual(["a", "b", "c", "d"]);
      expect(await store.range("list", -2, -1)).toEqual(["c", "d"]);
      expect(await store.range("list", 1, 2)).toEqual(["b", "c"]);
      expect(await store.range("absent-list", 0, -1)).toEqual([]);
    });

    it("keeps only the newest entries of a capped list", async () => {
      let length = 0;
      for (let i = 0; i < 7; i++) length = await store.append("capped", String(i), { maxLength: 3 });
      expect(length).toBe(3);
      expect(await store.range("capped", 0, -1)).toEqual(["4", "5", "6"]);
    });

    it("counts atomically under concurrent increments", async () => {
      const values = await Promise.all(Array.from({ length: 30 }, () => store.increment("counter")));
      expect(new Set(values).size).toBe(30);
      expect(Math.max(...values)).toBe(30);
    });

    it("stores fields of a map", async () => {
      await store.mapSet("refs", "conv-1", "one");
      await store.mapSet("refs", "conv-2", "two");
      expect(await store.mapGet("refs", "conv-1")).toBe("one");
      expect(await store.mapGetAll("refs")).toEqual({ "conv-1": "one", "conv-2": "two" });
      await store.mapDelete("refs", "conv-1");
      expect(await store.mapGetAll("refs")).toEqual({ "conv-2": "two" });
      expect(await store.mapGetAll("no-map")).toEqual({});
    });

    it("answers ping while open", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
