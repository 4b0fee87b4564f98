import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { connectTestRedis, redisSkipReason } from "../../test/support/redis.ts";
import { demoOrg } from "../config/demo-org.ts";
import type { DigestName, OrgConfig } from "../config/org.ts";
import { type Card, cardToText, textCard } from "../core/card.ts";
import type { ChatAdapter, DeliveryReceipt } from "../core/chat.ts";
import { fixedClock, systemClock } from "../core/clock.ts";
import { silentLogger } from "../core/logger.ts";
import type { Store } from "../core/store.ts";
import type { Platform, ThreadRef } from "../core/thread.ts";
import { MemoryStore } from "../store/memory-store.ts";
import { runDigestCommand } from "./digest-command.ts";
import { createScheduler, type SchedulerOptions } from "./scheduler.ts";
import { resolveTargets } from "./targets.ts";
import type { Audience, DigestSet, SchedulableDigest } from "./types.ts";

/** A chat platform that records posts and can be told to fail the next N of them. */
class RecordingAdapter implements ChatAdapter {
  readonly platform: Platform;
  readonly posts: { thread: ThreadRef; card: Card }[] = [];
  failNext = 0;
  failAlways = false;
  attempts = 0;
  #seq = 0;
  constructor(platform: Platform = "console") {
    this.platform = platform;
  }
  async post(thread: ThreadRef, card: Card): Promise<DeliveryReceipt> {
    this.attempts++;
    if (this.failAlways || this.failNext > 0) {
      this.failNext--;
      throw new Error("platform said no: token=xoxb-secret-123");
    }
    this.posts.push({ thread, card });
    return { platform: this.platform, thread, messageId: `${this.platform}-${++this.#seq}`, postedAt: Date.now() };
  }
  async update(): Promise<void> {}
  async notify(): Promise<void> {}
}

function digest(name: DigestName, run?: () => Promise<Card>): SchedulableDigest {
  return { name, title: name, run: run ?? (async () => textCard(`${name} digest body`)) };
}

const allDigests: DigestSet = {
  standup: digest("standup"),
  sales: digest("sales"),
  churn: digest("churn"),
  close: digest("close"),
  weekly: digest("weekly"),
  renewals: digest("renewals"),
  retro: digest("retro"),
  kickoff: digest("kickoff"),
  checkin: digest("checkin"),
};

const slot = Date.parse("2026-11-23T09:00:00Z");

function scheduler(over: Partial<SchedulerOptions> & { store?: Store } = {}) {
  const adapter = new RecordingAdapter();
  const delays: number[] = [];
  const s = createScheduler({
    org: demoOrg,
    digests: allDigests,
    adapters: { console: adapter },
    store: new MemoryStore(),
    clock: fixedClock(slot),
    logger: silentLogger,
    retry: { attempts: 3, baseDelayMs: 10 },
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...over,
  });
  return { s, adapter, delays };
}

describe("scheduler firing", () => {
  it("posts a scheduled firing once with a receipt and skips the same slot when it fires again", async () => {
    const { s, adapter } = scheduler();
    const first = await s.fire("standup", slot);
    const again = await s.fire("standup", slot);
    expect(first.status).toBe("delivered");
    expect(first.deliveries).toEqual([
      expect.objectContaining({
        channel: "engineering",
        platform: "console",
        target: "engineering",
        attempts: 1,
        receipt: expect.objectContaining({ messageId: "console-1" }),
      }),
    ]);
    expect(again).toMatchObject({ status: "skipped", skipped: "slot_taken" });
    expect(adapter.posts).toHaveLength(1);
    expect(adapter.posts[0]?.thread).toEqual({
      platform: "console",
      workspace: "local",
      channel: "engineering",
      thread: "",
    });
    const next = await s.fire("standup", slot + 86_400_000);
    expect(next.status).toBe("delivered");
    expect(adapter.posts).toHaveLength(2);
  });

  it("records started, finished and duration for each firing, newest first", async () => {
    const { s } = scheduler();
    await s.fire("sales", slot);
    await s.fire("sales", slot + 60_000);
    const log = await s.runLog("sales");
    expect(log.map((r) => r.slot)).toEqual(["2026-11-23T09:01:00.000Z", "2026-11-23T09:00:00.000Z"]);
    expect(log[0]).toMatchObject({ trigger: "schedule", status: "delivered", startedAt: "2026-11-23T09:00:00.000Z" });
    expect(log[0]?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("skips a firing while the previous run of the same digest is still going", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = digest("churn", async () => {
      await gate;
      return textCard("slow churn");
    });
    const { s, adapter } = scheduler({ digests: { ...allDigests, churn: slow } });
    const running = s.fire("churn", slot);
    await new Promise((r) => setTimeout(r, 10));
    const overlapping = await s.fire("churn", slot + 3_600_000);
    expect(overlapping).toMatchObject({ status: "skipped", skipped: "overlap" });
    release();
    expect((await running).status).toBe("delivered");
    expect(adapter.posts).toHaveLength(1);
    expect((await s.fire("churn", slot + 7_200_000)).status).toBe("delivered");
  });

  it("retries a failed post with backoff and counts it once the platform returns a receipt", async () => {
    const { s, adapter, delays } = scheduler();
    adapter.failNext = 2;
    const run = await s.fire("close", slot);
    expect(run.status).toBe("delivered");
    expect(run.deliveries[0]).toMatchObject({
      attempts: 3,
      receipt: expect.objectContaining({ messageId: "console-1" }),
    });
    expect(run.deliveries[0]?.error).toBeUndefined();
    expect(delays).toEqual([10, 20]);
    expect(adapter.posts).toHaveLength(1);
    expect((await s.runLog("close"))[0]?.deliveries[0]?.attempts).toBe(3);
  });

  it("records a post that failed every attempt and never puts the error text into any channel", async () => {
    const failing = new RecordingAdapter("slack");
    failing.failAlways = true;
    const console = new RecordingAdapter("console");
    const org: OrgConfig = {
      ...demoOrg,
      // Declared, so the close digest may go there without asking Slack who is in the channel.
      channels: { ...demoOrg.channels, finance: { console: "finance", slack: "C0FINANCE", audience: ["accounting"] } },
    };
    const { s } = scheduler({ org, adapters: { slack: failing, console } });
    const run = await s.fire("close", slot);
    expect(run.status).toBe("partial");
    const slack = run.deliveries.find((d) => d.platform === "slack");
    expect(slack).toMatchObject({ attempts: 3, error: { code: "internal" } });
    expect(slack?.receipt).toBeUndefined();
    expect(failing.attempts).toBe(3);
    expect(console.posts.map((p) => cardToText(p.card))).toEqual(["close digest body"]);
    const logged = await s.runLog("close");
    expect(logged[0]?.status).toBe("partial");
  });

  it("posts nothing and records a failure when the digest itself cannot be built", async () => {
    const broken = digest("weekly", async () => {
      throw new Error("CRM timed out");
    });
    const { s, adapter } = scheduler({ digests: { ...allDigests, weekly: broken } });
    const run = await s.fire("weekly", slot);
    expect(run).toMatchObject({
      status: "failed",
      deliveries: [],
      error: { code: "internal", message: "CRM timed out" },
    });
    expect(adapter.posts).toHaveLength(0);
  });

  it("skips a disabled digest without posting", async () => {
    const org: OrgConfig = {
      ...demoOrg,
      digests: { ...demoOrg.digests, weekly: { enabled: false, cron: "0 16 * * 5", channels: ["leadership"] } },
    };
    const { s, adapter } = scheduler({ org });
    expect(s.scheduled).not.toContain("weekly");
    expect(await s.fire("weekly", slot)).toMatchObject({ status: "skipped", skipped: "disabled" });
    expect(adapter.posts).toHaveLength(0);
  });

  it("refuses an invalid cron expression at start-up", () => {
    const org: OrgConfig = { ...demoOrg, digests: { standup: { enabled: true, cron: "every morning", channels: [] } } };
    expect(() => scheduler({ org })).toThrow(/not a valid cron expression/);
  });
});

describe("per-person digests", () => {
  /** A digest posted per audience (like sales per account executive) that can fail one card. */
  function perPerson(over: { brokenFor?: string; audiences?: () => Promise<Audience[]> } = {}): SchedulableDigest {
    const people: Audience[] = [
      { key: "owner-alex", label: "Alex Rivera", options: { ownerId: "owner-alex" } },
      { key: "owner-sam", label: "Sam Patel", options: { ownerId: "owner-sam" } },
    ];
    return {
      name: "sales",
      title: "Sales priorities",
      run: async (options) => {
        if (options?.ownerId && options.ownerId === over.brokenFor) throw new Error("CRM timed out");
        return textCard(`sales for ${options?.ownerId ?? "everyone"}`);
      },
      audiences:
        over.audiences ?? (async (options) => people.filter((p) => !options?.ownerId || p.key === options.ownerId)),
    };
  }

  it("posts one card per audience, each with its own receipt, under one slot lock", async () => {
    const { s, adapter } = scheduler({ digests: { ...allDigests, sales: perPerson() } });
    const run = await s.fire("sales", slot);
    expect(run.status).toBe("delivered");
    expect(adapter.posts.map((p) => cardToText(p.card))).toEqual(["sales for owner-alex", "sales for owner-sam"]);
    expect(run.deliveries.map((d) => [d.audience, d.audienceLabel, d.receipt?.messageId])).toEqual([
      ["owner-alex", "Alex Rivera", "console-1"],
      ["owner-sam", "Sam Patel", "console-2"],
    ]);
    expect(await s.fire("sales", slot)).toMatchObject({ status: "skipped", skipped: "slot_taken" });
    expect(adapter.posts).toHaveLength(2);
  });

  it("posts the other audiences and records the one whose card could not be built", async () => {
    const { s, adapter } = scheduler({ digests: { ...allDigests, sales: perPerson({ brokenFor: "owner-alex" }) } });
    const run = await s.fire("sales", slot);
    expect(run.status).toBe("partial");
    expect(run.audienceErrors).toEqual([
      { audience: "owner-alex", label: "Alex Rivera", code: "internal", message: "CRM timed out" },
    ]);
    expect(adapter.posts.map((p) => cardToText(p.card))).toEqual(["sales for owner-sam"]);
    expect((await s.runLog("sales"))[0]?.audienceErrors?.[0]?.audience).toBe("owner-alex");
  });

  it("posts nothing and records a failure when the audiences cannot be listed", async () => {
    const audiences = async (): Promise<Audience[]> => {
      throw new Error("CRM down");
    };
    const { s, adapter } = scheduler({ digests: { ...allDigests, sales: perPerson({ audiences }) } });
    const run = await s.fire("sales", slot);
    expect(run).toMatchObject({ status: "failed", deliveries: [], error: { message: "CRM down" } });
    expect(adapter.posts).toHaveLength(0);
  });

  it("falls back to one ordinary card when nobody is in the audience", async () => {
    const { s, adapter } = scheduler({ digests: { ...allDigests, sales: perPerson({ audiences: async () => [] }) } });
    expect((await s.fire("sales", slot)).status).toBe("delivered");
    expect(adapter.posts.map((p) => cardToText(p.card))).toEqual(["sales for everyone"]);
  });

  it("builds only the chosen audience's card for --owner", async () => {
    const { s } = scheduler({ digests: { ...allDigests, sales: perPerson() } });
    const { cards, run } = await s.runNow("sales", { post: false, ownerId: "owner-sam" });
    expect(cards.map(cardToText)).toEqual(["sales for owner-sam"]);
    expect(run.status).toBe("printed");
  });
});

describe("cron schedules", () => {
  it("fire at the configured local time in the org timezone, or the digest's own", async () => {
    const org: OrgConfig = {
      ...demoOrg,
      timezone: "America/New_York",
      digests: {
        standup: { enabled: true, cron: "0 9 * * 1-5", channels: ["engineering"] },
        sales: { enabled: true, cron: "30 8 * * 1-5", timezone: "Asia/Tokyo", channels: ["sales"] },
      },
    };
    const { s } = scheduler({ org });
    expect(s.nextRun("standup")).toBeUndefined();
    s.start();
    try {
      const local = (d: Date | undefined, timeZone: string) =>
        new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", weekday: "short" }).format(d);
      expect(local(s.nextRun("standup"), "America/New_York")).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:00$/);
      expect(local(s.nextRun("sales"), "Asia/Tokyo")).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 08:30$/);
      expect(s.scheduled).toEqual(["standup", "sales"]);
    } finally {
      await s.stop();
    }
    expect(s.nextRun("standup")).toBeUndefined();
  });
});

describe("delivery targets", () => {
  it("maps channel names to one top-level thread per platform that has an adapter", () => {
    const org: OrgConfig = {
      ...demoOrg,
      channels: { eng: { slack: "C0ENG", teams: "19:eng@thread.tacv2", console: "eng" } },
    };
    const targets = resolveTargets(org, ["eng", "missing"], new Set<Platform>(["slack", "console"]));
    expect(targets.map((t) => [t.platform, t.thread.channel, t.thread.thread])).toEqual([
      ["slack", "C0ENG", ""],
      ["console", "eng", ""],
    ]);
  });
});

describe("runNow and npm run digest", () => {
  it("prints a digest as a preview without posting or taking a slot", async () => {
    const seen: unknown[] = [];
    const recording = digest("standup", async () => textCard("standup digest body"));
    const { s, adapter } = scheduler({
      digests: {
        ...allDigests,
        standup: {
          ...recording,
          run: async (options) => {
            seen.push(options);
            return recording.run(options);
          },
        },
      },
    });
    const out: string[] = [];
    const code = await runDigestCommand({ argv: ["standup"], scheduler: s, output: { write: (t) => out.push(t) } });
    expect(code).toBe(0);
    expect(out.join("")).toBe("standup digest body\n");
    expect(adapter.posts).toHaveLength(0);
    expect((await s.runLog("standup"))[0]).toMatchObject({ trigger: "manual", status: "printed" });
    expect(seen).toEqual([{ preview: true }]);
  });

  it("posts with --post and prints each receipt", async () => {
    const { s, adapter } = scheduler();
    const out: string[] = [];
    const code = await runDigestCommand({
      argv: ["sales", "--post", "--owner", "owner-alex"],
      scheduler: s,
      output: { write: (t) => out.push(t) },
    });
    expect(code).toBe(0);
    expect(out.join("")).toBe("posted to sales (console sales), message console-1\n");
    expect(adapter.posts).toHaveLength(1);
  });

  it("exits non-zero when a post fails, naming the error code only", async () => {
    const { s, adapter } = scheduler();
    adapter.failAlways = true;
    const out: string[] = [];
    const code = await runDigestCommand({
      argv: ["churn", "--post"],
      scheduler: s,
      output: { write: (t) => out.push(t) },
    });
    expect(code).toBe(1);
    expect(out.join("")).toBe("FAILED success (console success) after 3 attempts: internal\n");
  });

  it("rejects an unknown digest name with the usage line", async () => {
    const { s } = scheduler();
    await expect(runDigestCommand({ argv: ["payroll"], scheduler: s, output: { write: () => 0 } })).rejects.toThrow(
      /usage: npm run digest -- <standup\|sales\|churn\|close\|weekly\|renewals\|retro\|kickoff\|checkin\|qbr>/,
    );
  });
});

describe.skipIf(redisSkipReason)("schedulers sharing one Redis", () => {
  it("fire each slot exactly once across two replicas", async () => {
    const prefix = `test:${randomUUID()}:`;
    const a = await connectTestRedis(prefix);
    const b = await connectTestRedis(prefix);
    try {
      const one = scheduler({ store: a });
      const two = scheduler({ store: b });
      const slots = [0, 1, 2, 3, 4].map((i) => slot + i * 60_000);
      const runs = [];
      // Both replicas fire each slot at the same moment; slots follow each other as cron ticks do.
      for (const t of slots) runs.push(...(await Promise.all([one.s.fire("standup", t), two.s.fire("standup", t)])));
      expect(runs.filter((r) => r.status === "delivered")).toHaveLength(5);
      expect(runs.filter((r) => r.skipped === "slot_taken")).toHaveLength(5);
      expect(one.adapter.posts.length + two.adapter.posts.length).toBe(5);
      expect(new Set(runs.filter((r) => r.status === "delivered").map((r) => r.slot)).size).toBe(5);
      expect(await one.s.runLog("standup")).toHaveLength(5);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("post once per cron tick when two replicas run the same real schedule", async () => {
    const prefix = `test:${randomUUID()}:`;
    const a = await connectTestRedis(prefix);
    const b = await connectTestRedis(prefix);
    const org: OrgConfig = {
      ...demoOrg,
      digests: { standup: { enabled: true, cron: "* * * * * *", channels: ["engineering"] } },
    };
    const one = scheduler({ org, store: a, clock: systemClock });
    const two = scheduler({ org, store: b, clock: systemClock });
    try {
      one.s.start();
      two.s.start();
      await new Promise((r) => setTimeout(r, 3_500));
    } finally {
      await one.s.stop();
      await two.s.stop();
    }
    // Let a tick that started just before stop() finish its post.
    await new Promise((r) => setTimeout(r, 300));
    try {
      const log = await one.s.runLog("standup");
      const delivered = log.filter((r) => r.status === "delivered");
      expect(delivered.length).toBeGreaterThanOrEqual(2);
      expect(new Set(delivered.map((r) => r.slot)).size).toBe(delivered.length);
      expect(one.adapter.posts.length + two.adapter.posts.length).toBe(delivered.length);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
