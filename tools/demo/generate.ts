/**
 * The demo organisation ("Northwind Demo"): a deterministic company with a Jira sprint, a
 * CRM pipeline and customer base, and a month of books. Every relative fact ("replied this
 * morning", "demo tomorrow 2 PM", "silent 5 days") is computed from `now`, so the same
 * situations hold whenever the bot starts; the same `now` + `seed` + `scale` always yields a
 * byte-identical organisation. docs/demo-organisation.md lists the named situations.
 *
 * Built for volume: rows are plain object literals made in flat loops (no per-row closures
 * or classes), money is summed in integer cents, and `volumes` lets a benchmark ask for e.g.
 * 1,000,000 bank transactions without also building 160,000 customers.
 */
import type { BankTransaction, Invoice, ProfitAndLoss, PurchaseOrder } from "../../src/core/domain/accounting.ts";
import { type Month, monthOf, previousMonth } from "../../src/core/domain/common.ts";
import type { CrmActivity, CustomerDetail, DealDetail } from "../../src/core/domain/crm.ts";
import type { JiraIssueDetail, Sprint } from "../../src/core/domain/jira.ts";

export const DEMO_SEED = 20261123;
export const JIRA_BASE_URL = "https://demo.atlassian.net";
export const HUBSPOT_BASE_URL = "https://app.hubspot.com/contacts/demo";
export const XERO_BASE_URL = "https://go.xero.com";
export const DEMO_CURRENCY = "USD";
export const DEMO_BANK_ACCOUNT = "Operating Account (Chase ••1234)";

export interface DemoVolumes {
  /** Jira issues outside the active sprint (backlog + done history). Default 100 x scale. */
  issues?: number;
  /** Customers including the three named ones. Default 200 x scale. */
  customers?: number;
  /** Vendor bills (ACCPAY) including the named ones. Default 250 x scale. */
  bills?: number;
  /** Bank statement lines including the named exceptions. Default 1,250 x scale. */
  bankTransactions?: number;
}

export interface DemoOptions {
  /** Anchor: every relative date is computed from it (use the Clock's now). */
  now: number;
  /** Multiplies the volume of issues, customers, bills and bank transactions. Default 1. */
  scale?: number;
  seed?: number;
  /** Exact counts overriding `scale` per area (benchmarks). */
  volumes?: DemoVolumes;
}

export interface DemoJira {
  projectKey: string;
  board: { id: number; name: string };
  sprint: Sprint;
  /** Keys of the active sprint's issues, in board order. */
  sprintIssueKeys: string[];
  /** Every issue (sprint, backlog and done history), newest key first. */
  issues: JiraIssueDetail[];
}

export interface DemoCrm {
  /** Open and closed deals with their activity timelines. */
  deals: DealDetail[];
  customers: CustomerDetail[];
}

export interface DemoAccounting {
  month: Month;
  previousMonth: Month;
  invoices: Invoice[];
  purchaseOrders: PurchaseOrder[];
  bankTransactions: BankTransaction[];
  /** Profit & Loss for `month` and `previousMonth`. */
  pnl: Record<Month, ProfitAndLoss>;
}

export interface DemoOrg {
  name: string;
  now: number;
  seed: number;
  scale: number;
  jira: DemoJira;
  crm: DemoCrm;
  accounting: DemoAccounting;
}

/** Names people will ask about; tests and docs refer to these. */
export const scenario = {
  sprint: { name: "Sprint 24", donePct: 72, donePctYesterday: 65 },
  jira: {
    readyForReview: "ENG-142",
    waitingOnBackend: "ENG-145",
    deployBlocked: "ENG-147",
    atRisk: ["ENG-151", "ENG-153"],
  },
  deals: {
    acme: "1001",
    techStart: "1002",
    globalIndustries: "1003",
    betaCo: "1004",
    /** Closed in the last 7 days (weekly summary): two won, one lost. */
    wonThisWeek: ["1032", "1033"],
    lostThisWeek: ["1034"],
  },
  customers: { brightTech: "5001", dataFlow: "5002", quickStart: "5003" },
  invoices: { noPo: "4729", duplicate: "4801", original: "4756" },
  bank: { wire: "bt-wire-2100", refund: "bt-refund-350", fee: "bt-fee-1250" },
} as const;

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** mulberry32: tiny, fast, good enough for believable data, and identical on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

function between(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

export function generateDemoOrg(options: DemoOptions): DemoOrg {
  const seed = options.seed ?? DEMO_SEED;
  const scale = Math.max(1, Math.floor(options.scale ?? 1));
  const v = options.volumes ?? {};
  const crm = generateCrm(options.now, seed, v.customers ?? 200 * scale);
  return {
    name: "Northwind Demo",
    now: options.now,
    seed,
    scale,
    jira: generateJira(options.now, seed, v.issues ?? 100 * scale),
    crm,
    accounting: generateAccounting({
      now: options.now,
      seed,
      bills: v.bills ?? 250 * scale,
      bankTransactions: v.bankTransactions ?? 1250 * scale,
      customerNames: crm.customers.slice(0, 400).map((c) => c.name),
    }),
  };
}

// ---------------------------------------------------------------- Jira

const engineers = ["Sarah Kim", "Maria Garcia", "David Okafor", "Tom Chen", "Lena Novak", "Raj Mehta"];
const components = ["login", "billing", "search", "reports", "notifications", "settings", "onboarding", "API", "admin"];
const verbs = ["Improve", "Fix", "Add", "Refactor", "Polish", "Speed up", "Document", "Test"];

function issueUrl(key: string): string {
  return `${JIRA_BASE_URL}/browse/${key}`;
}

export function generateJira(now: number, seed: number, extraIssues: number): DemoJira {
  const rand = mulberry32(seed ^ 0x1a2b);
  const sprintStart = Math.floor(now / DAY) * DAY - 8 * DAY;
  const sprintEnd = sprintStart + 14 * DAY;
  const sprint: Sprint = {
    id: 24,
    name: "Sprint 24",
    state: "active",
    startDate: iso(sprintStart),
    endDate: iso(sprintEnd),
    goal: "Ship authentication and the payments integration",
  };
  const issues: JiraIssueDetail[] = [];
  const base = (key: string, summary: string, type: string, points: number, assignee: string) => ({
    key,
    summary,
    type,
    assignee,
    storyPoints: points,
    priority: "Medium",
    labels: [] as string[],
    flagged: false,
    blockedBy: [] as string[],
    created: iso(sprintStart - 3 * DAY),
    url: issueUrl(key),
    comments: [] as JiraIssueDetail["comments"],
  });

  // 100 points in the sprint: 65 done more than 24h ago, 7 in the last 24h (72% now, 65% a
  // day earlier), 28 open: the named situations below.
  issues.push({
    ...base("ENG-142", "Feature-Authentication", "Story", 8, "Sarah Kim"),
    status: "Ready for Review",
    statusCategory: "in_progress",
    priority: "High",
    labels: ["auth"],
    updated: iso(now - 3 * HOUR),
    statusChangedAt: iso(now - 3 * HOUR),
    description: "Email + password and Google sign-in with session refresh. PR #318 is open.",
    comments: [
      { id: "c-1421", author: "Sarah Kim", created: iso(now - 3 * HOUR), body: "PR #318 is ready for review." },
    ],
  });
  issues.push({
    ...base("ENG-145", "Integrate payments API", "Story", 5, "Maria Garcia"),
    status: "In Progress",
    statusCategory: "in_progress",
    priority: "High",
    labels: ["payments", "waiting-on-backend"],
    flagged: true,
    blockedBy: ["Waiting on API spec from the Backend team"],
    updated: iso(now - 2 * DAY),
    statusChangedAt: iso(now - 2 * DAY),
    description: "Client for the new payments endpoints. Blocked until Backend publishes the API spec.",
    comments: [
      {
        id: "c-1451",
        author: "Maria Garcia",
        created: iso(now - 2 * DAY),
        body: "Flagged: blocked waiting on the API spec from the Backend team.",
      },
    ],
  });
  issues.push({
    ...base("ENG-147", "Deploy release 2.4 to production", "Task", 3, "David Okafor"),
    status: "Blocked",
    statusCategory: "in_progress",
    priority: "Highest",
    labels: ["deploy", "infra"],
    blockedBy: ["Expired AWS credentials"],
    updated: iso(now - 26 * HOUR),
    statusChangedAt: iso(now - 26 * HOUR),
    description: "Production deploy of 2.4. The pipeline fails: the AWS deploy credentials expired.",
    comments: [
      {
        id: "c-1471",
        author: "David Okafor",
        created: iso(now - 26 * HOUR),
        body: "Deploy is blocked: our AWS credentials expired, need a new access key from IT.",
      },
    ],
  });
  issues.push({
    ...base("ENG-151", "Export reports to CSV", "Story", 8, "Tom Chen"),
    status: "To Do",
    statusCategory: "todo",
    priority: "High",
    labels: ["reports"],
    updated: iso(sprintStart),
    dueDate: iso(sprintEnd).slice(0, 10),
    description: "Export any report as CSV. Not started yet.",
  });
  issues.push({
    ...base("ENG-153", "Notification preferences page", "Story", 4, "Lena Novak"),
    status: "In Progress",
    statusCategory: "in_progress",
    priority: "High",
    labels: ["notifications"],
    updated: iso(now - 30 * HOUR),
    statusChangedAt: iso(now - 2 * DAY),
    dueDate: iso(now - DAY).slice(0, 10),
    description: "Was due yesterday; the design review is still open.",
  });
  // Done: 15 issues (65 pts) resolved at least 26h ago, 2 issues (7 pts) in the last 24h.
  const donePoints = [8, 8, 5, 5, 5, 5, 3, 3, 3, 3, 5, 2, 5, 3, 2];
  for (let i = 0; i < donePoints.length; i++) {
    const key = `ENG-${125 + i}`;
    const resolved = sprintStart + 12 * HOUR + Math.floor(((now - 26 * HOUR - sprintStart - 12 * HOUR) * i) / 15);
    issues.push({
      ...base(
        key,
        `${verbs[i % verbs.length]} ${components[i % components.length]}`,
        i % 4 === 3 ? "Bug" : "Story",
        donePoints[i]!,
        engineers[i % engineers.length]!,
      ),
      status: "Done",
      statusCategory: "done",
      updated: iso(resolved),
      statusChangedAt: iso(resolved),
      resolvedAt: iso(resolved),
    });
  }
  for (const [key, summary, points, hoursAgo, who] of [
    ["ENG-148", "Password reset emails", 5, 5, "Raj Mehta"],
    ["ENG-149", "Fix session timeout on Safari", 2, 20, "Sarah Kim"],
  ] as const) {
    issues.push({
      ...base(key, summary, key === "ENG-149" ? "Bug" : "Story", points, who),
      status: "Done",
      statusCategory: "done",
      updated: iso(now - hoursAgo * HOUR),
      statusChangedAt: iso(now - hoursAgo * HOUR),
      resolvedAt: iso(now - hoursAgo * HOUR),
    });
  }
  const sprintIssueKeys = issues.map((i) => i.key);
  // Stale work outside the sprint: carried over from ops, untouched for 9 days.
  issues.push({
    ...base("ENG-160", "Migrate cron jobs to the new scheduler", "Task", 3, "Raj Mehta"),
    status: "In Progress",
    statusCategory: "in_progress",
    labels: ["ops", "carry-over"],
    updated: iso(now - 9 * DAY),
    statusChangedAt: iso(now - 9 * DAY),
    description: "Started before the sprint and not touched since.",
  });

  // Outside the sprint: backlog (to do, unflagged) and history (done before the sprint).
  for (let i = 0; i < extraIssues; i++) {
    const key = `ENG-${1000 + i}`;
    const done = i % 3 !== 0;
    const at = done ? sprintStart - between(rand, 1, 120) * DAY : now - between(rand, 3, 60) * DAY;
    issues.push({
      key,
      summary: `${pick(rand, verbs)} ${pick(rand, components)} (${i % 7 === 0 ? "customer request" : "tech debt"})`,
      type: i % 5 === 0 ? "Bug" : i % 5 === 1 ? "Task" : "Story",
      status: done ? "Done" : "To Do",
      statusCategory: done ? "done" : "todo",
      assignee: done ? engineers[i % engineers.length] : undefined,
      storyPoints: pick(rand, [1, 2, 3, 5, 8]),
      priority: pick(rand, ["Low", "Medium", "Medium", "High"]),
      labels: [],
      flagged: false,
      blockedBy: [],
      created: iso(at - 10 * DAY),
      updated: iso(at),
      statusChangedAt: iso(at),
      resolvedAt: done ? iso(at) : undefined,
      url: issueUrl(key),
      comments: [],
    });
  }
  return {
    projectKey: "ENG",
    board: { id: 7, name: "ENG board" },
    sprint,
    sprintIssueKeys,
    issues,
  };
}

// ---------------------------------------------------------------- CRM

const prefixes = [
  "Blue",
  "North",
  "Silver",
  "Bright",
  "Swift",
  "Green",
  "Iron",
  "Summit",
  "Clear",
  "Pioneer",
  "Nova",
  "Harbor",
  "Peak",
  "Solid",
  "Urban",
  "Vivid",
  "Crimson",
  "Golden",
  "Atlas",
  "Coastal",
  "Lumen",
  "Orbit",
  "Prime",
  "Quantum",
];
const roots = [
  "Logic",
  "Works",
  "Labs",
  "Systems",
  "Cloud",
  "Metrics",
  "Health",
  "Foods",
  "Freight",
  "Media",
  "Energy",
  "Retail",
  "Analytics",
  "Robotics",
  "Finance",
  "Studio",
];
const suffixes = ["Inc", "LLC", "Co", "Group", "Ltd"];
const plans = ["Starter", "Growth", "Business", "Enterprise"];
const csms = ["Priya Shah", "Jordan Lee"];
const stages = ["Qualification", "Discovery", "Demo Scheduled", "Proposal Sent", "Negotiation"];

function dealUrl(id: string): string {
  return `${HUBSPOT_BASE_URL}/deal/${id}`;
}
function companyUrl(id: string): string {
  return `${HUBSPOT_BASE_URL}/company/${id}`;
}

/** Generic company name #i, never one of the named scenario companies. */
function companyName(i: number): string {
  const p = prefixes[i % prefixes.length]!;
  const r = roots[Math.floor(i / prefixes.length) % roots.length]!;
  const s = suffixes[Math.floor(i / (prefixes.length * roots.length)) % suffixes.length]!;
  const round = Math.floor(i / (prefixes.length * roots.length * suffixes.length));
  return round === 0 ? `${p}${r} ${s}` : `${p}${r} ${s} ${round + 1}`;
}

export function generateCrm(now: number, seed: number, customerCount: number): DemoCrm {
  const rand = mulberry32(seed ^ 0x3c4d);
  const dayStart = Math.floor(now / DAY) * DAY;
  // "This morning": today's 07:40 UTC when that has passed, else 80 minutes ago (still today).
  const thisMorning =
    now - dayStart > 8 * HOUR ? dayStart + 7 * HOUR + 40 * 60_000 : Math.max(dayStart, now - 80 * 60_000);
  const deals: DealDetail[] = [];
  const alex = { ownerId: "owner-alex", ownerName: "Alex Rivera" };
  const sam = { ownerId: "owner-sam", ownerName: "Sam Patel" };
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
    author: direction === "inbound" ? undefined : "Alex Rivera",
  });

  deals.push({
    id: "1001",
    name: "Acme Corp - Platform rollout",
    company: { id: "7001", name: "Acme Corp" },
    stage: "Negotiation",
    amount: 250_000,
    probability: 0.85,
    closeDate: iso(dayStart + 21 * DAY).slice(0, 10),
    ...alex,
    lastActivityAt: iso(thisMorning),
    lastInboundAt: iso(thisMorning),
    url: dealUrl("1001"),
    activities: [
      activity(
        "a-10013",
        "email",
        thisMorning,
        "Jamie Fox (VP Ops) replied: asking for pricing for 500 users",
        "inbound",
      ),
      activity("a-10012", "call", thisMorning - 3 * DAY, "Negotiation call: legal review of the MSA", "outbound"),
      activity("a-10011", "demo", thisMorning - 12 * DAY, "Product demo for the operations team", "outbound"),
    ],
  });
  const techStartSilent = now - 5 * DAY - 2 * HOUR;
  deals.push({
    id: "1002",
    name: "TechStart Inc - Team plan",
    company: { id: "7002", name: "TechStart Inc" },
    stage: "Proposal Sent",
    amount: 80_000,
    probability: 0.72,
    closeDate: iso(dayStart + 30 * DAY).slice(0, 10),
    ...alex,
    lastActivityAt: iso(techStartSilent),
    lastInboundAt: iso(techStartSilent - 2 * DAY),
    url: dealUrl("1002"),
    activities: [
      activity("a-10022", "email", techStartSilent, "Sent proposal and order form", "outbound"),
      activity("a-10021", "call", techStartSilent - 2 * DAY, "Priya Nair asked for a proposal for 80 seats", "inbound"),
    ],
  });
  const demoTomorrow = dayStart + DAY + 14 * HOUR;
  deals.push({
    id: "1003",
    name: "Global Industries - Enterprise",
    company: { id: "7003", name: "Global Industries" },
    stage: "Demo Scheduled",
    amount: 500_000,
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
        "Demo for the Global Industries buying committee (tomorrow 2 PM)",
        "outbound",
      ),
      activity("a-10031", "email", now - 26 * HOUR, "Confirmed the demo time; 6 attendees", "inbound"),
    ],
  });
  const betaDemo = now - 9 * DAY - 3 * HOUR;
  deals.push({
    id: "1004",
    name: "BetaCo - Annual contract",
    company: { id: "7004", name: "BetaCo" },
    stage: "Demo Completed",
    amount: 120_000,
    probability: 0.4,
    closeDate: iso(dayStart + 25 * DAY).slice(0, 10),
    ...alex,
    lastActivityAt: iso(betaDemo),
    lastInboundAt: iso(betaDemo - DAY),
    lastDemoAt: iso(betaDemo),
    url: dealUrl("1004"),
    activities: [
      activity("a-10042", "demo", betaDemo, "Demo to BetaCo; no reply since", "outbound"),
      activity("a-10041", "email", betaDemo - DAY, "Confirmed demo attendance", "inbound"),
    ],
  });
  // 11 more open deals for Alex with recent, unremarkable activity (no urgency signal).
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
      probability: Math.round((0.2 + rand() * 0.4) * 100) / 100,
      closeDate: iso(dayStart + between(rand, 20, 90) * DAY).slice(0, 10),
      ...sam,
      lastActivityAt: iso(last),
      url: dealUrl(id),
      activities: [{ id: `a-${id}1`, type: "call", at: iso(last), summary: "Discovery call", author: "Sam Patel" }],
    });
  }
  // Two closed deals: history for "won last month", never in the open pipeline.
  deals.push({
    id: "1030",
    name: "Harbor Freight Co - Renewal",
    company: { id: "7030", name: "Harbor Freight Co" },
    stage: "Closed Won",
    amount: 64_000,
    probability: 1,
    closeDate: iso(dayStart - 20 * DAY).slice(0, 10),
    ...alex,
    lastActivityAt: iso(dayStart - 20 * DAY),
    url: dealUrl("1030"),
    activities: [],
  });
  deals.push({
    id: "1031",
    name: "Vivid Media Ltd - Pilot",
    company: { id: "7031", name: "Vivid Media Ltd" },
    stage: "Closed Lost",
    amount: 30_000,
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
    daysAgo: number,
    owner: { ownerId: string; ownerName: string },
    summary: string,
  ): DealDetail => {
    const at = dayStart - daysAgo * DAY + 15 * HOUR;
    return {
      id,
      name,
      company: { id: `7${id.slice(1)}`, name: company },
      stage: outcome === "won" ? "Closed Won" : "Closed Lost",
      amount,
      probability: outcome === "won" ? 1 : 0,
      closeDate: iso(at).slice(0, 10),
      ...owner,
      lastActivityAt: iso(at),
      url: dealUrl(id),
      activities: [{ id: `a-${id}1`, type: "note", at: iso(at), summary, author: owner.ownerName }],
    };
  };
  deals.push(
    closed(
      "1032",
      "Northwind Traders - Annual plan",
      "Northwind Traders",
      "won",
      96_000,
      2,
      alex,
      "Order form signed for 120 seats",
    ),
    closed(
      "1033",
      "Keystone Dental Group - Expansion",
      "Keystone Dental Group",
      "won",
      42_500,
      4,
      sam,
      "Expansion to 3 more clinics signed",
    ),
    closed(
      "1034",
      "Silverline Insurance - Platform",
      "Silverline Insurance",
      "lost",
      150_000,
      3,
      alex,
      "Lost to an incumbent vendor on price",
    ),
    closed(
      "1035",
      "Redwood Outfitters - Pilot",
      "Redwood Outfitters",
      "won",
      18_000,
      8,
      sam,
      "Pilot converted to a paid plan",
    ),
  );

  const customers: CustomerDetail[] = [];
  customers.push({
    id: "5001",
    name: "BrightTech Inc",
    arr: 12_000,
    plan: "Growth",
    ownerName: "Priya Shah",
    usageChange: -0.65,
    usageWindowDays: 14,
    adminLastLoginAt: iso(now - 7 * DAY - 3 * HOUR),
    tickets: [{ id: "T-9812", subject: "Too complicated", status: "open", createdAt: iso(now - 3 * DAY) }],
    unusedPaidFeatures: [],
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
        author: "Priya Shah",
      },
    ],
    contacts: [{ id: "c-50011", name: "Morgan Blake", email: "morgan@brighttech.example", title: "Workspace admin" }],
  });
  customers.push({
    id: "5002",
    name: "DataFlow Corp",
    arr: 8_000,
    plan: "Starter",
    ownerName: "Priya Shah",
    usageChange: -0.35,
    usageWindowDays: 30,
    adminLastLoginAt: iso(now - 2 * DAY),
    tickets: [],
    // 25 hours ago: "yesterday", and a whole day for anything counting elapsed days.
    lastFailedPaymentAt: iso(now - 25 * HOUR),
    unusedPaidFeatures: [],
    url: companyUrl("5002"),
    activities: [
      {
        id: "a-50021",
        type: "note",
        at: iso(now - 25 * HOUR),
        summary: "Card payment failed (insufficient funds)",
      },
    ],
    contacts: [{ id: "c-50021", name: "Chris Ortega", email: "chris@dataflow.example", title: "Head of Data" }],
  });
  customers.push({
    id: "5003",
    name: "QuickStart LLC",
    arr: 5_000,
    plan: "Business",
    ownerName: "Jordan Lee",
    usageChange: 0.02,
    usageWindowDays: 30,
    adminLastLoginAt: iso(now - DAY),
    tickets: [],
    unusedPaidFeatures: ["SSO", "Advanced analytics", "API access"],
    url: companyUrl("5003"),
    activities: [],
    contacts: [{ id: "c-50031", name: "Sam Rivers", email: "sam@quickstart.example", title: "Founder" }],
  });
  const firstNames = ["Alex", "Jamie", "Taylor", "Casey", "Riley", "Avery", "Quinn", "Drew", "Robin", "Kai"];
  const lastNames = ["Nguyen", "Smith", "Kowalski", "Haddad", "Okoro", "Larsen", "Silva", "Brown", "Ito", "Costa"];
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
      url: companyUrl(id),
      activities: [],
      contacts: [{ id: `c-${id}1`, name: `${first} ${last}`, title: "Admin" }],
    });
  }
  return { deals, customers };
}

// ---------------------------------------------------------------- accounting

interface Vendor {
  id: string;
  name: string;
  account: string;
  /** Typical bill range in whole dollars. */
  min: number;
  max: number;
  item: string;
}

const vendors: Vendor[] = [
  { id: "v-01", name: "Office Depot", account: "Office Supplies", min: 40, max: 900, item: "Office supplies" },
  { id: "v-02", name: "Acme Consulting", account: "Consulting", min: 2000, max: 9000, item: "Consulting services" },
  { id: "v-03", name: "Amazon Web Services", account: "Hosting", min: 900, max: 6000, item: "Cloud hosting" },
  { id: "v-04", name: "Google Ads", account: "Marketing", min: 500, max: 4000, item: "Search campaigns" },
  { id: "v-05", name: "LinkedIn Marketing", account: "Marketing", min: 400, max: 3000, item: "Sponsored content" },
  { id: "v-06", name: "Meta Ads", account: "Marketing", min: 300, max: 2500, item: "Social campaigns" },
  { id: "v-07", name: "Brightline Events", account: "Marketing", min: 800, max: 5000, item: "Event sponsorship" },
  { id: "v-08", name: "Atlassian", account: "Software", min: 200, max: 1500, item: "Jira and Confluence seats" },
  { id: "v-09", name: "Slack Technologies", account: "Software", min: 150, max: 1200, item: "Slack seats" },
  { id: "v-10", name: "Zoom Video", account: "Software", min: 100, max: 700, item: "Zoom licences" },
  { id: "v-11", name: "Figma", account: "Software", min: 90, max: 600, item: "Figma seats" },
  { id: "v-12", name: "Datadog", account: "Hosting", min: 400, max: 2500, item: "Monitoring" },
  { id: "v-13", name: "Cushman Properties", account: "Rent", min: 3000, max: 9000, item: "Office rent" },
  { id: "v-14", name: "City Power & Light", account: "Utilities", min: 150, max: 900, item: "Electricity" },
  { id: "v-15", name: "Comcast Business", account: "Utilities", min: 90, max: 400, item: "Internet" },
  { id: "v-16", name: "FedEx", account: "Shipping", min: 20, max: 500, item: "Shipping" },
  { id: "v-17", name: "Dell Technologies", account: "Equipment", min: 600, max: 4000, item: "Laptops" },
  { id: "v-18", name: "Delta Air Lines", account: "Travel", min: 200, max: 1800, item: "Flights" },
  { id: "v-19", name: "Marriott Hotels", account: "Travel", min: 150, max: 1200, item: "Hotel" },
  { id: "v-20", name: "Staples", account: "Office Supplies", min: 30, max: 600, item: "Stationery" },
  { id: "v-21", name: "Baker & Lowe LLP", account: "Legal", min: 800, max: 6000, item: "Legal services" },
  { id: "v-22", name: "Canva", account: "Marketing", min: 30, max: 300, item: "Design subscription" },
];
const acmeConsulting = vendors[1]!;
const officeDepot = vendors[0]!;

const billStatusCycle: Invoice["status"][] = [
  "PAID",
  "PAID",
  "AUTHORISED",
  "PAID",
  "PAID",
  "AUTHORISED",
  "PAID",
  "PAID",
  "PAID",
  "AUTHORISED",
  "PAID",
  "PAID",
  "PAID",
  "AUTHORISED",
  "PAID",
  "PAID",
  "PAID",
  "AUTHORISED",
  "PAID",
  "SUBMITTED",
];

export interface AccountingOptions {
  now: number;
  seed: number;
  bills: number;
  bankTransactions: number;
  /** Customer names for receipts; any non-empty list. */
  customerNames: string[];
}

function billUrl(id: string): string {
  return `${XERO_BASE_URL}/AccountsPayable/View.aspx?InvoiceID=${id}`;
}

/**
 * One month of books. Every bill has a matching purchase order except #4729; #4801 repeats
 * #4756; every bank line is reconciled except the wire, the refund and the bank fee; P&L
 * expenses are the posted bills and coded card spends per account, with Marketing exactly
 * 18% above the previous month.
 */
export function generateAccounting(options: AccountingOptions): DemoAccounting {
  const { now, seed } = options;
  const rand = mulberry32(seed ^ 0x5e6f);
  const month = monthOf(now);
  const prev = previousMonth(month);
  const anchorDay = new Date(now).getUTCDate();
  const dates: string[] = [];
  for (let d = 1; d <= anchorDay; d++) dates.push(`${month}-${String(d).padStart(2, "0")}`);
  const dateAt = (frac: number) => dates[Math.min(dates.length - 1, Math.floor(frac * dates.length))]!;

  const invoices: Invoice[] = [];
  const purchaseOrders: PurchaseOrder[] = [];
  const bank: BankTransaction[] = [];
  const expenseCents = new Map<string, number>();
  const addExpense = (account: string, cents: number) =>
    expenseCents.set(account, (expenseCents.get(account) ?? 0) + cents);
  // (vendor, cents) pairs already billed: generic bills never look like duplicates.
  const billed = new Set<string>();
  let poSeq = 1000;

  const addBill = (
    number: string,
    vendor: Vendor,
    cents: number,
    date: string,
    status: Invoice["status"],
    po: string | undefined | null,
    reference: string,
    description: string,
  ) => {
    const id = `inv-${number}`;
    let poNumber: string | undefined;
    if (po === null) {
      poNumber = undefined;
    } else if (po !== undefined) {
      poNumber = po;
    } else {
      poNumber = `PO-${poSeq++}`;
      purchaseOrders.push({
        id: `po-${poNumber.slice(3)}`,
        number: poNumber,
        contact: { id: vendor.id, name: vendor.name },
        date: dates[Math.max(0, dates.indexOf(date) - 3)]!,
        total: cents / 100,
        status: status === "PAID" || status === "AUTHORISED" ? "BILLED" : "AUTHORISED",
      });
    }
    const invoice: Invoice = {
      id,
      number,
      type: "ACCPAY",
      contact: { id: vendor.id, name: vendor.name },
      date,
      dueDate: `${month}-28`,
      total: cents / 100,
      currency: DEMO_CURRENCY,
      status,
      reference,
      ...(poNumber ? { purchaseOrderNumber: poNumber } : {}),
      lines: [{ description, account: vendor.account, amount: cents / 100 }],
      url: billUrl(id),
    };
    invoices.push(invoice);
    billed.add(`${vendor.id}:${cents}`);
    if (status === "PAID" || status === "AUTHORISED") addExpense(vendor.account, cents);
    return invoice;
  };

  // Named bills first, so generic ones steer clear of their amounts.
  const original = addBill(
    "4756",
    officeDepot,
    45_000,
    dateAt(0.3),
    "PAID",
    undefined,
    "OD-88123",
    "Printer toner and paper",
  );
  addBill("4729", acmeConsulting, 850_000, dateAt(0.55), "SUBMITTED", null, "AC-2026-11", "Process review workshop");
  // The duplicate: same vendor, amount, reference and PO as #4756, entered again later.
  addBill(
    "4801",
    officeDepot,
    45_000,
    dateAt(0.8),
    "SUBMITTED",
    original.purchaseOrderNumber,
    "OD-88123",
    "Printer toner and paper",
  );

  const special = new Set(["4729", "4756", "4801"]);
  let number = 4600;
  for (let i = 0; i < options.bills - 3; i++) {
    while (special.has(String(number))) number++;
    const vendor = vendors[i % vendors.length]!;
    // Acme Consulting bills always come with a PO; only #4729 lacks one.
    let cents = between(rand, vendor.min * 100, vendor.max * 100);
    // Never the named bank exceptions' amounts, so nothing in the books can explain them.
    while (billed.has(`${vendor.id}:${cents}`) || cents === 210_000 || cents === 1250) cents += 1;
    const status = billStatusCycle[i % billStatusCycle.length]!;
    addBill(
      String(number),
      vendor,
      cents,
      dateAt(rand()),
      status,
      undefined,
      `${vendor.name.slice(0, 3).toUpperCase()}-${number}`,
      `${vendor.item} (${month})`,
    );
    number++;
  }

  let seq = 0;
  const txId = () => `bt-${String(++seq).padStart(7, "0")}`;
  // Bill payments, reconciled against the bill.
  for (const inv of invoices) {
    if (inv.status !== "PAID") continue;
    if (bank.length >= options.bankTransactions - 3) break;
    bank.push({
      id: txId(),
      date: inv.date,
      amount: -inv.total,
      kind: "SPEND",
      contact: inv.contact.name,
      reference: inv.number,
      description: `Payment to ${inv.contact.name}`,
      reconciled: true,
      matchedTo: inv.id,
      bankAccount: DEMO_BANK_ACCOUNT,
    });
  }
  // The three exceptions: not reconciled, nothing in the books to match.
  const exceptions: BankTransaction[] = [
    {
      id: scenario.bank.wire,
      date: dateAt(0.62),
      amount: -2100,
      kind: "SPEND",
      reference: "WIRE 448120",
      description: "Outgoing wire transfer - no remittance details",
      reconciled: false,
      bankAccount: DEMO_BANK_ACCOUNT,
    },
    {
      id: scenario.bank.refund,
      date: dateAt(0.7),
      amount: 350,
      kind: "RECEIVE",
      reference: "REFUND 93311",
      description: "Incoming refund - originator unknown",
      reconciled: false,
      bankAccount: DEMO_BANK_ACCOUNT,
    },
    {
      id: scenario.bank.fee,
      date: dateAt(0.99),
      amount: -12.5,
      kind: "SPEND",
      contact: "Chase Bank",
      reference: "SVC FEE",
      description: "Monthly account service fee",
      reconciled: false,
      bankAccount: DEMO_BANK_ACCOUNT,
    },
  ];
  // The rest: customer receipts and coded card spends (Xero "receive/spend money" entries),
  // all reconciled. The first card spend is the Google Ads auto-charge that settles
  // Marketing to exactly +18% below, so it is created last.
  const cardMerchants = [
    { name: "Uber", account: "Travel", min: 900, max: 6000 },
    { name: "Starbucks", account: "Meals", min: 400, max: 3000 },
    { name: "GitHub", account: "Software", min: 400, max: 2100 },
    { name: "Notion", account: "Software", min: 800, max: 1600 },
    { name: "DoorDash", account: "Meals", min: 1500, max: 9000 },
  ];
  const fillers = Math.max(0, options.bankTransactions - bank.length - exceptions.length - 1);
  let incomeCents = 0;
  const names = options.customerNames.length > 0 ? options.customerNames : ["Customer"];
  for (let i = 0; i < fillers; i++) {
    const date = dates[i % dates.length]!;
    if (i % 5 < 3) {
      const cents = between(rand, 30_000, 200_000);
      incomeCents += cents;
      bank.push({
        id: txId(),
        date,
        amount: cents / 100,
        kind: "RECEIVE",
        contact: names[i % names.length],
        reference: `SUB-${100000 + i}`,
        description: "Subscription payment",
        reconciled: true,
        matchedTo: `RM-${100000 + i}`,
        bankAccount: DEMO_BANK_ACCOUNT,
      });
    } else {
      const m = cardMerchants[i % cardMerchants.length]!;
      const cents = between(rand, m.min, m.max);
      addExpense(m.account, cents);
      bank.push({
        id: txId(),
        date,
        amount: -cents / 100,
        kind: "SPEND",
        contact: m.name,
        reference: `CARD ${4000 + (i % 5000)}`,
        description: `Card purchase - ${m.name}`,
        reconciled: true,
        matchedTo: `SM-${100000 + i}`,
        bankAccount: DEMO_BANK_ACCOUNT,
      });
    }
  }
  // Marketing: previous month P (whole hundreds), current exactly P x 1.18.
  const base = 120_000;
  const marketingSoFar = (expenseCents.get("Marketing") ?? 0) + base;
  const previousMarketing = Math.max(100, Math.round(marketingSoFar / 1.18 / 10_000)) * 10_000;
  const targetMarketing = (previousMarketing * 118) / 100;
  const adjust = base + (targetMarketing - marketingSoFar);
  addExpense("Marketing", adjust);
  bank.push({
    id: txId(),
    date: dateAt(0.5),
    amount: -adjust / 100,
    kind: "SPEND",
    contact: "Google Ads",
    reference: "ADS AUTOCHARGE",
    description: "Card purchase - Google Ads auto-charge",
    reconciled: true,
    matchedTo: "SM-ADS",
    bankAccount: DEMO_BANK_ACCOUNT,
  });
  for (const e of exceptions) bank.push(e);
  // Statement order: by date, then creation order. A bucket pass, not a comparison sort:
  // a month has at most 31 dates and this runs over 1,000,000 rows in benchmarks.
  const dayIndex = new Map(dates.map((d, i) => [d, i]));
  const buckets: BankTransaction[][] = dates.map(() => []);
  for (const tx of bank) buckets[dayIndex.get(tx.date)!]!.push(tx);
  const statement = buckets.flat();

  const payrollCents = 18_000_000 * Math.max(1, Math.round(options.bills / 250));
  addExpense("Wages and Salaries", payrollCents);
  const accounts = [...expenseCents.keys()].sort();
  const current = makePnl(
    month,
    [{ account: "Sales", cents: incomeCents }],
    accounts.map((a) => ({ account: a, cents: expenseCents.get(a)! })),
  );
  const drift = mulberry32(seed ^ 0x7788);
  const previous = makePnl(
    prev,
    [{ account: "Sales", cents: Math.round(incomeCents / 1.03) }],
    accounts.map((a) => ({
      account: a,
      // Other accounts move within +/-6%, so Marketing's +18% is the variance that stands out.
      cents: a === "Marketing" ? previousMarketing : Math.round(expenseCents.get(a)! / (1 + (drift() * 0.12 - 0.06))),
    })),
  );
  return {
    month,
    previousMonth: prev,
    invoices,
    purchaseOrders,
    bankTransactions: statement,
    pnl: { [month]: current, [prev]: previous },
  };
}

function makePnl(
  month: Month,
  income: { account: string; cents: number }[],
  expenses: { account: string; cents: number }[],
): ProfitAndLoss {
  const ti = income.reduce((s, l) => s + l.cents, 0);
  const te = expenses.reduce((s, l) => s + l.cents, 0);
  return {
    month,
    currency: DEMO_CURRENCY,
    income: income.map((l) => ({ account: l.account, amount: l.cents / 100 })),
    expenses: expenses.map((l) => ({ account: l.account, amount: l.cents / 100 })),
    totalIncome: ti / 100,
    totalExpenses: te / 100,
    netProfit: (ti - te) / 100,
  };
}
