/**
 * "prep me for the <company> demo" (issue 16, item 4): crm_meeting_prep reads the
 * company's open deal with its notes, calls and emails and returns what meeting-prep.ts found
 * in them, each item with the activity it came from. A customer account's call is
 * crm_call_prep (renewal-tools.ts); this one is about a deal.
 */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import type { CrmPort, Deal } from "../../src/core/domain/crm.ts";
import { runTool } from "../shared/compact.ts";
import { type PrepSource, prepareMeeting } from "./meeting-prep.ts";
import type { CrmToolContext } from "./tools.ts";

export const meetingPrepSchema = z.object({
  company: z.string().min(1).describe("The company (or deal name) the demo or meeting is with"),
});

/** The open deal a name points at: the company's own first, then any whose deal or company name holds it. */
function openDealFor(deals: readonly Deal[], name: string): Deal | undefined {
  const open = deals.filter((d) => !/^closed/i.test(d.stage));
  const lc = name.toLowerCase();
  return (
    open.find((d) => d.company.name.toLowerCase() === lc || d.name.toLowerCase() === lc) ??
    [...open].sort((a, b) => b.amount - a.amount)[0]
  );
}

/** "2026-12-05 14:00 Europe/Berlin": a meeting's local time as the organisation reads it. */
function localTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")} ${timeZone}`;
}

const from = (s: PrepSource) => ({
  id: s.activityId,
  type: s.type,
  date: s.date,
  ...(s.direction ? { direction: s.direction } : {}),
  ...(s.by ? { by: s.by } : {}),
});

export function crmMeetingPrepTools(
  crm: CrmPort,
  ctx: CrmToolContext & { timeZone?: string; competitors?: readonly string[] },
): StructuredToolInterface[] {
  const meetingPrep = tool(
    (args: z.infer<typeof meetingPrepSchema>) =>
      runTool(async () => {
        const found = openDealFor(await crm.findDeals(args.company), args.company);
        if (!found)
          return {
            error: `No open deal matches "${args.company}". For a customer account's call, ask "prep me for my call with ${args.company}".`,
            code: "not_found",
          };
        const deal = await crm.getDeal(found.id);
        ctx.labels.remember("deal", deal.id, deal.name);
        const timeZone = ctx.timeZone ?? "UTC";
        const prep = prepareMeeting(deal, { now: ctx.clock.now(), timeZone, competitors: ctx.competitors ?? [] });
        return {
          meetingPrep: deal.name,
          deal: {
            id: deal.id,
            name: deal.name,
            company: deal.company.name,
            stage: deal.stage,
            amount: deal.amount,
            currency: deal.currency,
            probability: deal.probability,
            ...(deal.closeDate ? { closeDate: deal.closeDate } : {}),
            ...(prep.daysToClose !== undefined ? { daysToClose: prep.daysToClose } : {}),
            ...(deal.ownerName ? { owner: deal.ownerName } : {}),
            url: deal.url,
          },
          ...(prep.next ? { next: { at: localTime(prep.next.at, timeZone), summary: prep.next.summary } } : {}),
          activitiesRead: prep.read,
          painPoints: prep.painPoints.map((p) => ({ text: p.text, from: from(p.source) })),
          competitors: prep.competitors.map((c) => ({
            name: c.name,
            ...(c.listed ? {} : { notOnCompetitorList: true }),
            said: c.context,
            from: c.sources.map(from),
          })),
          stakeholders: prep.stakeholders.map((s) => ({
            name: s.name,
            ...(s.title ? { title: s.title } : {}),
            ...(s.role ? { role: s.role } : {}),
            from: s.sources.map(from),
          })),
          talkingPoints: prep.talkingPoints,
        };
      }),
    {
      name: "crm_meeting_prep",
      description:
        "Prepare for a demo or meeting on an open deal: the pain points, competitors and stakeholders found in the deal's notes, calls and emails, each with the activity it came from (id and date), the next meeting and talking points. For a customer account's call use crm_call_prep. " +
        'Examples: "prep me for the <company> demo", "demo prep for <company>", "meeting prep for the <company> deal".',
      schema: meetingPrepSchema,
    },
  );
  return [meetingPrep];
}
