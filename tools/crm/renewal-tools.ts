/**
 * CRM read tools for the account side of the day: upcoming renewals, a renewal email drafted
 * from the account's own fields, and call prep. Figures come from renewals.ts and call-prep.ts,
 * the same functions the renewals digest uses. Logging a draft on the record is the existing
 * crm_log_activity write, behind an approval card.
 */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import type { Clock } from "../../src/core/clock.ts";
import type { CrmPort, CustomerDetail, DealDetail } from "../../src/core/domain/crm.ts";
import { localToday, shiftMonth } from "../../src/core/period.ts";
import { type EntityLabels, runTool, shortTime } from "../shared/compact.ts";
import { totalsByCurrency } from "../shared/currency.ts";
import { prepareCall, prepareProspectCall } from "./call-prep.ts";
import { crmQbrTool } from "./qbr-tools.ts";
import { type Renewal, renewalOf, upcomingRenewals, windowCounts } from "./renewals.ts";

export interface RenewalToolContext {
  clock: Clock;
  labels: EntityLabels;
  /** IANA timezone of the organisation: which day is today, which month is next month. */
  timeZone: string;
}

export const renewalsSchema = z.object({
  withinDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .optional()
    .describe("Renewing within this many days from today (30, 60 or 90; default 90)"),
  month: z
    .enum(["this_month", "next_month"])
    .optional()
    .describe('Renewing in this calendar month or the next ("which accounts renew next month?")'),
  owner: z.string().trim().min(2).max(120).optional().describe("Only this account owner's customers (their name)"),
  limit: z.number().int().min(1).max(25).optional().describe("How many accounts to list (default 15)"),
});

export const customerSchema = z.object({
  customer: z.string().trim().min(2).max(100).describe("Customer company name or id"),
});

function renewalRow(r: Renewal) {
  const c = r.customer;
  return {
    id: c.id,
    name: c.name,
    renewalDate: r.renewalDate,
    daysLeft: r.daysLeft,
    arr: c.arr,
    currency: c.currency,
    healthScore: r.healthScore,
    healthLevel: r.risk.level === "high" ? "poor" : r.risk.level === "medium" ? "fair" : "good",
    trend: r.trend,
    owner: c.ownerName,
    url: c.url,
  };
}

/** A short renewal email built only from the account's fields (no invented offer or figure). */
export function renewalEmail(c: CustomerDetail, r: Renewal): { to?: string; subject: string; body: string } {
  const contact = c.contacts[0];
  const first = contact?.name.split(" ")[0];
  const concerns: string[] = [];
  for (const s of r.risk.signals) {
    if (s.kind === "support_tickets") concerns.push("make sure your open support requests are resolved");
    if (s.kind === "usage_drop" || s.kind === "admin_inactive")
      concerns.push("look at how your team is using the product today");
    if (s.kind === "unused_features")
      concerns.push(`help your team get going with ${c.unusedPaidFeatures.join(", ")}, which your plan includes`);
    if (s.kind === "failed_payment") concerns.push("update the payment method on file");
  }
  const unique = [...new Set(concerns)];
  const plan = c.plan ? `${c.plan} plan` : "subscription";
  const lines = [
    `Hi ${first ?? "there"},`,
    "",
    `Your ${c.name} ${plan} renews on ${r.renewalDate}. Before then I would like to ${unique.length > 0 ? unique.join(", and ") : "review what is working well and what you need for the year ahead"}.`,
    "",
    "Would you have 30 minutes in the next two weeks for a short renewal call?",
    "",
    "Best regards,",
  ];
  return {
    ...(contact?.email ? { to: `${contact.name} <${contact.email}>` } : contact ? { to: contact.name } : {}),
    subject: `Your ${c.name} renewal on ${r.renewalDate}`,
    body: lines.join("\n"),
  };
}

export function crmRenewalTools(crm: CrmPort, ctx: RenewalToolContext): StructuredToolInterface[] {
  const findOne = async (q: string): Promise<CustomerDetail | { error: string; matches?: unknown[] }> => {
    const matches = /^\d+$/.test(q) ? [await crm.getCustomer(q)] : await crm.findCustomers(q);
    if (matches.length === 0) return { error: `No customer matches "${q}".` };
    const exact = matches.filter((m) => m.name.toLowerCase() === q.toLowerCase());
    if (matches.length > 1 && exact.length !== 1) {
      for (const m of matches) ctx.labels.remember("company", m.id, m.name);
      return {
        error: `${matches.length} customers match "${q}"; say which one.`,
        matches: matches.slice(0, 10).map((m) => ({ id: m.id, name: m.name, url: m.url })),
      };
    }
    const detail = await crm.getCustomer((exact[0] ?? matches[0]!).id);
    ctx.labels.remember("company", detail.id, detail.name);
    return detail;
  };

  const renewals = tool(
    (args: z.infer<typeof renewalsSchema>) =>
      runTool(async () => {
        const now = ctx.clock.now();
        const customers = await crm.listCustomers();
        const today = localToday(now, ctx.timeZone);
        const month =
          args.month === undefined ? undefined : shiftMonth(today.slice(0, 7), args.month === "next_month" ? 1 : 0);
        const found = upcomingRenewals(customers, now, ctx.timeZone, {
          ...(month ? { month } : { withinDays: args.withinDays ?? 90 }),
          ...(args.owner ? { owner: args.owner } : {}),
        });
        const shown = found.slice(0, args.limit ?? 15);
        for (const r of shown) ctx.labels.remember("company", r.customer.id, r.customer.name);
        const totals = totalsByCurrency(found.map((r) => ({ amount: r.customer.arr, currency: r.customer.currency })));
        return {
          today,
          ...(month ? { month } : { withinDays: args.withinDays ?? 90 }),
          renewing: found.length,
          ...(totals.length <= 1
            ? { arrRenewing: totals[0]?.amount ?? 0, ...(totals[0] ? { currency: totals[0].currency } : {}) }
            : { arrRenewingByCurrency: totals.map((t) => ({ currency: t.currency, arr: t.amount })) }),
          ...(month ? {} : { windows: windowCounts(found) }),
          atRisk: found.filter((r) => r.risk.level !== "low").length,
          renewals: shown.map(renewalRow),
          ...(found.length > shown.length ? { more: found.length - shown.length } : {}),
          withoutRenewalTerms: customers.filter((c) => renewalOf(c, now, ctx.timeZone) === undefined).length,
        };
      }),
    {
      name: "crm_renewals",
      description:
        "Customer contracts renewing in the next 30, 60 or 90 days or in a calendar month, from the CRM renewal date (or contract start plus term), each with days left, ARR, health and owner. " +
        'Examples: "which accounts renew next month?", "renewals in the next 30 days", "what renews this quarter?", "upcoming renewals for <owner>".',
      schema: renewalsSchema,
    },
  );

  const renewalDraft = tool(
    (args: z.infer<typeof customerSchema>) =>
      runTool(async () => {
        const found = await findOne(args.customer);
        if ("error" in found) return found;
        const now = ctx.clock.now();
        const r = renewalOf(found, now, ctx.timeZone);
        if (!r) return { error: `${found.name} has no renewal date or contract term in the CRM.` };
        const email = renewalEmail(found, r);
        return {
          id: found.id,
          name: found.name,
          renewalDate: r.renewalDate,
          daysLeft: r.daysLeft,
          arr: found.arr,
          currency: found.currency,
          healthScore: r.healthScore,
          draft: email,
          url: found.url,
        };
      }),
    {
      name: "crm_renewal_email_draft",
      description:
        "Draft a renewal email to a customer's main contact from its renewal date, plan and health signals; shown in the thread, never sent. Logging it on the CRM record is a separate approved note. " +
        'Examples: "draft the renewal email for <customer>", "write a renewal note to <customer>".',
      schema: customerSchema,
    },
  );

  /** No customer record but an open deal: the call is with a prospect. */
  const prospect = async (q: string) => {
    const open = (await crm.findDeals(q)).filter((d) => !/^closed/i.test(d.stage));
    const companies = [...new Set(open.map((d) => d.company.id))];
    if (companies.length !== 1) return undefined;
    const biggest = [...open].sort((a, b) => b.amount - a.amount)[0]!;
    const deal = await crm.getDeal(biggest.id);
    ctx.labels.remember("deal", deal.id, deal.name);
    ctx.labels.remember("company", deal.company.id, deal.company.name);
    const now = ctx.clock.now();
    const prep = prepareProspectCall(deal, now, Date.parse(`${localToday(now, ctx.timeZone)}T00:00:00Z`));
    return {
      kind: "prospect",
      name: deal.company.name,
      owner: deal.ownerName ?? deal.ownerId,
      deal: {
        id: deal.id,
        name: deal.name,
        stage: deal.stage,
        amount: deal.amount,
        currency: deal.currency,
        probability: deal.probability,
        closeDate: deal.closeDate,
        url: deal.url,
      },
      ...(prep.daysToClose !== undefined ? { daysToClose: prep.daysToClose } : {}),
      urgency: prep.urgency,
      ...(open.length > 1 ? { otherOpenDeals: open.length - 1 } : {}),
      timeline: prep.timeline.map((a) => ({
        type: a.type,
        at: shortTime(a.at),
        summary: a.summary,
        ...(a.author ? { by: a.author } : {}),
      })),
      openTickets: "not a customer yet: no support tickets",
      approach: prep.approach,
      talkingPoints: prep.talkingPoints,
      url: deal.url,
    };
  };

  const callPrep = tool(
    (args: z.infer<typeof customerSchema>) =>
      runTool(async () => {
        const found = await findOne(args.customer);
        if ("error" in found) return (await prospect(args.customer)) ?? found;
        const now = ctx.clock.now();
        const deals = (await crm.findDeals(found.name)).filter(
          (d) => !/^closed/i.test(d.stage) && d.company.name.toLowerCase() === found.name.toLowerCase(),
        );
        const details: DealDetail[] = await Promise.all(deals.slice(0, 3).map((d) => crm.getDeal(d.id)));
        const prep = prepareCall(found, details, now, ctx.timeZone);
        const open = found.tickets.filter((t) => t.status === "open");
        return {
          id: found.id,
          name: found.name,
          owner: found.ownerName,
          plan: found.plan,
          arr: found.arr,
          currency: found.currency,
          ...(prep.renewal
            ? { renewalDate: prep.renewal.renewalDate, daysLeft: prep.renewal.daysLeft }
            : { renewal: "no renewal date or contract term in the CRM" }),
          healthScore: prep.healthScore,
          healthLevel: prep.healthLevel === "high" ? "poor" : prep.healthLevel === "medium" ? "fair" : "good",
          trend: prep.trend,
          usageChangePct: Math.round(found.usageChange * 100),
          usageWindowDays: found.usageWindowDays,
          healthSignals: prep.signals.map((s) => s.detail),
          timeline: prep.timeline.map((a) => ({
            type: a.type,
            at: shortTime(a.at),
            summary: a.summary,
            ...(a.author ? { by: a.author } : {}),
          })),
          openTickets: open.map((t) => ({ id: t.id, subject: t.subject, opened: shortTime(t.createdAt) })),
          contacts: found.contacts.slice(0, 5).map((c) => ({ name: c.name, title: c.title, email: c.email })),
          openDeals: prep.openDeals.map((d) => ({
            name: d.name,
            stage: d.stage,
            amount: d.amount,
            currency: d.currency,
          })),
          approach: prep.approach,
          talkingPoints: prep.talkingPoints,
          url: found.url,
        };
      }),
    {
      name: "crm_call_prep",
      description:
        "Prepare for a call with a customer: owner, contract value, renewal date and days left, health score with trend and the signals behind it, recent activity, open tickets, contacts, a suggested approach and talking points. " +
        'Examples: "prep me for my call with <customer>", "brief me before the <customer> call", "prepare for my meeting with <customer>".',
      schema: customerSchema,
    },
  );

  return [renewals, renewalDraft, callPrep, crmQbrTool(crm, ctx)];
}
