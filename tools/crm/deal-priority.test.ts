import { describe, expect, it } from "vitest";
import type { Deal } from "../../src/core/domain/crm.ts";
import { rankDeals } from "./deal-priority.ts";

const now = Date.parse("2026-11-23T09:00:00Z");
const at = (hoursFromNow: number) => new Date(now + hoursFromNow * 3_600_000).toISOString();

function deal(id: string, amount: number, probability: number, over: Partial<Deal> = {}): Deal {
  return {
    id,
    name: `Deal ${id}`,
    company: { id: `c-${id}`, name: `Company ${id}` },
    stage: "proposal",
    amount,
    currency: "USD",
    probability,
    ownerId: "owner-alex",
    lastActivityAt: at(-24),
    url: `https://crm.example/deal/${id}`,
    ...over,
  };
}

describe("rankDeals", () => {
  const deals = [
    deal("quiet", 100_000, 0.5),
    deal("hot", 250_000, 0.6, { lastInboundAt: at(-3), nextMeetingAt: at(5) }),
    deal("silent", 80_000, 0.5, { lastActivityAt: at(-24 * 12) }),
    deal("ghost", 60_000, 0.4, { lastActivityAt: at(-24 * 9), lastDemoAt: at(-24 * 9) }),
    deal("soon", 40_000, 0.5, { nextMeetingAt: at(30) }),
  ];
  const ranked = rankDeals(deals, now);
  const byId = Object.fromEntries(ranked.map((r) => [r.deal.id, r]));

  it("weighs each deal by probability times amount", () => {
    for (const r of ranked) expect(r.weighted).toBe(r.deal.probability * r.deal.amount);
    expect(byId.hot?.weighted).toBe(150_000);
  });

  it("ranks a big deal with a fresh reply and a meeting today first", () => {
    expect(ranked[0]?.deal.id).toBe("hot");
    expect(byId.hot?.urgency).toEqual(["replied", "meeting_today"]);
    expect(byId.hot?.nextStep).toContain("reply");
  });

  it("recognises silent, ghosted-after-demo and upcoming-meeting deals", () => {
    expect(byId.silent?.urgency).toEqual(["silent"]);
    expect(byId.silent?.silentDays).toBe(12);
    expect(byId.ghost?.urgency).toEqual(["ghosted"]);
    expect(byId.ghost?.nextStep).toContain("demo");
    expect(byId.soon?.urgency).toEqual(["meeting_soon"]);
    expect(byId.quiet?.urgency).toEqual([]);
  });

  it("orders by weighted value lifted by the documented urgency boosts", () => {
    // Independent computation: 1 + 0.5 replied + 0.5 meeting today; 1.1 silent; 1.25 ghosted; 1.2 soon.
    const expected = {
      hot: 150_000 * 2,
      quiet: 50_000,
      silent: 40_000 * 1.1,
      ghost: 24_000 * 1.25,
      soon: 20_000 * 1.2,
    };
    expect(ranked.map((r) => r.deal.id)).toEqual(
      Object.entries(expected)
        .sort((a, b) => b[1] - a[1])
        .map(([id]) => id),
    );
    for (const r of ranked) expect(r.priority).toBeCloseTo(expected[r.deal.id as keyof typeof expected], 6);
  });

  it("does not call a deal ghosted when the buyer wrote after the demo", () => {
    const [r] = rankDeals(
      [deal("x", 1, 1, { lastDemoAt: at(-24 * 10), lastInboundAt: at(-24 * 8), lastActivityAt: at(-24 * 8) })],
      now,
    );
    expect(r?.urgency).toEqual(["silent"]);
  });
});
