/**
 * The demo CRM: the lead account executive's pipeline with the named situations (a reply this
 * morning, a deal silent five days, a demo tomorrow, a deal ghosted after its demo), a second
 * AE's deals, deals closed this week and over thirteen months before, and the customer base
 * with three churn signals.
 */
import type { CrmActivity, CustomerDetail, DealDetail } from "../../src/core/domain/crm.ts";
import { calendarWeek } from "../../src/core/period.ts";
import { generateCustomers } from "./customers.ts";
import { type DemoProfile, generatedCompanyName } from "./profile.ts";
import { between, DAY, HOUR, iso, mulberry32, pick } from "./random.ts";

export interface DemoCrm {
  /** Open and closed deals with their activity timelines. */
  deals: DealDetail[];
  customers: CustomerDetail[];
}

const stages = ["Qualification", "Discovery", "Demo Scheduled", "Proposal Sent", "Negotiation"];

/** The demo's one sales pipeline, in order: every stage a demo deal can be moved to. */
export const DEMO_DEAL_STAGES = [
  "Qualification",
  "Discovery",
  "Demo Scheduled",
  "Demo Completed",
  "Proposal Sent",
  "Negotiation",
  "Closed Won",
  "Closed Lost",
] as const;

/**
 * The demo deal's discovery trail, oldest last: the discovery call's notes (two pain points,
 * who joined), the budget holder's evaluation email (the competitors, the third pain point) and
 * the AE's note on who decides. Meeting prep finds these again in the text.
 */
function discoveryActivities(deal: DemoProfile["deals"]["demo"], now: number, author: string): CrmActivity[] {
  const {
    stakeholders: [buyer, champion, security],
    painPoints: pains,
    competitors,
    useCase,
  } = deal.discovery;
  const who = (s: { name: string; title: string }) => `${s.name} (${s.title})`;
  const names =
    competitors.length > 1 ? `${competitors.slice(0, -1).join(", ")} and ${competitors.at(-1)}` : competitors.join("");
  return [
    {
      id: "a-10030",
      type: "note",
      at: iso(now - 6 * DAY),
      summary: `${who(buyer)} signs off on the budget; ${champion.name} is our champion`,
      author,
    },
    {
      id: "a-10029",
      type: "email",
      direction: "inbound",
      at: iso(now - 9 * DAY - 3 * HOUR),
      summary: `Evaluation shortlist for ${deal.product}`,
      body: `From ${who(buyer)}: We are also evaluating ${names}. ${pains[2]}. We want to decide this quarter.`,
    },
    {
      id: "a-10028",
      type: "call",
      direction: "outbound",
      at: iso(now - 15 * DAY - 5 * HOUR),
      summary: `Discovery call with ${who(champion)}`,
      body: `${who(champion)} and ${who(security)} joined. Use case: ${useCase}. ${pains[0]}. ${pains[1]}.`,
      author,
    },
  ];
}

export function generateCrm(now: number, seed: number, customerCount: number, profile: DemoProfile): DemoCrm {
  const P = profile.deals;
  const dealUrl = (id: string) => `${profile.urls.crm}/deal/${id}`;
  const companyName = (i: number) => generatedCompanyName(profile, i);
  const rand = mulberry32(seed ^ 0x3c4d);
  const dayStart = Math.floor(now / DAY) * DAY;
  // "This morning": today's 07:40 UTC when that has passed, else 80 minutes ago (still today).
  const thisMorning =
    now - dayStart > 8 * HOUR ? dayStart + 7 * HOUR + 40 * 60_000 : Math.max(dayStart, now - 80 * 60_000);
  const deals: DealDetail[] = [];
  const alex = { ...profile.lead };
  const sam = { ...profile.second };
  const activity = (
    id: string,
    type: CrmActivity["type"],
    at: number,
    summary: string,
    direction?: "inbound" | "outbound",
  ): CrmActivity => ({
    id,
    type,
    at: iso(at),
    summary,
    ...(direction ? { direction } : {}),
    author: direction === "inbound" ? undefined : alex.ownerName,
  });

  deals.push({
    id: "1001",
    name: `${P.hot.company} - ${P.hot.product}`,
    company: { id: "7001", name: P.hot.company },
    stage: "Negotiation",
    amount: 250_000,
    currency: profile.currency,
    probability: 0.85,
    closeDate: iso(dayStart + 21 * DAY).slice(0, 10),
    ...alex,
    lastActivityAt: iso(thisMorning),
    lastInboundAt: iso(thisMorning),
    // The demo in its timeline, as the HubSpot connector derives it.
    lastDemoAt: iso(thisMorning - 12 * DAY),
    url: dealUrl("1001"),
    activities: [
      activity(
        "a-10013",
        "email",
        thisMorning,
        `${P.hot.contact} replied: asking for pricing for 500 users`,
        "inbound",
      ),
      activity("a-10012", "call", thisMorning - 3 * DAY, "Negotiation call: legal review of the MSA", "outbound"),
      activity("a-10011", "demo", thisMorning - 12 * DAY, "Product demo for the operations team", "outbound"),
    ],
  });
  const techStartSilent = now - 5 * DAY - 2 * HOUR;
  deals.push({
    id: "1002",
    name: `${P.silent.company} - ${P.silent.product}`,
    company: { id: "7002", name: P.silent.company },
    stage: "Proposal Sent",
    amount: 80_000,
    currency: profile.currency,
    probability: 0.72,
    closeDate: iso(dayStart + 30 * DAY).slice(0, 10),
    ...alex,
    lastActivityAt: iso(techStartSilent),
    lastInboundAt: iso(techStartSilent - 2 * DAY),
    url: dealUrl("1002"),
    activities: [
      activity("a-10022", "email", techStartSilent, "Sent proposal and order form", "outbound"),
      activity(
        "a-10021",
        "call",
        techStartSilent - 2 * DAY,
        `${P.silent.contact} asked for a proposal for 80 seats`,
        "inbound",
      ),
    ],
  });
  const demoTomorrow = dayStart + DAY + 14 * HOUR;
  deals.push({
    id: "1003",
    name: `${P.demo.company} - ${P.demo.product}`,
    company: { id: "7003", name: P.demo.company },
    stage: "Demo Scheduled",
    amount: 500_000,
    currency: profile.currency,
    probability: 0.45,
    closeDate: iso(dayStart + 60 * DAY).slice(0, 10),
    ...alex,
    lastActivityAt: iso(now - 26 * HOUR),
    lastInboundAt: iso(now - 26 * HOUR),
    nextMeetingAt: iso(demoTomorrow),
    url: dealUrl("1003"),
    activities: [
      activity(
        "a-10032",
        "meeting",
        demoTomorrow,
        `Demo for ${P.demo.company}: ${P.demo.contact} (tomorrow 2 PM)`,
        "outbound",
      ),
      activity("a-10031", "email", now - 26 * HOUR, "Confirmed the demo time; 6 attendees", "inbound"),
      ...discoveryActivities(P.demo, now, alex.ownerName),
    ],
  });
  const betaDemo = now - 9 * DAY - 3 * HOUR;
  deals.push({
    id: "1004",
    name: `${P.ghosted.company} - ${P.ghosted.product}`,
    company: { id: "7004", name: P.ghosted.company },
    stage: "Demo Completed",
    amount: 120_000,
    currency: profile.currency,
    probability: 0.4,
    closeDate: iso(dayStart + 25 * DAY).slice(0, 10),
    ...alex,
    lastActivityAt: iso(betaDemo),
    lastInboundAt: iso(betaDemo - DAY),
    lastDemoAt: iso(betaDemo),
    url: dealUrl("1004"),
    activities: [
      activity("a-10042", "demo", betaDemo, `Demo to ${P.ghosted.company}; no reply since`, "outbound"),
      activity("a-10041", "email", betaDemo - DAY, "Confirmed demo attendance", "inbound"),
    ],
  });
  // 11 more open deals for the lead AE with recent, unremarkable activity (no urgency signal).
  for (let i = 0; i < 11; i++) {
    const id = String(1005 + i);
    const company = companyName(500 + i * 7);
    const last = now - (20 + between(rand, 0, 24)) * HOUR;
    deals.push({
      id,
      name: `${company} - ${pick(rand, ["New business", "Expansion", "Pilot"])}`,
      company: { id: String(7005 + i), name: company },
      stage: stages[i % stages.length]!,
      amount: between(rand, 15, 180) * 1000,
      currency: profile.currency,
      probability: Math.round((0.15 + rand() * 0.5) * 100) / 100,
      closeDate: iso(dayStart + between(rand, 20, 90) * DAY).slice(0, 10),
      ...alex,
      lastActivityAt: iso(last),
      lastInboundAt: iso(last - between(rand, 2, 4) * DAY),
      ...(i % 3 === 0 ? { nextMeetingAt: iso(dayStart + between(rand, 4, 9) * DAY + 15 * HOUR) } : {}),
      url: dealUrl(id),
      activities: [
        activity(`a-${id}1`, pick(rand, ["email", "call"] as const), last, "Follow-up on requirements", "outbound"),
      ],
    });
  }
  for (let i = 0; i < 4; i++) {
    const id = String(1020 + i);
    const company = companyName(600 + i * 5);
    const last = now - (10 + between(rand, 0, 30)) * HOUR;
    deals.push({
      id,
      name: `${company} - New business`,
      company: { id: String(7020 + i), name: company },
      stage: stages[(i + 2) % stages.length]!,
      amount: between(rand, 20, 90) * 1000,
      currency: profile.currency,
      probability: Math.round((0.2 + rand() * 0.4) * 100) / 100,
      closeDate: iso(dayStart + between(rand, 20, 90) * DAY).slice(0, 10),
      ...sam,
      lastActivityAt: iso(last),
      url: dealUrl(id),
      activities: [{ id: `a-${id}1`, type: "call", at: iso(last), summary: "Discovery call", author: sam.ownerName }],
    });
  }
  // Two closed deals: history for "won last month", never in the open pipeline.
  deals.push({
    id: "1030",
    name: `${P.older[0]} - Renewal`,
    company: { id: "7030", name: P.older[0] },
    stage: "Closed Won",
    amount: 64_000,
    currency: profile.currency,
    probability: 1,
    closeDate: iso(dayStart - 20 * DAY).slice(0, 10),
    ...alex,
    lastActivityAt: iso(dayStart - 20 * DAY),
    url: dealUrl("1030"),
    activities: [],
  });
  deals.push({
    id: "1031",
    name: `${P.older[1]} - Pilot`,
    company: { id: "7031", name: P.older[1] },
    stage: "Closed Lost",
    amount: 30_000,
    currency: profile.currency,
    probability: 0,
    closeDate: iso(dayStart - 35 * DAY).slice(0, 10),
    ...sam,
    lastActivityAt: iso(dayStart - 35 * DAY),
    url: dealUrl("1031"),
    activities: [],
  });
  // Closed in the last 7 days, for "which deals did we win this week?" and the weekly summary;
  // 1035 closed 8 days ago, just outside that window.
  const closed = (
    id: string,
    name: string,
    company: string,
    outcome: "won" | "lost",
    amount: number,
    at: number,
    owner: { ownerId: string; ownerName: string },
    summary: string,
  ): DealDetail => {
    return {
      id,
      name,
      company: { id: `7${id.slice(1)}`, name: company },
      stage: outcome === "won" ? "Closed Won" : "Closed Lost",
      amount,
      currency: profile.currency,
      probability: outcome === "won" ? 1 : 0,
      closeDate: iso(at).slice(0, 10),
      ...owner,
      lastActivityAt: iso(at),
      url: dealUrl(id),
      activities: [{ id: `a-${id}1`, type: "note", at: iso(at), summary, author: owner.ownerName }],
    };
  };
  // This week's closed deals land in the week the weekly summary covers: the calendar week in
  // the organisation's timezone, or on a Monday the week that just ended (2, 3 and 4 days ago).
  // 1035 closes just before that week.
  const week = calendarWeek(now, profile.timeZone);
  const monday = now - week.start < DAY;
  const closedAt = (slot: number, mondayDaysAgo: number) =>
    monday ? week.start - mondayDaysAgo * DAY + 15 * HOUR : week.start + Math.floor(((now - week.start) * slot) / 4);
  const beforeWeek = (monday ? week.start - 7 * DAY : week.start) - DAY + 15 * HOUR;
  deals.push(
    closed(
      "1032",
      `${P.closed[0]} - Annual plan`,
      P.closed[0],
      "won",
      96_000,
      closedAt(3, 2),
      alex,
      "Order form signed for 120 seats",
    ),
    closed(
      "1033",
      `${P.closed[1]} - Expansion`,
      P.closed[1],
      "won",
      42_500,
      closedAt(1, 4),
      sam,
      "Expansion to 3 more clinics signed",
    ),
    closed(
      "1034",
      `${P.closed[2]} - Platform`,
      P.closed[2],
      "lost",
      150_000,
      closedAt(2, 3),
      alex,
      "Lost to an incumbent vendor on price",
    ),
    closed(
      "1035",
      `${P.closed[3]} - Pilot`,
      P.closed[3],
      "won",
      18_000,
      beforeWeek,
      sam,
      "Pilot converted to a paid plan",
    ),
  );

  // Thirteen months of closed deals, 40 to 420 days ago, for "what did we win in Q3?" and
  // year-on-year questions. Kept outside the last five weeks so the named recent ones stand alone.
  const historyRand = mulberry32(seed ^ 0x51ed);
  for (let i = 0; i < 48; i++) {
    const id = String(1100 + i);
    const company = companyName(900 + i * 3);
    const won = i % 3 !== 2;
    const owner = i % 2 === 0 ? alex : sam;
    const at = dayStart - (40 + Math.floor((380 * i) / 48) + between(historyRand, 0, 6)) * DAY + 15 * HOUR;
    deals.push({
      id,
      name: `${company} - ${won ? pick(historyRand, ["Annual plan", "Expansion", "Renewal"]) : "New business"}`,
      company: { id: String(7100 + i), name: company },
      stage: won ? "Closed Won" : "Closed Lost",
      amount: between(historyRand, 8, 140) * 1000,
      currency: profile.currency,
      probability: won ? 1 : 0,
      closeDate: iso(at).slice(0, 10),
      ...owner,
      lastActivityAt: iso(at),
      url: dealUrl(id),
      activities: [
        {
          id: `a-${id}1`,
          type: "note",
          at: iso(at),
          summary: won ? "Order form signed" : "Lost: chose another vendor",
          author: owner.ownerName,
        },
      ],
    });
  }

  const customers = generateCustomers(now, customerCount, profile, rand);
  return { deals, customers };
}
