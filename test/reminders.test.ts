/**
 * Issue 16, item 9: "remind me about BetaCo tomorrow at 9" is a stored reminder read in the
 * person's timezone (theirs from the org config, else the organisation's), posted once across
 * replicas into the thread it was asked in, listable and cancellable. On a pinned clock, across
 * DST changes, on every sweep date, through the composed bot on the demo and the second org,
 * and rendered by both platforms.
 */
import { randomUUID } from "node:crypto";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { renderCard } from "../adapters/slack/format/block-kit.ts";
import { renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { formatWhen, parseWhen } from "../src/bot/reminder-time.ts";
import { Reminders } from "../src/bot/reminders.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import type { OrgConfig } from "../src/config/org.ts";
import { type Card, cardToText } from "../src/core/card.ts";
import type { ChatAdapter, MessageRef } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { Principal } from "../src/core/principal.ts";
import type { Store } from "../src/core/store.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { compose } from "../src/main.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import type { RedisStore } from "../src/store/redis-store.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { type DemoProfile, northwindProfile } from "../tools/demo/profile.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { connectTestRedis, redisSkipReason } from "./support/redis.ts";
import { secondOrgConfig } from "./support/sweep.ts";
import { sweepDates } from "./support/sweep-dates.ts";

const thread: ThreadRef = { platform: "slack", workspace: "T1", channel: "C1", thread: "1764493100.000100" };
const principal = (id = "alex"): Principal => ({
  id,
  name: id,
  roles: [],
  domains: [],
  chatUser: { platform: "slack", id: `U${id.toUpperCase()}` },
});

function recordingAdapter(): ChatAdapter & { posts: { thread: ThreadRef; card: Card }[] } {
  const posts: { thread: ThreadRef; card: Card }[] = [];
  return {
    platform: "slack",
    posts,
    post: async (t, card) => {
      posts.push({ thread: t, card });
      return { platform: "slack", thread: t, messageId: String(posts.length), postedAt: 0 };
    },
    update: async () => {},
    notify: async () => {},
  };
}

describe("when a reminder is due", () => {
  it("reads 'tomorrow at 9' as 09:00 in the zone, whatever the UTC date is", () => {
    // 23:30 UTC on 7 Nov is already 8 Nov in Berlin: "tomorrow" is the 9th there.
    const now = Date.UTC(2026, 10, 7, 23, 30);
    expect(new Date(parseWhen("tomorrow at 9", now, "Europe/Berlin")?.at ?? 0).toISOString()).toBe(
      "2026-11-09T08:00:00.000Z",
    );
    expect(new Date(parseWhen("tomorrow at 9", now, "UTC")?.at ?? 0).toISOString()).toBe("2026-11-08T09:00:00.000Z");
    expect(new Date(parseWhen("tomorrow at 9", now, "America/New_York")?.at ?? 0).toISOString()).toBe(
      "2026-11-08T14:00:00.000Z",
    );
  });

  it("keeps 09:00 local across a DST change (New York in March, Berlin in October)", () => {
    // Saturday 7 March 2026, noon in New York (EST); Sunday clocks go forward: 09:00 EDT = 13:00 UTC.
    const spring = Date.UTC(2026, 2, 7, 17, 0);
    expect(new Date(parseWhen("tomorrow at 9", spring, "America/New_York")?.at ?? 0).toISOString()).toBe(
      "2026-03-08T13:00:00.000Z",
    );
    // Saturday 24 October 2026 in Berlin (CEST); Sunday clocks go back: 09:00 CET = 08:00 UTC.
    const autumn = Date.UTC(2026, 9, 24, 10, 0);
    expect(new Date(parseWhen("tomorrow at 9", autumn, "Europe/Berlin")?.at ?? 0).toISOString()).toBe(
      "2026-10-25T08:00:00.000Z",
    );
    // 02:30 does not exist on 8 March in New York: it is 03:30 EDT, as the clocks say.
    const gap = parseWhen("tomorrow at 2:30am", spring, "America/New_York")?.at ?? 0;
    expect(formatWhen(gap, "America/New_York")).toBe("Sun 8 Mar at 03:30");
  });

  it("reads weekdays, dates, pm, noon and 'in 2 hours'", () => {
    const now = Date.UTC(2026, 10, 18, 10, 0); // Wednesday
    const at = (text: string) => formatWhen(parseWhen(text, now, "UTC")?.at ?? 0, "UTC");
    expect(at("on Friday at 2pm")).toBe("Fri 20 Nov at 14:00");
    expect(at("on Wednesday")).toBe("Wed 25 Nov at 09:00");
    expect(at("on 2026-12-03 at 14:30")).toBe("Thu 3 Dec at 14:30");
    expect(at("on 3 Jan at noon")).toBe("Sun 3 Jan at 12:00");
    expect(at("in 2 hours")).toBe("Wed 18 Nov at 12:00");
    expect(at("at 9")).toBe("Thu 19 Nov at 09:00");
    expect(parseWhen("about the renewal", now, "UTC")).toBeUndefined();
  });

  it("falls on the asked local day and hour on every sweep date, in three zones", () => {
    for (const iso of sweepDates()) {
      const now = Date.parse(iso);
      for (const zone of ["UTC", "America/New_York", "Europe/Berlin"]) {
        const at = parseWhen("tomorrow at 9", now, zone)?.at ?? 0;
        const today = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date(now));
        const [y, m, d] = today.split("-").map(Number) as [number, number, number];
        const tomorrow = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
        const local = new Intl.DateTimeFormat("en-CA", {
          timeZone: zone,
          year: "numeric",
          month: "2-digit",
          day: "2-digit",
          hour: "2-digit",
          minute: "2-digit",
          hourCycle: "h23",
        }).format(new Date(at));
        expect(local, `${iso} ${zone}`).toBe(`${tomorrow}, 09:00`);
      }
    }
  });
});

describe("a reminder read in the asker's locale", () => {
  const withLocale = (locale?: string): Principal => ({
    ...principal(),
    chatUser: { platform: "slack", id: "UALEX", ...(locale ? { locale } : {}) },
  });

  it("confirms, lists and cancels in the locale the platform reports, the zone unchanged", async () => {
    const clock = fixedClock("2026-11-18T10:00:00Z");
    const store = new MemoryStore({ clock, sweepIntervalMs: 0 });
    const reminders = new Reminders({ store, clock, logger: silentLogger, timeZoneOf: () => "Europe/Berlin" });
    const us = cardToText(
      (await reminders.handle("remind me about the renewal tomorrow at 17:30", withLocale("en-US"), thread)) as Card,
    );
    // 17:30 in Berlin on Thursday 19 November, in en-US order and clock.
    expect(us).toContain("Thu, Nov 19, 5:30 PM (Europe/Berlin)");
    const de = withLocale("de-DE");
    de.id = "lena";
    const confirmed = cardToText(
      (await reminders.handle("remind me about the renewal tomorrow at 17:30", de, thread)) as Card,
    );
    expect(confirmed).toContain("Do., 19. Nov., 17:30 (Europe/Berlin)");
    const listed = cardToText((await reminders.handle("my reminders", de, thread)) as Card);
    expect(listed).toContain("Do., 19. Nov., 17:30");
    const cancelled = cardToText((await reminders.handle("cancel reminder 1", de, thread)) as Card);
    expect(cancelled).toContain("Do., 19. Nov., 17:30");
  });

  it("keeps the default form when the platform reports no locale or a malformed one", () => {
    const at = Date.UTC(2026, 10, 19, 16, 30);
    expect(formatWhen(at, "Europe/Berlin")).toBe("Thu 19 Nov at 17:30");
    expect(formatWhen(at, "Europe/Berlin", "not a locale!")).toBe("Thu 19 Nov at 17:30");
    // A DST change moves the local hour, not the locale's form: 16:30 UTC on 29 March is 18:30 CEST.
    expect(formatWhen(Date.UTC(2026, 2, 29, 16, 30), "Europe/Berlin", "en-US")).toBe("Sun, Mar 29, 6:30 PM");
  });
});

async function reminderSuite(makeStore: (clock: ReturnType<typeof fixedClock>) => Promise<Store>) {
  const clock = fixedClock("2026-11-18T10:00:00Z");
  const store = await makeStore(clock);
  const prefix = `reminders-${randomUUID()}:`;
  const make = () => new Reminders({ store, clock, logger: silentLogger, timeZoneOf: () => "Europe/Berlin", prefix });
  return { clock, store, make };
}

describe.each([
  { label: "the memory store", redis: false },
  { label: "Redis", redis: true },
])("reminders over $label", ({ redis }) => {
  const stores: RedisStore[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
  });
  const makeStore = async (clock: ReturnType<typeof fixedClock>): Promise<Store> => {
    if (!redis) return new MemoryStore({ clock, sweepIntervalMs: 0 });
    const s = await connectTestRedis(`test:reminders:${randomUUID()}:`);
    stores.push(s);
    return s;
  };

  it.skipIf(redis && redisSkipReason !== undefined)(
    "posts a due reminder once when three replicas sweep at the same moment, and never again",
    async () => {
      const { clock, make } = await reminderSuite(makeStore);
      const replicas = [make(), make(), make()];
      const adapter = recordingAdapter();
      await replicas[0]?.handle("remind me about BetaCo tomorrow at 9", principal(), thread);
      clock.set(Date.UTC(2026, 10, 19, 7, 59));
      expect(await replicas[1]?.deliverDue({ slack: adapter })).toBe(0);
      clock.set(Date.UTC(2026, 10, 19, 8, 0)); // 09:00 in Berlin
      const posted = await Promise.all(replicas.map((r) => r.deliverDue({ slack: adapter })));
      expect(posted.reduce((a, b) => a + b, 0)).toBe(1);
      expect(adapter.posts).toHaveLength(1);
      expect(adapter.posts[0]?.thread).toEqual(thread);
      expect(cardToText(adapter.posts[0]?.card as Card)).toContain("Reminder for alex: BetaCo");
      await Promise.all(replicas.map((r) => r.deliverDue({ slack: adapter })));
      expect(adapter.posts).toHaveLength(1);
      expect(await replicas[2]?.pending("alex")).toEqual([]);
    },
  );

  it.skipIf(redis && redisSkipReason !== undefined)(
    "tries a reminder again on the next sweep when the platform refused the post",
    async () => {
      const { clock, make } = await reminderSuite(makeStore);
      const reminders = make();
      await reminders.handle("remind me to send the report in 1 hour", principal(), thread);
      clock.advance(3_600_000);
      const failing: ChatAdapter = {
        ...recordingAdapter(),
        post: async () => {
          throw new Error("slack down");
        },
      };
      expect(await reminders.deliverDue({ slack: failing })).toBe(0);
      const adapter = recordingAdapter();
      expect(await make().deliverDue({ slack: adapter })).toBe(1);
      expect(cardToText(adapter.posts[0]?.card as Card)).toContain("send the report");
    },
  );

  it.skipIf(redis && redisSkipReason !== undefined)(
    "lists a person's reminders soonest first and cancels one by its number",
    async () => {
      const { clock, make } = await reminderSuite(makeStore);
      const reminders = make();
      await reminders.handle("remind me about the renewal on Friday at 2pm", principal(), thread);
      await reminders.handle("remind me about BetaCo tomorrow at 9", principal(), thread);
      await reminders.handle("remind me about my own thing tomorrow", principal("sam"), thread);
      const list = cardToText((await reminders.handle("my reminders", principal(), thread)) as Card);
      expect(list).toContain("You have 2 reminders");
      expect(list.indexOf("2. BetaCo")).toBeLessThan(list.indexOf("1. the renewal"));
      expect(list).not.toContain("own thing");
      expect(cardToText((await reminders.handle("cancel reminder 2", principal(), thread)) as Card)).toContain(
        "Cancelled reminder 2 (BetaCo",
      );
      expect(cardToText((await reminders.handle("cancel reminder 2", principal(), thread)) as Card)).toContain(
        "no reminder 2",
      );
      expect((await reminders.pending("alex")).map((r) => r.about)).toEqual(["the renewal"]);
      // A cancelled reminder is never delivered; the others are.
      clock.set(Date.UTC(2026, 10, 30));
      const adapter = recordingAdapter();
      expect(await make().deliverDue({ slack: adapter })).toBe(2);
      const delivered = adapter.posts.map((p) => cardToText(p.card)).join("\n");
      expect(delivered).toContain("the renewal");
      expect(delivered).toContain("own thing");
      expect(delivered).not.toContain("BetaCo");
    },
  );
});

const orgs: { label: string; org: OrgConfig; profile: DemoProfile; asker: string; zone: string }[] = [
  { label: "the demo org", org: demoOrg, profile: northwindProfile, asker: "alex", zone: demoOrg.timezone },
  {
    label: "the second org",
    org: secondOrgConfig(),
    profile: secondOrgProfile,
    asker: "clara",
    zone: secondOrgConfig().timezone,
  },
];

describe.each(orgs)("reminders through the composed bot on $label", ({ org, profile, asker, zone }) => {
  it("sets, lists, delivers in the asker's timezone and cancels, and both renderers show the replies", async () => {
    const clock = fixedClock("2026-11-18T10:00:00Z");
    const output = new PassThrough();
    output.resume();
    // The asker keeps their own timezone, which wins over the organisation's.
    const own = "Asia/Tokyo";
    const configured: OrgConfig = {
      ...org,
      users: org.users.map((u) => (u.id === asker ? { ...u, timezone: own } : u)),
    };
    const app = await compose(
      { env: loadConfig({}).env, org: configured, orgSource: "test" },
      {
        store: new MemoryStore({ clock, sweepIntervalMs: 0 }),
        clock,
        logger: silentLogger,
        output,
        ports: createDemoPorts({ clock, profile }),
      },
    );
    const replies: Card[] = [];
    const ask = async (text: string) => {
      await app.bot.handle(
        {
          thread: { ...thread, platform: "console" },
          user: { platform: "console", id: asker },
          text,
          receivedAt: clock.now(),
        },
        {
          reply: async (card): Promise<MessageRef> => {
            replies.push(card);
            return { thread, messageId: String(replies.length) };
          },
        },
      );
      return replies.at(-1) as Card;
    };
    const customer = (await app.ports.crm.listCustomers())[0]?.name ?? "";
    const set = await ask(`remind me about ${customer} tomorrow at 9`);
    expect(cardToText(set)).toContain(`I'll remind you about ${customer} on Thu 19 Nov at 09:00 (${own})`);
    expect(zone).not.toBe(own);
    for (const card of [set, await ask("my reminders")]) {
      expect(JSON.stringify(renderCard(card))).toContain(customer);
      expect(JSON.stringify(renderAdaptiveCard(card))).toContain(customer);
    }
    const adapter = recordingAdapter();
    clock.set(Date.UTC(2026, 10, 19, 0, 0)); // 19 Nov 00:00 UTC = 09:00 in Tokyo
    expect(await app.reminders.deliverDue({ console: { ...adapter, platform: "console" } })).toBe(1);
    expect(cardToText(adapter.posts[0]?.card as Card)).toContain(`: ${customer}`);
    await ask(`remind me about ${customer} on Friday`);
    expect(cardToText(await ask("cancel reminder 2"))).toContain("Cancelled reminder 2");
    expect(cardToText(await ask("my reminders"))).toContain("You have no reminders");
    await app.close();
  });
});
