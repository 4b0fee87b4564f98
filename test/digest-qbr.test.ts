/**
 * The quarterly business review digest (issue 16, item 6): on the demo and the second
 * organisation, on several dates, its figures match the seed data summed here independently,
 * and both renderers (Slack blocks, Teams card) carry them.
 */
import nodeCron from "node-cron";
import { describe, expect, it } from "vitest";
import { renderCard } from "../adapters/slack/format/block-kit.ts";
import { renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { loadQbr, qbrCard, qbrDraft } from "../chains/digests/qbr.ts";
import { createDigests } from "../chains/digests/registry.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { type Card, cardToText } from "../src/core/card.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { Ports } from "../src/core/domain/ports.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { type DemoProfile, northwindProfile } from "../tools/demo/profile.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { secondOrgConfig } from "./support/sweep.ts";

const orgs: { label: string; profile: DemoProfile; timeZone: string; currency: string; atRisk: string }[] = [
  { label: "demo", profile: northwindProfile, timeZone: "UTC", currency: "USD", atRisk: "BrightTech Inc" },
  {
    label: "Kestrel Robotics",
    profile: secondOrgProfile,
    timeZone: "Europe/Berlin",
    currency: "EUR",
    atRisk: "Mistral Logistik",
  },
];

/** Date -> the quarter reviewed, the one before, the same one a year earlier, and their months. */
const dates = [
  {
    at: "2026-12-04T12:00:00Z",
    q: ["Q3 2026", "Q2 2026", "Q3 2025"],
    months: [
      ["2026-07", "2026-08", "2026-09"],
      ["2026-04", "2026-05", "2026-06"],
      ["2025-07", "2025-08", "2025-09"],
    ],
  },
  // Year start (a Saturday): the quarter just ended is last year's Q4.
  {
    at: "2027-01-02T12:00:00Z",
    q: ["Q4 2026", "Q3 2026", "Q4 2025"],
    months: [
      ["2026-10", "2026-11", "2026-12"],
      ["2026-07", "2026-08", "2026-09"],
      ["2025-10", "2025-11", "2025-12"],
    ],
  },
  {
    at: "2028-02-29T12:00:00Z",
    q: ["Q4 2027", "Q3 2027", "Q4 2026"],
    months: [
      ["2027-10", "2027-11", "2027-12"],
      ["2027-07", "2027-08", "2027-09"],
      ["2026-10", "2026-11", "2026-12"],
    ],
  },
  // The last day of Q1 is still inside it: the full quarter is Q4.
  {
    at: "2027-03-31T12:00:00Z",
    q: ["Q4 2026", "Q3 2026", "Q4 2025"],
    months: [
      ["2026-10", "2026-11", "2026-12"],
      ["2026-07", "2026-08", "2026-09"],
      ["2025-10", "2025-11", "2025-12"],
    ],
  },
] as const;

const fmt = (n: number, currency: string) =>
  new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    minimumFractionDigits: Number.isInteger(Math.round(n * 100) / 100) ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(n);

async function expected(ports: Ports, months: readonly (readonly string[])[], from: string, to: string) {
  const quarter = async (ms: readonly string[]) => {
    let revenue = 0;
    let hosting = 0;
    for (const m of ms) {
      const pnl = await ports.accounting.getProfitAndLoss(m);
      revenue += pnl.income.reduce((s, l) => s + l.amount, 0);
      hosting += pnl.expenses.filter((l) => l.account === "Hosting").reduce((s, l) => s + l.amount, 0);
    }
    revenue = Math.round(revenue * 100) / 100;
    return { revenue, margin: ((revenue - hosting) / revenue) * 100 };
  };
  const [q, prev, year] = await Promise.all(months.map(quarter));
  const open = await ports.crm.listOpenDeals();
  const closed = await ports.crm.listClosedDeals(`${from}T00:00:00Z`);
  const won = closed.filter(
    (d) => d.outcome === "won" && d.closeDate.slice(0, 10) >= from && d.closeDate.slice(0, 10) <= to,
  );
  return {
    q: q!,
    qoq: ((q!.revenue - prev!.revenue) / prev!.revenue) * 100,
    yoy: ((q!.revenue - year!.revenue) / year!.revenue) * 100,
    pipeline: open.reduce((s, d) => s + d.amount, 0),
    weighted: open.reduce((s, d) => s + d.amount * d.probability, 0),
    openCount: open.length,
    wonCount: won.length,
    wonAmount: won.reduce((s, d) => s + d.amount, 0),
  };
}

const signed = (n: number) => `${n > 0 ? "+" : ""}${n.toFixed(1)}%`;
const lastDay = (month: string) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

function rendered(card: Card): { slack: string; teams: string } {
  return { slack: JSON.stringify(renderCard(card)), teams: JSON.stringify(renderAdaptiveCard(card)) };
}

describe("the quarterly business review digest", () => {
  for (const o of orgs)
    for (const d of dates)
      it(`reviews ${d.q[0]} against ${d.q[1]} and ${d.q[2]} on ${d.at.slice(0, 10)} (${o.label}) with the seed data's figures`, async () => {
        const clock = fixedClock(d.at);
        const ports = createDemoPorts({ clock, profile: o.profile });
        const digests = createDigests({ ports, clock, store: new MemoryStore(), timeZone: o.timeZone });
        const card = await digests.qbr.run();
        const text = cardToText(card);
        const e = await expected(ports, d.months, `${d.months[0][0]}-01`, lastDay(d.months[0][2]));
        expect(card.header).toBe(`Quarterly business review: ${d.q[0]}`);
        expect(text).toContain(
          `${fmt(e.q.revenue, o.currency)} revenue (${signed(e.qoq)} vs ${d.q[1]}, ${signed(e.yoy)} vs ${d.q[2]})`,
        );
        expect(text).toContain(`gross margin ${e.q.margin.toFixed(1)}%`);
        expect(text).toContain(
          `${fmt(e.pipeline, o.currency)} open pipeline across ${e.openCount} deals (${fmt(e.weighted, o.currency)} weighted)`,
        );
        expect(text).toContain(
          `${e.wonCount} deal${e.wonCount === 1 ? "" : "s"} won in ${d.q[0]} (${fmt(e.wonAmount, o.currency)})`,
        );
        expect(text).toContain(o.atRisk);
        expect(text).not.toContain(o.currency === "EUR" ? "$" : "€");
        const { slack, teams } = rendered(card);
        for (const r of [slack, teams]) {
          expect(r).toContain(fmt(e.q.revenue, o.currency));
          expect(r).toContain(d.q[0]);
          expect(r).toContain(o.atRisk);
        }
      });

  it("leaves out the books for a reader who sees only the CRM, and says so", async () => {
    const clock = fixedClock("2026-12-04T12:00:00Z");
    const ports = createDemoPorts({ clock, profile: secondOrgProfile });
    const facts = await loadQbr({ ports, clock, timeZone: "Europe/Berlin" }, { accounting: false, crm: true });
    const text = cardToText(qbrCard(facts, qbrDraft(facts)));
    expect(text).not.toMatch(/revenue \(|gross margin/);
    expect(text).toContain("open pipeline");
    expect(text).toContain("Left out: revenue and margin (the books)");
  });

  it("fires its default schedule once a quarter, at 09:00 on the quarter's first weekday (the Monday after a weekend 1st)", async () => {
    const task = nodeCron.createTask(demoOrg.digests.qbr!.cron, () => {}, { timezone: "Europe/Berlin" });
    const runs = task.getNextRuns(12);
    await task.destroy();
    const local = (d: Date) =>
      Object.fromEntries(
        new Intl.DateTimeFormat("en-GB", {
          timeZone: "Europe/Berlin",
          year: "numeric",
          month: "numeric",
          day: "numeric",
          hour: "2-digit",
          minute: "2-digit",
          hourCycle: "h23",
        })
          .formatToParts(d)
          .map((p) => [p.type, p.value]),
      );
    expect(runs).toHaveLength(12);
    for (const run of runs) {
      const { year, month, day, hour, minute } = local(run);
      expect([1, 4, 7, 10]).toContain(Number(month));
      const firstDow = new Date(Date.UTC(Number(year), Number(month) - 1, 1)).getUTCDay();
      const firstWeekday = firstDow === 6 ? 3 : firstDow === 0 ? 2 : 1;
      expect(Number(day), run.toISOString()).toBe(firstWeekday);
      expect(`${hour}:${minute}`).toBe("09:00");
    }
  });

  it("is scheduled for 09:00 on the first weekday of each quarter, to leadership, in both organisations", () => {
    expect(demoOrg.digests.qbr).toMatchObject({ enabled: true, cron: "0 9 1W 1,4,7,10 *", channels: ["leadership"] });
    expect(secondOrgConfig().digests.qbr).toMatchObject({ cron: "0 9 1W 1,4,7,10 *", channels: ["leitung"] });
  });
});
