/**
 * Renewals (issue 16, item 1): contracts renewing in 30 / 60 / 90 days from the CRM renewal date
 * or contract start plus term, asked in chat and posted as a weekly digest, on the demo and the
 * second organisation, on a pinned date and on month end, year end and a leap day. Expectations
 * are computed from each organisation's own data with the same date arithmetic; the renewal
 * email is drafted in the thread and logged on the record only after an approval.
 */
import { describe, expect, it } from "vitest";
import { renderCard } from "../adapters/slack/format/block-kit.ts";
import { renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { type Card, cardButtons, cardToText } from "../src/core/card.ts";
import { localToday, monthLabel, shiftMonth } from "../src/core/period.ts";
import { defaultCompanyHealthProperties, toCustomer } from "../tools/crm/normalize-hubspot.ts";
import { addMonths, daysBetween, renewalDateOf, renewalOf, upcomingRenewals, windowOf } from "../tools/crm/renewals.ts";
import { expectValidAdaptiveCard } from "./support/adaptive-cards.ts";
import { blockKitViolations } from "./support/block-kit.ts";
import { replyFailure, sweepOrgs } from "./support/sweep.ts";
import { threadWorld } from "./support/thread-world.ts";

const orgs = [sweepOrgs[0]!, sweepOrgs[2]!];
const pinned = "2026-12-03T09:00:00Z";
/** A pinned weekday, a month end, the year end (one minute to midnight UTC) and a leap day. */
const dates = [pinned, "2027-01-31T22:45:00Z", "2026-12-31T23:59:00Z", "2028-02-29T12:00:00Z"];

function expectRendersOnBothPlatforms(card: Card): void {
  expect(blockKitViolations(renderCard(card))).toEqual([]);
  expectValidAdaptiveCard(renderAdaptiveCard(card));
}

describe("renewal terms from HubSpot", () => {
  const context: Parameters<typeof toCustomer>[1] = {
    health: defaultCompanyHealthProperties,
    tickets: [],
    links: { companyUrl: (id: string) => `https://crm/${id}`, dealUrl: (id: string) => `https://crm/d/${id}` },
    currency: "EUR",
  };

  it("reads the renewal date, contract start and term from the company's daybook_ properties", () => {
    const c = toCustomer(
      {
        id: "77",
        properties: {
          name: "Example GmbH",
          daybook_renewal_date: "2027-03-01",
          daybook_contract_start: "1767225600000",
          daybook_term_months: "24",
        },
      },
      context,
    );
    expect(c).toMatchObject({ renewalDate: "2027-03-01", contractStartDate: "2026-01-01", termMonths: 24 });
  });

  it("leaves them out when the portal has no such properties", () => {
    const c = toCustomer({ id: "78", properties: { name: "Bare Ltd" } }, context);
    expect(c.renewalDate).toBeUndefined();
    expect(c.termMonths).toBeUndefined();
    expect(renewalDateOf(c)).toBeUndefined();
  });
});

describe("renewal dates", () => {
  const base = {
    id: "1",
    name: "X",
    arr: 1000,
    currency: "USD",
    usageChange: 0,
    usageWindowDays: 30,
    tickets: [],
    unusedPaidFeatures: [],
    url: "u",
  };

  it("takes the CRM's renewal date over contract start plus term", () => {
    expect(
      renewalDateOf({ ...base, renewalDate: "2027-03-01", contractStartDate: "2026-01-01", termMonths: 12 }),
    ).toEqual({ date: "2027-03-01", source: "renewal_date" });
  });

  it("adds the term in calendar months, ending a month short of the day on its last day", () => {
    expect(addMonths("2028-02-29", 12)).toBe("2029-02-28");
    expect(addMonths("2027-01-31", 1)).toBe("2027-02-28");
    expect(addMonths("2026-12-15", 12)).toBe("2027-12-15");
    expect(renewalDateOf({ ...base, contractStartDate: "2026-03-31", termMonths: 6 })).toEqual({
      date: "2026-09-30",
      source: "start_plus_term",
    });
  });

  it("has no renewal without a date or a term", () => {
    expect(renewalDateOf({ ...base, contractStartDate: "2026-03-31" })).toBeUndefined();
    expect(renewalDateOf(base)).toBeUndefined();
  });

  it("puts day 30 in the 30-day window, day 31 in the 60-day one and day 91 in none", () => {
    expect([0, 30, 31, 60, 61, 90, 91, -1].map(windowOf)).toEqual([30, 30, 60, 60, 90, 90, undefined, undefined]);
  });

  it("counts days left from the organisation's today, not UTC's", () => {
    // 23:30 UTC on Dec 31 is already Jan 1 in Berlin: a Jan 2 renewal is one day away there.
    const now = Date.parse("2026-12-31T23:30:00Z");
    const c = { ...base, renewalDate: "2027-01-02" };
    expect(renewalOf(c, now, "UTC")?.daysLeft).toBe(2);
    expect(renewalOf(c, now, "Europe/Berlin")?.daysLeft).toBe(1);
    expect(daysBetween("2028-02-28", "2028-03-01")).toBe(2);
  });
});

for (const o of orgs) {
  describe(`renewals on ${o.label}`, () => {
    for (const iso of dates) {
      it(`lists the accounts renewing next month from the data on ${iso}`, async () => {
        const now = Date.parse(iso);
        const world = await threadWorld(o, now);
        try {
          const tz = o.org.timezone;
          const month = shiftMonth(localToday(now, tz).slice(0, 7), 1);
          const expected = upcomingRenewals(await world.ports.crm.listCustomers(), now, tz, { month });
          expect(expected.length).toBeGreaterThan(0);

          const [card] = await world.say("which accounts renew next month?");
          const text = cardToText(card!);
          expect(replyFailure(text)).toBeUndefined();
          expect(text).toContain(
            `${expected.length === 1 ? "1 account renews" : `${expected.length} accounts renew`} in ${monthLabel(month)}`,
          );
          for (const r of expected.slice(0, 15)) {
            expect(text).toContain(r.customer.name);
            expect(text).toContain(`renews ${r.renewalDate} (`);
          }
          expectRendersOnBothPlatforms(card!);
        } finally {
          await world.close();
        }
      });

      it(`posts the renewals digest by 30/60/90-day window on ${iso}`, async () => {
        const now = Date.parse(iso);
        const world = await threadWorld(o, now);
        try {
          const tz = o.org.timezone;
          const expected = upcomingRenewals(await world.ports.crm.listCustomers(), now, tz, { withinDays: 90 });
          const { card } = await world.app.scheduler.runNow("renewals", { post: false });
          const text = cardToText(card);
          expect(replyFailure(text)).toBeUndefined();
          expect(text).toContain(`${expected.length} contracts renew in the next 90 days`);
          const within30 = expected.filter((r) => r.window === 30).length;
          expect(text).toContain(`${within30} within 30 days`);
          // Every at-risk renewal leads its window and offers an approved outreach note.
          for (const r of expected.filter((x) => x.risk.level !== "low")) {
            expect(text).toContain(r.customer.name);
            expect(cardButtons(card).some((b) => b.value === r.customer.id)).toBe(true);
          }
          expectRendersOnBothPlatforms(card);
        } finally {
          await world.close();
        }
      });
    }

    it("drafts the renewal email in the thread and logs it on the record only once approved", async () => {
      const now = Date.parse(pinned);
      const world = await threadWorld(o, now);
      try {
        const customers = await world.ports.crm.listCustomers();
        const target = upcomingRenewals(customers, now, o.org.timezone).find((r) => r.risk.level === "high")!;
        const detail = await world.ports.crm.getCustomer(target.customer.id);

        const [draft] = await world.say(`draft the renewal email for ${target.customer.name}`);
        const draftText = cardToText(draft!);
        expect(draftText).toContain(`Subject: Your ${target.customer.name} renewal on ${target.renewalDate}`);
        expect(draftText).toContain(detail.contacts[0]!.name.split(" ")[0]!);
        expect(draftText).toContain("I have not sent it");
        expect(cardButtons(draft!)).toEqual([]);
        expectRendersOnBothPlatforms(draft!);
        const before = (await world.ports.crm.getCustomer(target.customer.id)).activities.length;

        const requested = await world.say("log it");
        const approval = requested.find((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID))!;
        expect(cardToText(approval)).toContain(
          `Subject: Your ${target.customer.name} renewal on ${target.renewalDate}`,
        );
        expectRendersOnBothPlatforms(approval);
        expect((await world.ports.crm.getCustomer(target.customer.id)).activities).toHaveLength(before);

        const id = cardButtons(approval).find((b) => b.actionId === APPROVE_ACTION_ID)!.value!;
        await world.say(`approve ${id}`);
        const after = (await world.ports.crm.getCustomer(target.customer.id)).activities;
        expect(after).toHaveLength(before + 1);
        expect(after[0]!.summary).toContain("Renewal email drafted (not sent)");
      } finally {
        await world.close();
      }
    });

    it("drafts and requests the log in one sentence", async () => {
      const now = Date.parse(pinned);
      const world = await threadWorld(o, now);
      try {
        const [first] = upcomingRenewals(await world.ports.crm.listCustomers(), now, o.org.timezone);
        const cards = await world.say(`draft the renewal email for ${first!.customer.name} and log it`);
        const all = cards.map(cardToText).join("\n");
        expect(all).toContain(`renewal on ${first!.renewalDate}`);
        expect(cards.some((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID))).toBe(true);
      } finally {
        await world.close();
      }
    });
  });
}
