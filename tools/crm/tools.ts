/**
 * CRM read tools and write actions over a CrmPort (HubSpot or demo). Deal priority and churn
 * risk come from rankDeals and scoreCustomers, the same functions the sales and churn
 * digests use.
 */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import type { WriteAction } from "../../src/core/actions.ts";
import type { ApprovalOutcome } from "../../src/core/approval.ts";
import type { Clock } from "../../src/core/clock.ts";
import type { ClosedDeal, CrmActivity, CrmPort, Customer, Deal } from "../../src/core/domain/crm.ts";
import { DaybookError } from "../../src/core/errors.ts";
import { calendarWeek, localToday, shiftMonth } from "../../src/core/period.ts";
import { daysSince, type EntityLabels, money, pct, runTool, shortTime } from "../shared/compact.ts";
import { totalsByCurrency } from "../shared/currency.ts";
import { type ChurnRisk, scoreCustomer, scoreCustomers } from "./churn-score.ts";
import { type RankedDeal, rankDeals } from "./deal-priority.ts";

const DAY_MS = 86_400_000;

export interface CrmToolContext {
  clock: Clock;
  labels: EntityLabels;
  /**
   * No activity for at least this many days = silent: a deal nobody has touched for a working
   * week is the situation this threshold exists for. Default 5.
   */
  silentDays?: number;
  /** IANA timezone of the organisation: which week and month a close date falls in. Default UTC. */
  timeZone?: string;
}

export const dealsByPrioritySchema = z.object({
  ownerId: z
    .string()
    .trim()
    .min(1)
    .max(80)
    .optional()
    .describe('CRM owner id of the account executive (the requester\'s own id for "my deals"); omit for all'),
  closing: z
    .enum(["this_week", "next_week", "this_month", "next_month"])
    .optional()
    .describe(
      'Only open deals whose expected close date falls in this week or next (Monday to Sunday), or this month or next, in the organisation\'s timezone ("which deals close this week?")',
    ),
  minAmount: z
    .number()
    .min(0)
    .optional()
    .describe('Only deals of at least this amount, in the deal\'s currency ("deals over 200,000")'),
  sort: z
    .enum(["priority", "amount"])
    .optional()
    .describe('"amount" lists the biggest deals first ("my biggest deal"); default: what needs attention today'),
  limit: z.number().int().min(1).max(25).optional().describe("How many deals (default 10)"),
});
export const dealDetailSchema = z
  .object({
    dealId: z.string().trim().min(1).max(40).optional().describe("Deal id from a previous result"),
    name: z.string().trim().min(2).max(100).optional().describe("Deal or company name, or part of it"),
  })
  .refine((a) => a.dealId !== undefined || a.name !== undefined, "give dealId or name");
export const accountHealthSchema = z.object({
  customer: z
    .string()
    .trim()
    .min(2)
    .max(100)
    .optional()
    .describe("Customer name or id for one account; omit for the at-risk list"),
  level: z.enum(["high", "medium", "low"]).optional().describe("Only customers at this churn risk level"),
  limit: z.number().int().min(1).max(25).optional().describe("How many customers (default 10)"),
});
export const closedDealsSchema = z.object({
  days: z
    .number()
    .int()
    .min(1)
    .max(365)
    .optional()
    .describe("Look back this many days, counted from 00:00 UTC (default 7: this week; 30 for this month)"),
  outcome: z.enum(["won", "lost"]).optional().describe("Only won or only lost deals; omit for both"),
  ownerId: z
    .string()
    .trim()
    .min(1)
    .max(80)
    .optional()
    .describe('CRM owner id (the requester\'s own id for "my deals")'),
  limit: z.number().int().min(1).max(25).optional().describe("How many deals to list (default 10)"),
});
export const findSchema = z.object({
  query: z.string().trim().min(2).max(100).describe("Company, customer or deal name, or part of it"),
});

export const logActivitySchema = z.object({
  target: z
    .object({
      kind: z.enum(["company", "deal"]),
      id: z.string().trim().min(1).max(40),
    })
    .describe("Company (customer) or deal the call/note is logged on, by id"),
  type: z.enum(["call", "note"]).default("note"),
  body: z.string().trim().min(1).max(4000).describe("Note text exactly as it will be logged"),
  onBehalfOf: z
    .object({ name: z.string().trim().min(1).max(120), crmOwnerId: z.string().trim().min(1).max(80).optional() })
    .optional()
    .describe("Set by daybook to the person who asked; leave it out"),
});
export const updateDealStageSchema = z.object({
  dealId: z.string().trim().min(1).max(40),
  stage: z
    .string()
    .trim()
    .min(2)
    .max(60)
    .describe(
      'New pipeline stage, e.g. "Discovery", "Demo Scheduled", "Proposal Sent", "Negotiation", "Closed Won", "Closed Lost"',
    ),
});

/**
 * A total over records that each carry a currency: `{ amount, currency }` in the usual case of
 * one currency; with a mix, `{ byCurrency: [{ currency, amount }] }`, because adding EUR to USD
 * would be a figure no tool could stand behind.
 */
type MoneyTotal = { amount: number; currency?: string } | { byCurrency: { currency: string; amount: number }[] };

function moneyTotal(entries: { amount: number; currency: string }[]): MoneyTotal {
  const totals = totalsByCurrency(entries);
  if (totals.length <= 1) {
    const only = totals[0];
    return { amount: only?.amount ?? 0, ...(only ? { currency: only.currency } : {}) };
  }
  return { byCurrency: totals.map((t) => ({ currency: t.currency, amount: t.amount })) };
}

function activityRow(a: CrmActivity) {
  return { type: a.type, direction: a.direction, at: shortTime(a.at), summary: a.summary, by: a.author };
}

type ClosingWindow = z.infer<typeof dealsByPrioritySchema>["closing"];

/**
 * The deal's expected close date falls in the organisation's week (Monday to Sunday) or month
 * of now, or the one after: on a Sunday evening in Berlin "this week" is still that week.
 */
function closesIn(closeDate: string | undefined, now: number, which: ClosingWindow, timeZone: string): boolean {
  if (!closeDate) return false;
  const day = closeDate.slice(0, 10);
  if (which === "this_week" || which === "next_week") {
    // Next week is this week's local days plus seven (not now + 168 h, which a DST change shifts).
    const week = calendarWeek(now, timeZone);
    const shift = (d: string) =>
      which === "next_week" ? new Date(Date.parse(`${d}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10) : d;
    return day >= shift(week.from) && day <= shift(week.to);
  }
  const month = localToday(now, timeZone).slice(0, 7);
  return closeDate.slice(0, 7) === (which === "next_month" ? shiftMonth(month, 1) : month);
}

function rankedRow(r: RankedDeal) {
  const d = r.deal;
  return {
    id: d.id,
    name: d.name,
    company: d.company.name,
    stage: d.stage,
    amount: d.amount,
    currency: d.currency,
    probability: d.probability,
    closeDate: d.closeDate,
    weighted: money(r.weighted),
    urgency: r.urgency.length > 0 ? r.urgency : undefined,
    silentDays: r.silentDays,
    lastInboundAt: shortTime(d.lastInboundAt),
    nextMeetingAt: shortTime(d.nextMeetingAt),
    nextStep: r.nextStep,
    owner: d.ownerName ?? d.ownerId,
    url: d.url,
  };
}

function riskRow(r: ChurnRisk) {
  const c = r.customer;
  return {
    id: c.id,
    name: c.name,
    arr: c.arr,
    currency: c.currency,
    level: r.level,
    score: r.score,
    signals: r.signals.map((s) => s.detail),
    suggestedAction: r.suggestedAction,
    url: c.url,
  };
}

function customerFacts(c: Customer, now: number) {
  return {
    plan: c.plan,
    owner: c.ownerName,
    usageChangePct: pct(c.usageChange * 100),
    usageWindowDays: c.usageWindowDays,
    adminLastLoginDaysAgo: daysSince(c.adminLastLoginAt, now),
    openTickets: c.tickets.filter((t) => t.status === "open").map((t) => ({ id: t.id, subject: t.subject })),
    lastFailedPaymentAt: shortTime(c.lastFailedPaymentAt),
    unusedPaidFeatures: c.unusedPaidFeatures.length > 0 ? c.unusedPaidFeatures : undefined,
  };
}

/**
 * Open and weighted pipeline: `{ currency, pipeline, weightedPipeline }` for one currency; for
 * a mix, one `pipelineByCurrency` row per currency with its deal count.
 */
function pipelineTotals(ranked: RankedDeal[]) {
  const open = totalsByCurrency(ranked.map((r) => ({ amount: r.deal.amount, currency: r.deal.currency })));
  const weighted = totalsByCurrency(ranked.map((r) => ({ amount: r.weighted, currency: r.deal.currency })));
  const weightedIn = (currency: string) => weighted.find((w) => w.currency === currency)?.amount ?? 0;
  if (open.length <= 1) {
    const only = open[0];
    return only
      ? { currency: only.currency, pipeline: only.amount, weightedPipeline: weightedIn(only.currency) }
      : { pipeline: 0, weightedPipeline: 0 };
  }
  return {
    pipelineByCurrency: open.map((t) => ({
      currency: t.currency,
      deals: t.count,
      pipeline: t.amount,
      weightedPipeline: weightedIn(t.currency),
    })),
  };
}

export function crmReadTools(crm: CrmPort, ctx: CrmToolContext): StructuredToolInterface[] {
  const rememberDeals = (deals: Deal[]) => {
    for (const d of deals) {
      ctx.labels.remember("deal", d.id, d.name);
      ctx.labels.remember("company", d.company.id, d.company.name);
    }
  };
  const rememberCustomers = (customers: Customer[]) => {
    for (const c of customers) ctx.labels.remember("company", c.id, c.name);
  };
  const silentDays = ctx.silentDays ?? 5;

  const dealsByPriority = tool(
    (args: z.infer<typeof dealsByPrioritySchema>) =>
      runTool(async () => {
        const open = await crm.listOpenDeals(args.ownerId ? { ownerId: args.ownerId } : undefined);
        const now = ctx.clock.now();
        const deals = open.filter(
          (d) =>
            (!args.closing || closesIn(d.closeDate, now, args.closing, ctx.timeZone ?? "UTC")) &&
            (args.minAmount === undefined || d.amount >= args.minAmount),
        );
        const byPriority = rankDeals(deals, now, { silentDays });
        const ranked =
          args.sort === "amount" ? [...byPriority].sort((a, b) => b.deal.amount - a.deal.amount) : byPriority;
        const shown = ranked.slice(0, args.limit ?? 10);
        rememberDeals(shown.map((r) => r.deal));
        return {
          openDeals: deals.length,
          ...pipelineTotals(ranked),
          deals: shown.map(rankedRow),
          ...(ranked.length > shown.length ? { more: ranked.length - shown.length } : {}),
        };
      }),
    {
      name: "crm_deals_by_priority",
      description:
        "Open CRM deals ranked by what needs attention today: expected value (amount x probability) lifted by a fresh customer reply, a meeting soon, silence or a prospect gone quiet after a demo; each with the next step and a link. " +
        'Examples: "which deals need me today?", "my top deals", "what should I focus on?", "pipeline priorities", "which deals went silent?", "who ghosted us?".',
      schema: dealsByPrioritySchema,
    },
  );

  const dealDetail = tool(
    (args: z.infer<typeof dealDetailSchema>) =>
      runTool(async () => {
        let id = args.dealId;
        if (!id && args.name) {
          const found = (await crm.findDeals(args.name)).filter((d) => !/^closed/i.test(d.stage));
          const all = found.length > 0 ? found : await crm.findDeals(args.name);
          if (all.length === 0) return { error: `No deal matches "${args.name}".` };
          if (all.length > 1) {
            rememberDeals(all);
            return {
              note: `${all.length} deals match "${args.name}"; ask about one by id.`,
              matches: all.map((d) => ({
                id: d.id,
                name: d.name,
                stage: d.stage,
                amount: d.amount,
                currency: d.currency,
                url: d.url,
              })),
            };
          }
          id = all[0]!.id;
        }
        const deal = await crm.getDeal(id!);
        rememberDeals([deal]);
        const now = ctx.clock.now();
        const [ranked] = rankDeals([deal], now, { silentDays });
        return {
          ...rankedRow(ranked!),
          closeDate: deal.closeDate,
          lastActivityAt: shortTime(deal.lastActivityAt),
          lastDemoAt: shortTime(deal.lastDemoAt),
          activities: deal.activities.slice(0, 8).map(activityRow),
        };
      }),
    {
      name: "crm_deal_detail",
      description:
        "One CRM deal with stage, amount, probability, urgency, next step and its recent activity (emails, calls, meetings, demos). " +
        'Examples: "what is happening with <company>?", "tell me about the <company> deal", "when did <company> last reply?", "what did <company> ask for?".',
      schema: dealDetailSchema,
    },
  );

  const accountHealth = tool(
    (args: z.infer<typeof accountHealthSchema>) =>
      runTool(async () => {
        const now = ctx.clock.now();
        if (args.customer) {
          const q = args.customer;
          const matches = /^\d+$/.test(q) ? [await crm.getCustomer(q)] : await crm.findCustomers(q);
          if (matches.length === 0) return { error: `No customer matches "${q}".` };
          if (matches.length > 1) {
            rememberCustomers(matches);
            const risks = scoreCustomers(matches, now);
            return { note: `${matches.length} customers match "${q}".`, customers: risks.map(riskRow) };
          }
          const detail = await crm.getCustomer(matches[0]!.id);
          rememberCustomers([detail]);
          const risk = scoreCustomer(detail, now);
          return {
            ...riskRow(risk),
            ...customerFacts(detail, now),
            contacts: detail.contacts.slice(0, 3).map((c) => ({ name: c.name, title: c.title, email: c.email })),
            activities: detail.activities.slice(0, 5).map(activityRow),
          };
        }
        const customers = await crm.listCustomers();
        const risks = scoreCustomers(customers, now);
        const counts = { high: 0, medium: 0, low: 0 };
        for (const r of risks) counts[r.level]++;
        const wanted = args.level
          ? risks.filter((r) => r.level === args.level)
          : risks.filter((r) => r.level !== "low" || r.signals.length > 0);
        const shown = wanted.slice(0, args.limit ?? 10);
        rememberCustomers(shown.map((r) => r.customer));
        const highArr = moneyTotal(
          risks
            .filter((r) => r.level === "high")
            .map((r) => ({ amount: r.customer.arr, currency: r.customer.currency })),
        );
        return {
          customers: customers.length,
          riskCounts: counts,
          ...("byCurrency" in highArr
            ? { arrAtHighRiskByCurrency: highArr.byCurrency.map((t) => ({ currency: t.currency, arr: t.amount })) }
            : { arrAtHighRisk: highArr.amount, ...(highArr.currency ? { currency: highArr.currency } : {}) }),
          atRisk: shown.map(riskRow),
          ...(wanted.length > shown.length ? { more: wanted.length - shown.length } : {}),
        };
      }),
    {
      name: "crm_account_health",
      description:
        "Customer health and churn risk from usage trend, admin logins, support tickets, failed payments and unused paid features; either the at-risk list or one customer with signals, contacts and a suggested action. " +
        'Examples: "which customers might churn?", "churn risk", "why is <customer> at risk?", "how healthy is <customer>?", "accounts to call this week".',
      schema: accountHealthSchema,
    },
  );

  const closedDeals = tool(
    (args: z.infer<typeof closedDealsSchema>) =>
      runTool(async () => {
        const now = ctx.clock.now();
        const days = args.days ?? 7;
        // From 00:00 UTC: CRMs often keep a close date as a day (same window as the weekly summary).
        const since = new Date(Math.floor((now - days * DAY_MS) / DAY_MS) * DAY_MS).toISOString();
        const closed = (await crm.listClosedDeals(since)).filter(
          (d) => Date.parse(d.closeDate) <= now && (args.ownerId === undefined || d.ownerId === args.ownerId),
        );
        // One currency for both totals is stated once on the result; with a mix each total says its own.
        const all = moneyTotal(closed);
        const total = (list: ClosedDeal[]): MoneyTotal => {
          const t = moneyTotal(list);
          return "byCurrency" in all || "byCurrency" in t ? t : { amount: t.amount };
        };
        const won = closed.filter((d) => d.outcome === "won");
        const lost = closed.filter((d) => d.outcome === "lost");
        const wanted = args.outcome === "won" ? won : args.outcome === "lost" ? lost : closed;
        const shown = wanted.slice(0, args.limit ?? 10);
        rememberDeals(shown);
        return {
          since: since.slice(0, 10),
          ...("currency" in all && all.currency !== undefined ? { currency: all.currency } : {}),
          won: { deals: won.length, ...total(won) },
          lost: { deals: lost.length, ...total(lost) },
          deals: shown.map((d) => ({
            id: d.id,
            name: d.name,
            company: d.company.name,
            outcome: d.outcome,
            amount: d.amount,
            currency: d.currency,
            closeDate: d.closeDate.slice(0, 10),
            owner: d.ownerName ?? d.ownerId,
            url: d.url,
          })),
          ...(wanted.length > shown.length ? { more: wanted.length - shown.length } : {}),
        };
      }),
    {
      name: "crm_closed_deals",
      description:
        "CRM deals closed won or lost in the last N days (default 7), with won and lost totals, owner, close date and a link. " +
        'Examples: "which deals did we win this week?", "what did we lose this month?", "closed won deals", "deals lost in the last 30 days".',
      schema: closedDealsSchema,
    },
  );

  const find = tool(
    (args: z.infer<typeof findSchema>) =>
      runTool(async () => {
        const [deals, customers] = await Promise.all([crm.findDeals(args.query), crm.findCustomers(args.query)]);
        rememberDeals(deals);
        rememberCustomers(customers);
        return {
          deals: deals.slice(0, 10).map((d) => ({
            id: d.id,
            name: d.name,
            company: d.company.name,
            stage: d.stage,
            amount: d.amount,
            currency: d.currency,
            probability: d.probability,
            owner: d.ownerName ?? d.ownerId,
            url: d.url,
          })),
          customers: customers
            .slice(0, 10)
            .map((c) => ({ id: c.id, name: c.name, arr: c.arr, currency: c.currency, plan: c.plan, url: c.url })),
          ...(deals.length > 10 || customers.length > 10
            ? { more: Math.max(0, deals.length - 10) + Math.max(0, customers.length - 10) }
            : {}),
        };
      }),
    {
      name: "crm_find",
      description:
        "Find CRM deals and customer companies by name, with ids and links for follow-up questions. " +
        'Examples: "find <name>", "do we have a customer called <name>?", "look up <company>", "which deals mention <word>?".',
      schema: findSchema,
    },
  );

  return [dealsByPriority, dealDetail, accountHealth, closedDeals, find];
}

function outcomeError(error: unknown): ApprovalOutcome {
  if (error instanceof DaybookError && ["not_found", "conflict", "bad_request", "forbidden"].includes(error.code)) {
    return { ok: false, summary: error.userMessage };
  }
  throw error;
}

export function crmWriteActions(crm: CrmPort, ctx: CrmToolContext) {
  const targetLabel = (t: { kind: "company" | "deal"; id: string }) => {
    const name = ctx.labels.get(t.kind, t.id);
    return name ? `${name} (${t.kind} ${t.id})` : `${t.kind} ${t.id}`;
  };

  const logActivity: WriteAction<typeof logActivitySchema> = {
    name: "crm_log_activity",
    domain: "crm",
    description:
      "Log a call or a note on a CRM company or deal; needs a person's approval before it is saved. " +
      'Examples: "log a call with <customer>: walked through setup", "note on the <company> deal that pricing was sent", "record that I called <customer>".',
    schema: logActivitySchema,
    requiresApproval: true,
    actsForRequester: true,
    title: (args) => `Log a ${args.type} on ${targetLabel(args.target)}`,
    describe: (args) => [
      { label: args.target.kind === "deal" ? "Deal" : "Company", value: targetLabel(args.target) },
      { label: "Type", value: args.type },
      { label: "Text", value: args.body },
      ...(args.onBehalfOf ? [{ label: "Author", value: args.onBehalfOf.name }] : []),
    ],
    async execute(args, options) {
      try {
        const logged = await crm.logActivity(
          {
            target: args.target,
            type: args.type,
            body: args.body,
            ...(args.onBehalfOf
              ? {
                  author: {
                    name: args.onBehalfOf.name,
                    ...(args.onBehalfOf.crmOwnerId ? { crmOwnerId: args.onBehalfOf.crmOwnerId } : {}),
                  },
                }
              : {}),
          },
          options,
        );
        return { ok: true, summary: `Logged ${args.type} on ${targetLabel(args.target)}`, ref: { id: logged.id } };
      } catch (error) {
        return outcomeError(error);
      }
    },
  };

  const updateStage: WriteAction<typeof updateDealStageSchema> = {
    name: "crm_update_deal_stage",
    domain: "crm",
    description:
      "Move a CRM deal to another pipeline stage; needs a person's approval before it changes. " +
      'Examples: "move <deal> to Closed Won", "set <deal> to Negotiation", "mark <deal> as Closed Lost".',
    schema: updateDealStageSchema,
    requiresApproval: true,
    title: (args) => `Move ${targetLabel({ kind: "deal", id: args.dealId })} to "${args.stage}"`,
    describe: (args) => [
      { label: "Deal", value: targetLabel({ kind: "deal", id: args.dealId }) },
      { label: "New stage", value: args.stage },
    ],
    async execute(args, options) {
      try {
        const updated = await crm.updateDealStage(args.dealId, args.stage, options);
        const deal = await crm.getDeal(updated.id).catch(() => undefined);
        return {
          ok: true,
          summary: `Moved ${targetLabel({ kind: "deal", id: args.dealId })} to ${args.stage}`,
          ref: { id: updated.id, ...(deal?.url ? { url: deal.url } : {}) },
        };
      } catch (error) {
        return outcomeError(error);
      }
    },
  };

  return [logActivity, updateStage];
}
