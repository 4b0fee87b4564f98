import { describe, expect, it } from "vitest";
import { MemoryStore } from "../store/memory-store.ts";
import { fixedClock } from "./clock.ts";
import { FallbackDedup } from "./dedup-fallback.ts";
import { DaybookError } from "./errors.ts";
import type { Store } from "./store.ts";

const ttlMs = 10 * 60 * 1000;

/** A MemoryStore whose setIfAbsent fails like an unreachable Redis while `down` is set. */
function switchableStore(clock = fixedClock("2026-11-23T09:00:00Z")) {
  const inner = new MemoryStore({ clock });
  const state = { down: false };
  const store: Store = Object.assign(Object.create(inner) as Store, {
    setIfAbsent: (key: string, value: string, options?: { ttlMs?: number }) =>
      state.down
        ? Promise.reject(new DaybookError("store_unavailable", "redis command failed: no answer"))
        : inner.setIfAbsent(key, value, options),
  });
  return { store, state, clock };
}

describe("FallbackDedup", () => {
  it("lets exactly one delivery through across two processes while the store answers", async () => {
    const { store } = switchableStore();
    const a = new FallbackDedup({ store });
    const b = new FallbackDedup({ store });
    expect(await a.markOnce("slack:event:Ev1", ttlMs)).toEqual({ first: true, degraded: false });
    expect(await b.markOnce("slack:event:Ev1", ttlMs)).toEqual({ first: false, degraded: false });
  });

  it("drops a retry in the same process while the store is down, and says it was degraded", async () => {
    const { store, state } = switchableStore();
    const errors: string[] = [];
    const dedup = new FallbackDedup({ store, onStoreError: (_key, e) => errors.push((e as DaybookError).code) });
    state.down = true;
    const [one, two] = await Promise.all([dedup.markOnce("k", ttlMs), dedup.markOnce("k", ttlMs)]);
    expect([one, two]).toEqual([
      { first: true, degraded: true },
      { first: false, degraded: true },
    ]);
    expect(await dedup.markOnce("k", ttlMs)).toEqual({ first: false, degraded: false });
    expect(errors).toEqual(["store_unavailable", "store_unavailable"]);
  });

  it("still drops a retry of an id marked during the outage after the store is back", async () => {
    const { store, state } = switchableStore();
    const dedup = new FallbackDedup({ store });
    state.down = true;
    expect((await dedup.markOnce("k", ttlMs)).first).toBe(true);
    state.down = false;
    expect((await dedup.markOnce("k", ttlMs)).first).toBe(false);
  });

  it("forgets an id marked during the outage after its TTL", async () => {
    const { store, state, clock } = switchableStore();
    const dedup = new FallbackDedup({ store, clock });
    state.down = true;
    expect((await dedup.markOnce("k", ttlMs)).first).toBe(true);
    clock.advance(ttlMs + 1);
    expect((await dedup.markOnce("k", ttlMs)).first).toBe(true);
  });

  it("remembers at most maxEntries ids during an outage", async () => {
    const { store, state } = switchableStore();
    const dedup = new FallbackDedup({ store, maxEntries: 2 });
    state.down = true;
    for (const k of ["a", "b", "c"]) await dedup.markOnce(k, ttlMs);
    expect((await dedup.markOnce("a", ttlMs)).first).toBe(true);
    expect((await dedup.markOnce("c", ttlMs)).first).toBe(false);
  });
});
