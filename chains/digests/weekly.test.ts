/**
 * Weekly summary deals: every won/lost figure equals a plain-loop count over the demo
 * organisation's deal rows (not the port's listClosedDeals), so a wrong window, outcome or
 * sum in the port or the digest shows up as a mismatch.
 */
import { describe, expect, it } from "vitest";
import { type Card, cardToText } from "../../src/core/card.ts";
import { fixedClock } from "../../src/core/clock.ts";
import type { DealDetail } from "../../src/core/domain/crm.ts";
import { DaybookError } from "../../src/core/errors.ts";
import { MemoryStore } from "../../src/store/memory-store.ts";
import { createDemoPorts } from "../../tools/demo/demo-ports.ts";
import { scenario } from "../../tools/demo/generate.ts";
import { money as moneyIn } from "./format.ts";
import { createWeeklyDigest, dealWeekStart, splitClosed, summaryWeek } from "./weekly.ts";

/** The demo organisation keeps its CRM and its books in US dollars. */
const money = (amount: number) => moneyIn(amount, "USD");

const NOW = "2026-11-23T09:00:00Z";

function setup() {
  const clock = fixedClock(NOW);
  const ports = createDemoPorts({ clock });
  return { clock, ports, weekly: createWeeklyDigest({ ports, clock, store: new MemoryStore() }) };
}

/**
 * Deals whose stage is Closed Won/Lost with a close day in the calendar week summarised (UTC):
 * Monday to today, or on a Monday the whole week before.
 */
function expectedClosed(deals: readonly DealDetail[], now: number) {
  const won: DealDetail[] = [];
  const lost: DealDetail[] = [];
  const day = 86_400_000;
  const sinceMonday = (new Date(now).getUTCDay() + 6) % 7;
  const back = sinceMonday === 0 ? 7 : sinceMonday;
  const firstDay = new Date(now - back * day).toISOString().slice(0, 10);
  const lastDay = new Date(Date.parse(firstDay) + 6 * day).toISOString().slice(0, 10);
  const today = new Date(now).toISOString().slice(0, 10);
  for (const d of deals) {
    if (!d.closeDate) continue;
    const closeDay = d.closeDate.slice(0, 10);
    if (closeDay < firstDay || closeDay > lastDay || closeDay > today) continue;
    if (d.stage === "Closed Won") won.push(d);
    if (d.stage === "Closed Lost") lost.push(d);
  }
  let wonAmount = 0;
  for (const d of won) wonAmount += d.amount;
  let lostAmount = 0;
  for (const d of lost) lostAmount += d.amount;
  return { won, lost, wonAmount, lostAmount };
}

function firstText(card: Card): string {
  const block = card.blocks.find((b) => b.type === "text");
  return block?.type === "text" ? block.text : "";
}

function dealsBlock(card: Card) {
  const block = card.blocks.find((b) => b.type === "list" && b.title?.startsWith("**Deals closed"));
  return block?.type === "list" ? block : undefined;
}

describe("weekly summary deals on the demo organisation", () => {
  it("counts this week's won and lost deals and their amounts exactly as the deal rows say", async () => {
    const { clock, ports, weekly } = setup();
    const expected = expectedClosed(ports.org.crm.deals, clock.now());

    const card = await weekly.run();

    expect(expected.won.map((d) => d.id).sort()).toEqual([...scenario.deals.wonThisWeek]);
    expect(expected.lost.map((d) => d.id)).toEqual([...scenario.deals.lostThisWeek]);
    expect(firstText(card)).toContain(
      `${expected.won.length} deals won (${money(expected.wonAmount)}), ${expected.lost.length} lost (${money(expected.lostAmount)});`,
    );
    expect(dealsBlock(card)?.title).toBe(
      `**Deals closed: ${expected.won.length} won (${money(expected.wonAmount)}), ${expected.lost.length} lost (${money(expected.lostAmount)})**`,
    );
    // The figures a reader recognises from the demo story.
    expect(firstText(card)).toContain("2 deals won ($138,500), 1 lost ($150,000);");
    expect(money(expected.lostAmount)).toBe("$150,000");
  });

  it("lists each closed deal with its outcome, amount, owner and close day, won first", async () => {
    const { clock, ports, weekly } = setup();
    const expected = expectedClosed(ports.org.crm.deals, clock.now());

    const items = dealsBlock(await weekly.run())?.items ?? [];

    expect(items.map((i) => i.meta)).toEqual([
      ...expected.won.map((d) => `won, ${money(d.amount)}`),
      ...expected.lost.map((d) => `lost, ${money(d.amount)}`),
    ]);
    const northwind = items.find((i) => i.title.includes("Northwind Traders"));
    expect(northwind).toEqual({
      title: "[Northwind Traders - Annual plan](https://app.hubspot.com/contacts/demo/deal/1032)",
      text: "Alex Rivera, closed 2026-11-21",
      meta: "won, $96,000",
    });
  });

  it("leaves out deals closed before the week and deals still open", async () => {
    const { weekly } = setup();

    const text = cardToText(await weekly.run());

    // Redwood Outfitters closed 8 days ago, Harbor Freight 20 days ago; Acme is still open.
    expect(text).not.toContain("Redwood Outfitters");
    expect(text).not.toContain("Harbor Freight");
    expect(text).not.toMatch(/Acme Corp - Platform rollout/);
  });

  it("counts a deal won on Monday in that week's Friday summary, not in Monday's summary of the week before", async () => {
    const { clock, ports, weekly } = setup();
    await ports.crm.updateDealStage(scenario.deals.techStart, "Closed Won", { idempotencyKey: "appr-weekly-1" });

    const monday = await weekly.run({ preview: true });
    clock.set(Date.parse("2026-11-27T16:00:00Z"));
    const expected = expectedClosed(ports.org.crm.deals, clock.now());
    const friday = await weekly.run();

    expect(
      dealsBlock(monday)
        ?.items.map((i) => i.title)
        .join("\n"),
    ).not.toContain("TechStart Inc - Team plan");
    expect(expected.won.map((d) => d.id)).toEqual([scenario.deals.techStart]);
    expect(firstText(friday)).toContain(`1 deal won (${money(expected.wonAmount)})`);
    expect(
      dealsBlock(friday)
        ?.items.map((i) => i.title)
        .join("\n"),
    ).toContain("TechStart Inc - Team plan");
  });

  it("says closed deals could not be read when the CRM fails, with no error text in the card", async () => {
    const clock = fixedClock(NOW);
    const ports = createDemoPorts({ clock });
    const crm = {
      ...ports.crm,
      listClosedDeals: async () => {
        throw new DaybookError("upstream_unavailable", "HubSpot 503 secret-token-xyz");
      },
    };
    const weekly = createWeeklyDigest({ ports: { ...ports, crm }, clock, store: new MemoryStore() });

    const text = cardToText(await weekly.run());

    expect(text).toContain("Closed deals could not be read from the CRM this week.");
    // The opening sentence must not claim "0 deals won" when the CRM simply did not answer.
    expect(text).toContain("deals could not be read from the CRM;");
    expect(text).not.toMatch(/0 deals won/);
    expect(text).not.toContain("Deals closed:");
    expect(text).not.toMatch(/503|secret-token/);
  });
});

describe("the demo CRM's closed deals", () => {
  it("returns deals closed on or after the start date, newest first, with outcome and owner", async () => {
    const { ports } = setup();

    const closed = await ports.crm.listClosedDeals("2026-11-16T00:00:00.000Z");

    expect(closed.map((d) => [d.id, d.outcome, d.closeDate, d.ownerId])).toEqual([
      ["1032", "won", "2026-11-21", "owner-alex"],
      ["1034", "lost", "2026-11-20", "owner-alex"],
      ["1033", "won", "2026-11-19", "owner-sam"],
    ]);
    expect(closed[0]).toMatchObject({
      amount: 96_000,
      company: { name: "Northwind Traders" },
      ownerName: "Alex Rivera",
    });
    expect(closed[0]).not.toHaveProperty("activities");
    expect((await ports.crm.listClosedDeals("2026-10-15")).map((d) => d.id)).toEqual([
      "1032",
      "1034",
      "1033",
      "1035",
      "1030",
      "1031",
    ]);
  });

  it("keeps the closed deals out of the account executive's 15 open deals", async () => {
    const { ports } = setup();

    const open = await ports.crm.listOpenDeals({ ownerId: "owner-alex" });

    expect(open).toHaveLength(15);
    expect(open.map((d) => d.id)).not.toContain("1032");
  });

  it("refuses a start that is not a date with a readable message", async () => {
    const { ports } = setup();

    await expect(ports.crm.listClosedDeals("last week")).rejects.toMatchObject({
      code: "bad_request",
      userMessage: expect.stringContaining("2026-11-16"),
    });
  });
});

describe("the weekly deal window", () => {
  const base = {
    name: "x",
    company: { id: "c", name: "C" },
    stage: "Closed Won",
    amount: 1,
    currency: "USD",
    probability: 1,
    ownerId: "o",
    url: "u",
  };

  it("summarises on a Monday the calendar week that just ended, and later in the week the week so far", () => {
    expect(summaryWeek(Date.parse(NOW), "UTC")).toMatchObject({ from: "2026-11-16", to: "2026-11-22" });
    expect(summaryWeek(Date.parse("2026-11-27T16:00:00Z"), "UTC")).toMatchObject({
      from: "2026-11-23",
      to: "2026-11-29",
    });
    expect(summaryWeek(Date.parse("2026-11-23T03:00:00Z"), "America/New_York")).toMatchObject({ from: "2026-11-16" });
    expect(summaryWeek(Date.parse("2026-11-23T12:00:00Z"), "Pacific/Auckland")).toMatchObject({ from: "2026-11-23" });
  });

  it("asks the CRM from the week's first local midnight or that day at 00:00 UTC, whichever is earlier", () => {
    expect(dealWeekStart(summaryWeek(Date.parse(NOW), "UTC"))).toBe("2026-11-16T00:00:00.000Z");
    const auckland = summaryWeek(Date.parse("2026-11-24T09:00:00Z"), "Pacific/Auckland");
    expect(dealWeekStart(auckland)).toBe("2026-11-22T11:00:00.000Z");
    const newYork = summaryWeek(Date.parse("2026-11-24T09:00:00Z"), "America/New_York");
    expect(dealWeekStart(newYork)).toBe("2026-11-23T00:00:00.000Z");
  });

  it("counts deals closed in the week and by now, leaving out the week before and future-dated closes", () => {
    const now = Date.parse("2026-11-25T09:00:00Z");
    const { won, lost } = splitClosed(
      [
        { ...base, id: "monday", outcome: "won", closeDate: "2026-11-23" },
        { ...base, id: "sunday-before", outcome: "won", closeDate: "2026-11-22" },
        { ...base, id: "later-this-week", outcome: "won", closeDate: "2026-11-27" },
        { ...base, id: "lost", outcome: "lost", closeDate: "2026-11-25T08:59:00Z" },
        { ...base, id: "lost-late-sunday", outcome: "lost", closeDate: "2026-11-22T23:59:00Z" },
      ],
      summaryWeek(now, "UTC"),
      now,
    );
    expect(won.map((d) => d.id)).toEqual(["monday"]);
    expect(lost.map((d) => d.id)).toEqual(["lost"]);
  });

  it("reads a close day as a day in the org's calendar and a close time as an instant", () => {
    // Tuesday 08:00 in Auckland is Monday 19:00 UTC: the week began on Sunday 11:00 UTC.
    const now = Date.parse("2026-11-23T19:00:00Z");
    const week = summaryWeek(now, "Pacific/Auckland");
    const { won } = splitClosed(
      [
        { ...base, id: "nz-monday-morning", outcome: "won", closeDate: "2026-11-22T20:00:00Z" },
        { ...base, id: "nz-sunday", outcome: "won", closeDate: "2026-11-22T10:59:00Z" },
        { ...base, id: "nz-tuesday-day", outcome: "won", closeDate: "2026-11-24" },
      ],
      week,
      now,
    );
    expect(won.map((d) => d.id)).toEqual(["nz-monday-morning", "nz-tuesday-day"]);
  });
});
