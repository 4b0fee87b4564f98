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
import { money } from "./format.ts";
import { createWeeklyDigest, dealWeekStart, splitClosed } from "./weekly.ts";

const NOW = "2026-11-23T09:00:00Z";

function setup() {
  const clock = fixedClock(NOW);
  const ports = createDemoPorts({ clock });
  return { clock, ports, weekly: createWeeklyDigest({ ports, clock, store: new MemoryStore() }) };
}

/** Deals whose stage is Closed Won/Lost with a close day from 7 days ago (00:00 UTC) to now. */
function expectedClosed(deals: readonly DealDetail[], now: number) {
  const won: DealDetail[] = [];
  const lost: DealDetail[] = [];
  const firstDay = new Date(now - 7 * 86_400_000).toISOString().slice(0, 10);
  const today = new Date(now).toISOString().slice(0, 10);
  for (const d of deals) {
    if (!d.closeDate) continue;
    const closeDay = d.closeDate.slice(0, 10);
    if (closeDay < firstDay || closeDay > today) continue;
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

  it("counts a deal moved to Closed Won today through the approved stage change", async () => {
    const { clock, ports, weekly } = setup();
    await ports.crm.updateDealStage(scenario.deals.techStart, "Closed Won", { idempotencyKey: "appr-weekly-1" });
    const expected = expectedClosed(ports.org.crm.deals, clock.now());

    const card = await weekly.run();

    expect(expected.won).toHaveLength(3);
    expect(firstText(card)).toContain(`3 deals won (${money(expected.wonAmount)})`);
    expect(money(expected.wonAmount)).toBe("$218,500");
    expect(
      dealsBlock(card)
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
  it("starts at 00:00 UTC of the day one week earlier, so a deal closed that day counts", () => {
    expect(new Date(dealWeekStart(Date.parse(NOW))).toISOString()).toBe("2026-11-16T00:00:00.000Z");
  });

  it("leaves a closed deal dated in the future out of this week's figures", () => {
    const base = {
      name: "x",
      company: { id: "c", name: "C" },
      stage: "Closed Won",
      amount: 1,
      probability: 1,
      ownerId: "o",
      url: "u",
    };
    const { won, lost } = splitClosed(
      [
        { ...base, id: "past", outcome: "won", closeDate: "2026-11-20" },
        { ...base, id: "future", outcome: "won", closeDate: "2026-11-30" },
        { ...base, id: "lost", outcome: "lost", closeDate: "2026-11-23T08:59:00Z" },
      ],
      Date.parse(NOW),
    );
    expect(won.map((d) => d.id)).toEqual(["past"]);
    expect(lost.map((d) => d.id)).toEqual(["lost"]);
  });
});
