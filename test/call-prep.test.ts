/**
 * Call prep (issue 16, item 2): "prep me for my call with <customer>" through the composed app
 * and the offline agent, on the demo and the second organisation, on a pinned date and on month
 * end, year end and a leap day. Every figure is checked against the organisation's own data:
 * owner, ARR, renewal date and days left, health with its trend and signals, open tickets,
 * contacts and the timeline; the approach and talking points follow the signals by rule.
 */
import { describe, expect, it } from "vitest";
import { renderCard } from "../adapters/slack/format/block-kit.ts";
import { renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { type Card, cardToText } from "../src/core/card.ts";
import type { CustomerDetail } from "../src/core/domain/crm.ts";
import { localToday } from "../src/core/period.ts";
import { prepareCall } from "../tools/crm/call-prep.ts";
import { scoreCustomer } from "../tools/crm/churn-score.ts";
import { renewalOf } from "../tools/crm/renewals.ts";
import { expectValidAdaptiveCard } from "./support/adaptive-cards.ts";
import { blockKitViolations } from "./support/block-kit.ts";
import { replyFailure, sweepOrgs } from "./support/sweep.ts";
import { threadWorld } from "./support/thread-world.ts";

const orgs = [sweepOrgs[0]!, sweepOrgs[2]!];
const dates = ["2026-12-03T09:00:00Z", "2027-01-31T22:45:00Z", "2026-12-31T23:59:00Z", "2028-02-29T12:00:00Z"];

function expectRendersOnBothPlatforms(card: Card): void {
  expect(blockKitViolations(renderCard(card))).toEqual([]);
  expectValidAdaptiveCard(renderAdaptiveCard(card));
}

function money(amount: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 0 }).format(amount);
}

describe("call prep rules", () => {
  const now = Date.parse("2026-12-03T09:00:00Z");
  const healthy: CustomerDetail = {
    id: "9",
    name: "Healthy Co",
    arr: 10_000,
    currency: "USD",
    usageChange: 0.1,
    usageWindowDays: 30,
    adminLastLoginAt: "2026-12-02T09:00:00Z",
    tickets: [],
    unusedPaidFeatures: [],
    url: "u",
    activities: [],
    contacts: [],
  };

  it("suggests a renewal conversation for a healthy account renewing within 90 days", () => {
    const prep = prepareCall({ ...healthy, renewalDate: "2027-01-10" }, [], now, "UTC");
    expect(prep.approach).toMatch(/^Renewal conversation: Healthy Co is healthy and renews in 38 days/);
    expect(prep.talkingPoints).toEqual([
      "Renewal on 2027-01-10 (in 38 days): agree the next step for the contract before the call ends",
    ]);
  });

  it("suggests a relationship call, with a question for the next quarter, when nothing is at stake", () => {
    const prep = prepareCall(healthy, [], now, "UTC");
    expect(prep.renewal).toBeUndefined();
    expect(prep.approach).toMatch(/^Relationship call/);
    expect(prep.talkingPoints).toHaveLength(1);
    expect(prep.talkingPoints[0]).toMatch(/next quarter/);
  });

  it("puts a failed payment and unused features in the talking points, one each", () => {
    const prep = prepareCall(
      { ...healthy, lastFailedPaymentAt: "2026-12-01T10:00:00Z", unusedPaidFeatures: ["SSO", "API"] },
      [],
      now,
      "UTC",
    );
    expect(prep.talkingPoints).toEqual([
      "A payment failed 1 day ago: ask the billing contact to update the payment method",
      "They pay for SSO, API without using them: offer onboarding",
    ]);
    expect(prep.healthScore).toBe(100 - 25 - 10);
  });
});

for (const o of orgs) {
  describe(`call prep on ${o.label}`, () => {
    for (const iso of dates) {
      it(`briefs the account from its own data on ${iso}`, async () => {
        const now = Date.parse(iso);
        const world = await threadWorld(o, now);
        try {
          const tz = o.org.timezone;
          const customers = await world.ports.crm.listCustomers();
          // The account with the most at stake: high churn risk with a renewal coming.
          const target = customers
            .map((c) => ({ c, r: renewalOf(c, now, tz) }))
            .filter(({ r }) => r && r.daysLeft >= 0 && r.risk.level === "high")
            .sort((a, b) => a.r!.daysLeft - b.r!.daysLeft)[0]!;
          const detail = await world.ports.crm.getCustomer(target.c.id);
          const risk = scoreCustomer(detail, now);

          const [card] = await world.say(`prep me for my call with ${detail.name}`);
          const text = cardToText(card!);
          expect(replyFailure(text)).toBeUndefined();
          expect(text).toContain(`Call prep: ${detail.name}`);
          expect(text).toContain(`Owner ${detail.ownerName}`);
          expect(text).toContain(`${money(detail.arr, detail.currency)} ARR`);
          expect(text).toContain(`renews ${target.r!.renewalDate} (in ${target.r!.daysLeft} days)`);
          expect(text).toContain(`Health ${100 - risk.score}/100 (poor), trend declining`);
          for (const s of risk.signals) expect(text).toContain(s.detail);
          expect(text).toMatch(/Approach:\*?\*? Retention call/);
          const open = detail.tickets.filter((t) => t.status === "open");
          if (open.length > 0) for (const t of open) expect(text).toContain(`${t.id} "${t.subject}"`);
          else expect(text).toContain("Open tickets: none");
          for (const c of detail.contacts) expect(text).toContain(c.name);
          const latest = [...detail.activities].sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
          if (latest) expect(text).toContain(latest.summary);
          expectRendersOnBothPlatforms(card!);
        } finally {
          await world.close();
        }
      });
    }

    it("briefs a call with a prospect from its open deal when it has no customer record", async () => {
      const now = Date.parse(dates[0]!);
      const world = await threadWorld(o, now);
      try {
        const company = o.profile.deals.hot.company;
        const [deal] = (await world.ports.crm.findDeals(company)).filter((d) => !/^closed/i.test(d.stage));
        expect(await world.ports.crm.findCustomers(company)).toEqual([]);
        const [card] = await world.say(`prep me for my call with ${company}`);
        const text = cardToText(card!);
        expect(replyFailure(text)).toBeUndefined();
        expect(text).toContain(`Call prep: ${company} (prospect, no customer record)`);
        expect(text).toContain(`Owner ${deal!.ownerName}`);
        expect(text).toContain(
          `${money(deal!.amount, deal!.currency)} at ${Math.round(deal!.probability * 100)}%, ${deal!.stage}`,
        );
        const days = Math.round(
          (Date.parse(`${deal!.closeDate}T00:00:00Z`) - Date.parse(`${localToday(now, o.org.timezone)}T00:00:00Z`)) /
            86_400_000,
        );
        expect(text).toContain(`expected to close ${deal!.closeDate} (in ${days} days)`);
        expect(text).toContain("not a customer yet: no support tickets");
        expectRendersOnBothPlatforms(card!);
      } finally {
        await world.close();
      }
    });

    it("finds the account from part of its name, and says so when none matches", async () => {
      const now = Date.parse(dates[0]!);
      const world = await threadWorld(o, now);
      try {
        const customer = (await world.ports.crm.listCustomers()).find((c) => c.id === "5002")!;
        const part = customer.name.split(" ")[0]!;
        const [found] = await world.say(`prep me for my call with ${part}`);
        expect(cardToText(found!)).toContain(`Call prep: ${customer.name}`);
        const [missing] = await world.say("prep me for my call with Nonexistent Widgets");
        expect(cardToText(missing!)).toContain('No customer matches "Nonexistent Widgets"');
      } finally {
        await world.close();
      }
    });
  });
}
