/**
 * Two replicas as compose.yaml runs them (issue 15, item 1): two `node src/main.ts start`
 * processes on one Redis (database 14, emptied first), Slack configured against a local fake
 * Web API, signed events sent round robin as the proxy would. One replica is killed with
 * SIGKILL in the middle of the burst; deliveries it can no longer take go to the other, as the
 * proxy does on a refused connection. Every acknowledged event is answered exactly once (the
 * survivor takes over what the dead one had acked, after the stream's reclaim time), and each
 * two-second digest slot, fired by both replicas' cron, is posted once. An Approve button clicked
 * on both replicas at once runs the write once (the audit log in Redis shows one execution).
 * The processes and fakes are the burst benches' own (bench/support/).
 */
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type FakeSlack, startFakeSlack } from "../bench/support/fake-slack.ts";
import { awaitAnswers } from "../bench/support/replies.ts";
import { type BenchEvent, benchEvents, benchSigningSecret, signDelivery } from "../bench/support/slack-events.ts";
import { benchLimits, flushBenchRedis, startDaybook, type Target } from "../bench/support/targets.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { redisSkipReason, redisUrl } from "./support/redis.ts";

const database = 14;
const url = (() => {
  if (!redisUrl) return "";
  const parsed = new URL(redisUrl);
  parsed.pathname = `/${database}`;
  return parsed.toString();
})();

/** The demo organisation with one digest every two seconds into a Slack channel. */
function orgWithFastDigest(): string {
  const off = (cron: string, channel: string) => ({ enabled: false, cron, channels: [channel] });
  return stringify({
    ...demoOrg,
    channels: { ...demoOrg.channels, ops: { slack: "C0DIGEST", audience: ["jira"] } },
    digests: {
      standup: { enabled: true, cron: "*/2 * * * * *", channels: ["ops"] },
      sales: off("30 8 * * 1-5", "sales"),
      churn: off("0 10 * * *", "success"),
      close: off("0 18 1-3,25-31 * *", "finance"),
      weekly: off("0 16 * * 5", "leadership"),
    },
  });
}

interface RunRecord {
  slot?: string;
  status: string;
  deliveries: { receipt?: unknown }[];
}

/** The standup digest's run log (RedisStore.append: a list under the store's "daybook:" prefix). */
const digestRuns = () =>
  withRedis(async (c) =>
    (await c.lRange("daybook:scheduler:runs:standup", 0, -1)).map((r) => JSON.parse(r) as RunRecord),
  );

const redisClient = () => createClient({ url });

async function withRedis<T>(use: (client: ReturnType<typeof redisClient>) => Promise<T>): Promise<T> {
  const client = redisClient();
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.quit();
  }
}

/** Ids of the approval records in the store (`approval:<id>`, not its markers). */
const approvalIds = () =>
  withRedis(async (c) =>
    (await c.keys("daybook:approval:*")).map((k) => k.split(":")[2] as string).filter((id) => /^[a-z0-9]+$/.test(id)),
  );

const auditEvents = (approvalId: string) =>
  withRedis(async (c) =>
    (await c.lRange("daybook:audit:log", 0, -1))
      .map((raw) => JSON.parse(raw) as { approvalId: string; event: string })
      .filter((e) => e.approvalId === approvalId)
      .map((e) => e.event),
  );

/** A signed Slack button click (block_actions), as Slack sends it to the Request URL. */
async function click(target: string, userId: string, approvalId: string): Promise<number> {
  const payload = {
    type: "block_actions",
    user: { id: userId, username: userId.toLowerCase(), team_id: "T0BENCH" },
    api_app_id: "A0BENCH",
    token: "legacy",
    container: { type: "message", message_ts: "1799999999.000001", channel_id: "C0SALES", is_ephemeral: false },
    trigger_id: "1.2.3",
    team: { id: "T0BENCH", domain: "bench" },
    channel: { id: "C0SALES", name: "sales" },
    message: { type: "message", ts: "1799999999.000001", text: "approval" },
    actions: [{ type: "button", action_id: APPROVE_ACTION_ID, block_id: "b1", value: approvalId, action_ts: "1" }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac("sha256", benchSigningSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  const res = await fetch(target, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signature,
    },
  });
  await res.arrayBuffer();
  return res.status;
}

/** POSTs one signed delivery; "refused" when nothing listens there any more. */
async function deliver(target: string, event: BenchEvent): Promise<"ok" | "refused" | "failed"> {
  const { body, headers } = signDelivery(event, Math.floor(Date.now() / 1000));
  try {
    const res = await fetch(target, { method: "POST", body, headers, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.ok ? "ok" : "failed";
  } catch {
    return "refused";
  }
}

const posts = (fake: FakeSlack, e: BenchEvent) => fake.threads.get(e.ts)?.posts ?? 0;

describe.skipIf(redisSkipReason !== undefined)("two replicas on one Redis, one killed mid-burst", () => {
  let fake: FakeSlack;
  let a: Target;
  let b: Target;
  let dir: string;

  beforeAll(async () => {
    if (!(await flushBenchRedis(url))) throw new Error(`Redis at ${url} does not answer`);
    fake = await startFakeSlack();
    dir = mkdtempSync(join(tmpdir(), "daybook-replicas-"));
    const config = join(dir, "daybook.yaml");
    writeFileSync(config, orgWithFastDigest());
    const start = () =>
      startDaybook({
        redisUrl: url,
        slackApiUrl: fake.apiUrl,
        env: { ...benchLimits, TURN_CONCURRENCY: "1", DAYBOOK_CONFIG: config },
      });
    [a, b] = await Promise.all([start(), start()]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.kill9(), b?.stop()]);
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs an approved write once when its Approve button is clicked on both replicas at once", async () => {
    const ask: BenchEvent = {
      eventId: `EvApproval${process.pid}`,
      ts: "1741000000.000001",
      user: "U0DEMOALEX",
      channel: "C0SALES",
      question: "log a call on BrightTech: discussed onboarding",
    };
    expect(await deliver(a.url as string, ask)).toBe("ok");
    let ids: string[] = [];
    for (let i = 0; i < 100 && ids.length === 0; i++) {
      ids = await approvalIds();
      if (ids.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ids).toHaveLength(1);
    const id = ids[0] as string;
    // Sam (sales) may approve CRM writes; a double click lands on both replicas, then once more.
    const statuses = await Promise.all([
      click(a.url as string, "U0DEMOSAM", id),
      click(b.url as string, "U0DEMOSAM", id),
    ]);
    expect(statuses).toEqual([200, 200]);
    expect(await click(b.url as string, "U0DEMOSAM", id)).toBe(200);
    let events: string[] = [];
    for (let i = 0; i < 100 && !events.includes("executed"); i++) {
      events = await auditEvents(id);
      if (!events.includes("executed")) await new Promise((r) => setTimeout(r, 200));
    }
    // Time for a second execution to show up, were there one.
    await new Promise((r) => setTimeout(r, 2_000));
    events = await auditEvents(id);
    expect(events.filter((e) => e === "approved")).toHaveLength(1);
    expect(events.filter((e) => e === "executed")).toHaveLength(1);
  }, 60_000);

  it("answers every acknowledged event once and posts each digest slot once", async () => {
    const events = benchEvents(`r${process.pid}`, 40, 1740000000);
    const targets = [a.url, b.url] as string[];
    const half = events.length / 2;
    // First half at once, round robin: the replicas (one turn at a time) still have work queued...
    const first = await Promise.all(events.slice(0, half).map((e, i) => deliver(targets[i % 2] as string, e)));
    // ...when one of them dies.
    await a.kill9();
    const atRisk = events.slice(0, half).filter((e, i) => i % 2 === 0 && first[i] === "ok" && posts(fake, e) === 0);
    const acked = events.slice(0, half).filter((_, i) => first[i] === "ok");
    for (const [j, event] of events.slice(half).entries()) {
      // A refused connection goes to the next replica, as nginx's proxy_next_upstream does.
      let outcome = await deliver(targets[j % 2] as string, event);
      if (outcome === "refused") outcome = await deliver(targets[(j + 1) % 2] as string, event);
      if (outcome === "ok") acked.push(event);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(acked.length).toBe(events.length);
    // The kill must have cut work off, or this proves nothing about taking it over.
    expect(atRisk.length).toBeGreaterThan(0);

    // The dead replica's acked turns come back after the stream's reclaim time (20 s).
    const allAnswered = await awaitAnswers(fake, acked, { quietMs: 45_000, maxMs: 90_000, settleMs: 3_000 });
    const unanswered = acked.filter((e) => posts(fake, e) === 0).map((e) => e.eventId);
    const twice = acked.filter((e) => posts(fake, e) > 1).map((e) => e.eventId);
    expect({ unanswered, twice }).toEqual({ unanswered: [], twice: [] });
    expect(allAnswered).toBe(true);

    // Digest slots: both replicas' cron fired each slot while both lived; one posted it.
    // The survivor stops first (SIGTERM: cron off, running work finished), so the counts hold still.
    await b.stop();
    const runs = await digestRuns();
    const delivered = runs.filter((r) => r.status === "delivered");
    const slots = delivered.map((r) => r.slot);
    expect(delivered.length).toBeGreaterThanOrEqual(3);
    expect(new Set(slots).size).toBe(slots.length);
    // Every post outside a thread is a digest: one per delivered slot, none twice.
    const threadPosts = [...fake.threads.values()].reduce((sum, t) => sum + t.posts, 0);
    const topLevel = (fake.methods.get("chat.postMessage") ?? 0) - threadPosts;
    expect(topLevel).toBe(delivered.length);
  }, 180_000);
});
