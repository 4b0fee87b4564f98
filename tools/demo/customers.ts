/**
 * The demo's customer base: three customers carrying the churn signals (usage down with an
 * open ticket and a silent admin; a failed payment; paid features never used) and the rest
 * healthy, for the churn digest and "why is <customer> at risk?".
 */
import type { CustomerDetail } from "../../src/core/domain/crm.ts";
import { addMonths } from "../crm/renewals.ts";
import { type DemoProfile, generatedCompanyName } from "./profile.ts";
import { between, DAY, HOUR, iso } from "./random.ts";

const plans = ["Starter", "Growth", "Business", "Enterprise"];

/** `rand` continues the CRM's sequence, so the deals before keep their figures. */
export function generateCustomers(
  now: number,
  customerCount: number,
  profile: DemoProfile,
  rand: () => number,
): CustomerDetail[] {
  const C = profile.customers;
  const csms = profile.csms;
  const companyUrl = (id: string) => `${profile.urls.crm}/company/${id}`;
  const companyName = (i: number) => generatedCompanyName(profile, i);
  const customers: CustomerDetail[] = [];
  const today = iso(Math.floor(now / DAY) * DAY).slice(0, 10);
  // Renewal terms on a rolling window from today, from the index (not `rand`, which would move
  // every other figure): a renewal date as the CRM keeps it, or an annual contract's start.
  const renewsIn = (days: number) => ({ renewalDate: shiftDays(today, days) });
  const annualFrom = (renewsInDays: number) => ({
    contractStartDate: addMonths(shiftDays(today, renewsInDays), -12),
    termMonths: 12,
  });
  customers.push({
    id: "5001",
    name: C.declining.name,
    arr: 12_000,
    currency: profile.currency,
    plan: "Growth",
    ownerName: csms[0],
    usageChange: -0.65,
    usageWindowDays: 14,
    adminLastLoginAt: iso(now - 7 * DAY - 3 * HOUR),
    tickets: [{ id: "T-9812", subject: "Too complicated", status: "open", createdAt: iso(now - 3 * DAY) }],
    unusedPaidFeatures: [],
    // Declining and renewing within 60 days: the renewal at risk that call prep exists for.
    ...renewsIn(45),
    url: companyUrl("5001"),
    activities: [
      {
        id: "a-50012",
        type: "note",
        at: iso(now - 3 * DAY),
        summary: "Ticket T-9812: 'Too complicated' - team struggling with setup",
      },
      {
        id: "a-50011",
        type: "call",
        at: iso(now - 40 * DAY),
        summary: "Quarterly check-in, happy at the time",
        author: csms[0],
      },
    ],
    contacts: [{ id: "c-50011", name: C.declining.contact, email: C.declining.email, title: C.declining.title }],
  });
  customers.push({
    id: "5002",
    name: C.failedPayment.name,
    arr: 8_000,
    currency: profile.currency,
    plan: "Starter",
    ownerName: csms[0],
    usageChange: -0.35,
    usageWindowDays: 30,
    adminLastLoginAt: iso(now - 2 * DAY),
    tickets: [],
    // 25 hours ago: "yesterday", and a whole day for anything counting elapsed days.
    lastFailedPaymentAt: iso(now - 25 * HOUR),
    unusedPaidFeatures: [],
    ...annualFrom(20),
    url: companyUrl("5002"),
    activities: [
      {
        id: "a-50021",
        type: "note",
        at: iso(now - 25 * HOUR),
        summary: "Card payment failed (insufficient funds)",
      },
    ],
    contacts: [
      { id: "c-50021", name: C.failedPayment.contact, email: C.failedPayment.email, title: C.failedPayment.title },
    ],
  });
  customers.push({
    id: "5003",
    name: C.unusedFeatures.name,
    arr: 5_000,
    currency: profile.currency,
    plan: "Business",
    ownerName: csms[1],
    usageChange: 0.02,
    usageWindowDays: 30,
    adminLastLoginAt: iso(now - DAY),
    tickets: [],
    unusedPaidFeatures: ["SSO", "Advanced analytics", "API access"],
    ...renewsIn(75),
    url: companyUrl("5003"),
    activities: [],
    contacts: [
      { id: "c-50031", name: C.unusedFeatures.contact, email: C.unusedFeatures.email, title: C.unusedFeatures.title },
    ],
  });
  const firstNames = profile.contactNames.first;
  const lastNames = profile.contactNames.last;
  for (let i = 0; i < customerCount - 3; i++) {
    const id = String(5004 + i);
    const name = companyName(i);
    const first = firstNames[i % firstNames.length]!;
    const last = lastNames[Math.floor(i / firstNames.length) % lastNames.length]!;
    const ticketed = i % 9 === 0;
    customers.push({
      id,
      name,
      arr: between(rand, 3, 60) * 1000,
      currency: profile.currency,
      plan: plans[i % plans.length],
      ownerName: csms[i % csms.length],
      usageChange: Math.round((rand() * 0.3 - 0.05) * 100) / 100,
      usageWindowDays: 30,
      adminLastLoginAt: iso(now - between(rand, 1, 48) * HOUR),
      tickets: ticketed
        ? [
            {
              id: `T-${7000 + i}`,
              subject: "How do I export a report?",
              status: "closed",
              createdAt: iso(now - between(rand, 5, 40) * DAY),
            },
          ]
        : [],
      unusedPaidFeatures: [],
      ...generatedRenewal(i),
      url: companyUrl(id),
      activities: checkIns(id, now, i, csms[i % csms.length]!),
      contacts: [{ id: `c-${id}1`, name: `${first} ${last}`, title: "Admin" }],
    });
  }
  return customers;

  /**
   * Generated customers renew across the coming year (a few days apart, every 30/60/90-day
   * window holds some); every fourth keeps only an annual contract's start, every tenth no
   * renewal terms at all, as a CRM with gaps would.
   */
  function generatedRenewal(i: number): Partial<CustomerDetail> {
    if (i % 10 === 9) return {};
    const days = 2 + ((i * 53) % 360);
    return i % 4 === 1 ? annualFrom(days) : renewsIn(days);
  }
}

/** YYYY-MM-DD plus whole days. */
function shiftDays(date: string, days: number): string {
  return iso(Date.parse(`${date}T00:00:00Z`) + days * DAY).slice(0, 10);
}

/**
 * Quarterly check-ins by the customer's CSM over the last thirteen months, newest first, so an
 * account's timeline reaches back a year. Offsets come from the index, not `rand`, so adding
 * them left every other figure as it was.
 */
function checkIns(id: string, now: number, i: number, csm: string): CustomerDetail["activities"] {
  const out: CustomerDetail["activities"] = [];
  for (let q = 0; q < 5; q++) {
    const at = now - (20 + (i % 30) + q * 91) * DAY;
    out.push({ id: `a-${id}q${q}`, type: "call", at: iso(at), summary: "Quarterly check-in", author: csm });
  }
  return out;
}
