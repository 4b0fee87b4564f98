/**
 * `node src/main.ts start` with Redis and the default role (all) runs the web role on the main
 * thread and the worker role in a worker thread (src/compose/worker-thread.ts). The ack-latency
 * effect is measured by `npm run bench` (bench/burst.bench.ts); this proves the wiring.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSlack, startFakeSlack } from "../bench/support/fake-slack.ts";
import { benchEvents, signDelivery } from "../bench/support/slack-events.ts";
import { benchLimits, flushBenchRedis, startDaybook, type Target } from "../bench/support/targets.ts";
import { redisSkipReason, redisUrl } from "./support/redis.ts";

/** A database of its own, emptied first: no queue entries of other suites are picked up. */
const database = 13;
const url = (() => {
  if (!redisUrl) return "";
  const parsed = new URL(redisUrl);
  parsed.pathname = `/${database}`;
  return parsed.toString();
})();

describe.skipIf(redisSkipReason !== undefined)("DAYBOOK_ROLE=all with Redis: web thread and worker thread", () => {
  let fake: FakeSlack;
  let app: Target;

  beforeAll(async () => {
    if (!(await flushBenchRedis(url))) throw new Error(`Redis at ${url} does not answer`);
    fake = await startFakeSlack();
    app = await startDaybook({ redisUrl: url, slackApiUrl: fake.apiUrl, env: benchLimits });
  }, 60_000);

  afterAll(async () => {
    await app?.kill9();
    await fake?.close();
  });

  it("says at start that the worker role runs in a worker thread", () => {
    expect(app.output()).toMatch(/"role":"all \(web, and worker in a worker thread\)"/);
  });

  it("answers each question once, from the worker thread, in its thread", async () => {
    const events = benchEvents(`wt${process.pid}`, 12, 1741100000);
    const statuses = await Promise.all(
      events.map(async (e) => {
        const { body, headers } = signDelivery(e, Math.floor(Date.now() / 1000));
        const res = await fetch(app.url as string, { method: "POST", body, headers });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    const answered = () => events.filter((e) => (fake.threads.get(e.ts)?.posts ?? 0) >= 1).length;
    for (let i = 0; i < 300 && answered() < events.length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(answered()).toBe(events.length);
    await new Promise((r) => setTimeout(r, 500));
    expect(events.map((e) => fake.threads.get(e.ts)?.posts)).toEqual(events.map(() => 1));
  }, 60_000);

  it("serves one /metrics with the web thread's requests and the worker thread's turns, counted once", async () => {
    const base = (app.url as string).replace(/\/slack\/events$/, "");
    const text = await (await fetch(`${base}/metrics`)).text();
    const sum = (name: string) =>
      [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?)$`, "gm"))].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
    // The turns ran only in the worker thread; the web thread counted the requests.
    expect(sum("daybook_agent_turns_total")).toBe(12);
    expect(sum("daybook_http_requests_total")).toBeGreaterThanOrEqual(12);
    // Queue gauges come from one thread only (both read the same streams): one series per queue.
    expect(text.match(/^daybook_queue_waiting\{queue="turns"\}/gm)).toHaveLength(1);
    // Process-wide numbers come from one registry, not summed over threads.
    expect(text.match(/^daybook_process_resident_memory_bytes /gm)).toHaveLength(1);
  });

  it("stops both threads on SIGTERM and exits 0", async () => {
    const exited = new Promise<number | null>((resolve) => app.child.on("exit", resolve));
    app.child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 40_000);
});
