import { describe, expect, it } from "vitest";
import type { CrmActivity } from "../../src/core/domain/crm.ts";
import {
  approvalMarker,
  dealProperties,
  defaultCompanyHealthProperties,
  hubspotDate,
  hubspotLinks,
  plainSummary,
  probability,
  splitList,
  toActivity,
  toContact,
  toCustomer,
  toDeal,
  toTicket,
  usageChange,
  withActivitySignals,
} from "./normalize-hubspot.ts";

const links = hubspotLinks("123456");

describe("HubSpot normalization", () => {
  it("reads dates given as ISO, date-only or epoch milliseconds", () => {
    expect(hubspotDate("2026-11-23T07:30:00Z")).toBe("2026-11-23T07:30:00.000Z");
    expect(hubspotDate("2026-11-16")).toBe("2026-11-16T00:00:00.000Z");
    expect(hubspotDate("1794441600000")).toBe("2026-11-12T00:00:00.000Z");
    expect(hubspotDate("")).toBeUndefined();
    expect(hubspotDate(null)).toBeUndefined();
    expect(hubspotDate("not a date")).toBeUndefined();
  });

  it("reads stage probability as a fraction whether stored as 0.85 or 85", () => {
    expect(probability("0.85")).toBe(0.85);
    expect(probability("85")).toBe(0.85);
    expect(probability(null)).toBe(0);
    expect(probability("250")).toBe(1);
  });

  it("maps a deal with its company, owner name and link", () => {
    const deal = toDeal(
      {
        id: "101",
        properties: {
          dealname: "Acme Corp",
          dealstage: "decisionmakerboughtin",
          amount: "250000.00",
          deal_currency_code: "USD",
          hs_deal_stage_probability: "0.85",
          closedate: "2026-12-15T00:00:00Z",
          hubspot_owner_id: "42",
          notes_last_updated: "2026-11-23T07:30:00Z",
          notes_next_activity_date: null,
          daybook_last_demo_at: "2026-11-10T14:00:00Z",
        },
      },
      { company: { id: "201", name: "Acme Corp" }, ownerName: "Alex Rivera", links, currency: "EUR" },
    );
    expect(deal).toEqual({
      id: "101",
      name: "Acme Corp",
      company: { id: "201", name: "Acme Corp" },
      stage: "decisionmakerboughtin",
      amount: 250000,
      currency: "USD",
      probability: 0.85,
      closeDate: "2026-12-15",
      ownerId: "42",
      ownerName: "Alex Rivera",
      lastActivityAt: "2026-11-23T07:30:00.000Z",
      lastDemoAt: "2026-11-10T14:00:00.000Z",
      url: "https://app.hubspot.com/contacts/123456/record/0-3/101",
    });
  });

  it("keeps a deal without name, amount or company readable", () => {
    const deal = toDeal({ id: "7", properties: {} }, { links: hubspotLinks(), currency: "USD" });
    expect(deal).toMatchObject({
      name: "Deal 7",
      amount: 0,
      probability: 0,
      company: { id: "", name: "(no company)" },
    });
    expect(deal.url).toBe("https://app.hubspot.com/contacts/record/0-3/7");
  });

  it("states a deal in its deal_currency_code, and a deal without one in the portal's currency", () => {
    const deal = (code: string | null) =>
      toDeal({ id: "9", properties: { amount: "1200", deal_currency_code: code } }, { links, currency: "EUR" });
    expect(deal("GBP").currency).toBe("GBP");
    expect(deal("chf").currency).toBe("CHF");
    expect(deal(null).currency).toBe("EUR");
    expect(deal("").currency).toBe("EUR");
    expect(deal("US$").currency).toBe("EUR");
    expect(dealProperties).toContain("deal_currency_code");
  });

  it("turns note HTML into one short plain line", () => {
    expect(plainSummary("<p>Called &amp; left<br>a message</p><p>Next: pricing</p>")).toBe(
      "Called & left a message Next: pricing",
    );
    expect(plainSummary("x".repeat(200), 20)).toBe(`${"x".repeat(19)}…`);
  });

  it("marks incoming emails and inbound calls as the customer reaching out", () => {
    const email = toActivity("emails", {
      id: "e1",
      properties: {
        hs_email_subject: "Pricing?",
        hs_email_direction: "INCOMING_EMAIL",
        hs_timestamp: "2026-11-23T07:30:00Z",
      },
    });
    const sent = toActivity("emails", {
      id: "e2",
      properties: { hs_email_subject: "Re: Pricing", hs_email_direction: "EMAIL" },
    });
    const call = toActivity(
      "calls",
      { id: "c1", properties: { hs_call_title: "Intro", hs_call_direction: "INBOUND", hubspot_owner_id: "42" } },
      new Map([["42", "Alex Rivera"]]),
    );
    expect(email).toEqual({
      id: "e1",
      type: "email",
      direction: "inbound",
      at: "2026-11-23T07:30:00.000Z",
      summary: "Pricing?",
    });
    expect(sent.direction).toBe("outbound");
    expect(call).toMatchObject({ type: "call", direction: "inbound", summary: "Intro", author: "Alex Rivera" });
  });

  it("treats a meeting titled as a demo as a demo, at its start time", () => {
    const demo = toActivity("meetings", {
      id: "m1",
      properties: {
        hs_meeting_title: "Product Demo",
        hs_meeting_start_time: "2026-11-24T14:00:00Z",
        hs_timestamp: "2026-11-01T00:00:00Z",
      },
    });
    expect(demo).toMatchObject({ type: "demo", at: "2026-11-24T14:00:00.000Z" });
    expect(toActivity("meetings", { id: "m2", properties: { hs_meeting_title: "Demolition review" } }).type).toBe(
      "meeting",
    );
  });

  it("derives last reply, next meeting and last demo from engagements around now", () => {
    const now = Date.parse("2026-11-23T09:00:00Z");
    const activities: CrmActivity[] = [
      { id: "1", type: "email", direction: "inbound", at: "2026-11-23T07:30:00.000Z", summary: "Pricing?" },
      { id: "2", type: "demo", at: "2026-11-14T14:00:00.000Z", summary: "Demo" },
      { id: "3", type: "meeting", at: "2026-11-24T14:00:00.000Z", summary: "Negotiation" },
      { id: "4", type: "meeting", at: "2026-11-30T14:00:00.000Z", summary: "Later" },
    ];
    const deal = toDeal(
      { id: "1", properties: { notes_last_updated: "2026-11-20T00:00:00Z" } },
      { links, currency: "USD" },
    );
    const out = withActivitySignals(deal, activities, now);
    expect(out).toMatchObject({
      lastInboundAt: "2026-11-23T07:30:00.000Z",
      lastDemoAt: "2026-11-14T14:00:00.000Z",
      nextMeetingAt: "2026-11-24T14:00:00.000Z",
      lastActivityAt: "2026-11-23T07:30:00.000Z",
    });
    expect(deal.lastInboundAt).toBeUndefined();
  });

  it("reads usage change as a fraction whether stored as -0.65 or -65", () => {
    expect(usageChange("-0.65")).toBe(-0.65);
    expect(usageChange("-65")).toBe(-0.65);
    expect(usageChange(undefined)).toBe(0);
  });

  it("splits multi-checkbox and comma lists", () => {
    expect(splitList("SSO;Audit log; API ")).toEqual(["SSO", "Audit log", "API"]);
    expect(splitList("Reports, Exports")).toEqual(["Reports", "Exports"]);
    expect(splitList(null)).toEqual([]);
  });

  it("maps a company's health properties, honouring renamed properties", () => {
    const health = { ...defaultCompanyHealthProperties, arr: "annualrevenue" };
    const customer = toCustomer(
      {
        id: "21",
        properties: {
          name: "DataFlow Corp",
          annualrevenue: "8000",
          daybook_usage_change: "-35",
          daybook_usage_window_days: "30",
          daybook_last_failed_payment: "2026-11-22",
          daybook_plan: "Growth",
        },
      },
      { health, tickets: [], ownerName: "Sam Patel", links, currency: "EUR" },
    );
    expect(customer).toEqual({
      id: "21",
      name: "DataFlow Corp",
      arr: 8000,
      currency: "EUR",
      plan: "Growth",
      ownerName: "Sam Patel",
      usageChange: -0.35,
      usageWindowDays: 30,
      lastFailedPaymentAt: "2026-11-22T00:00:00.000Z",
      tickets: [],
      unusedPaidFeatures: [],
      url: "https://app.hubspot.com/contacts/123456/record/0-2/21",
    });
  });

  it("counts a ticket with a close date as closed", () => {
    expect(
      toTicket({ id: "1", properties: { subject: "Too complicated", createdate: "2026-11-20T10:00:00Z" } }).status,
    ).toBe("open");
    expect(toTicket({ id: "2", properties: { closed_date: "2026-11-21T10:00:00Z" } })).toMatchObject({
      status: "closed",
      subject: "Ticket 2",
    });
  });

  it("names contacts by full name, falling back to email", () => {
    expect(toContact({ id: "1", properties: { firstname: "Dana", lastname: "Lee", jobtitle: "CTO" } })).toEqual({
      id: "1",
      name: "Dana Lee",
      title: "CTO",
    });
    expect(toContact({ id: "2", properties: { email: "ops@example.com" } }).name).toBe("ops@example.com");
  });

  it("makes an approval marker HubSpot search sees as one token", () => {
    expect(approvalMarker("3f2a-9b:c_1")).toBe("daybook3f2a9bc1");
  });
});
