/**
 * The organisation's facts as the eval's expectations need them, read from its ports (the
 * same systems the bot reads) and computed here, independently of the tools' own analysis:
 * blocked sprint issues longest-blocked first, deals closing this month that are still open,
 * unreconciled bank lines, bills awaiting approval, revenue over a quarter.
 */
import type { BankTransaction, Invoice } from "../../src/core/domain/accounting.ts";
import type { ClosedDeal, Customer, Deal } from "../../src/core/domain/crm.ts";
import type { JiraIssue, Sprint } from "../../src/core/domain/jira.ts";
import type { World } from "./world.ts";

export interface Blocked {
  issue: JiraIssue;
  reason: string;
  days: number;
}

export interface OrgData {
  org: World["org"];
  now: number;
  currency: string;
  projectKey: string;
  /** Months as YYYY-MM in the organisation's timezone. */
  thisMonth: string;
  lastMonth: string;
  /** The month the close is about (the month that ended during the first ten days). */
  closeMonth: string;
  sprint: Sprint;
  sprintIssues: JiraIssue[];
  donePct: number;
  blocked: Blocked[];
  open: Deal[];
  /** Open deals of each owner, biggest first. */
  byOwner: Map<string, Deal[]>;
  closingThisMonth: Deal[];
  closed: ClosedDeal[];
  customers: Customer[];
  /** Customers whose usage fell by 30 % or more, or whose payment failed, worst first. */
  atRisk: Customer[];
  bills: Invoice[];
  /** Sales invoices (ACCREC, what customers owe us) in the books, any month. */
  salesInvoices: Invoice[];
  /** Assignees of the project's recent issues: the teammates daybook knows by name. */
  assignees: string[];
  awaitingApproval: Invoice[];
  /** Bills awaiting approval that claim no purchase order. */
  withoutPo: Invoice[];
  unreconciled: BankTransaction[];
  /** Bills sharing a vendor and vendor reference: [duplicate, original]. */
  duplicates: [Invoice, Invoice][];
  /** Income per month of the current quarter so far, and their sum. */
  quarterMonths: string[];
  quarterRevenue: number;
  thisMonthRevenue: number;
  lastMonthIncome: number;
  lastMonthExpenses: number;
  lastMonthNet: number;
  /** People by role, as configured: the names a reply may use. */
  people: { id: string; name: string; roles: string[] }[];
  timeZone: string;
  /** Customers whose contract renews next month (renewal date, else start plus term), soonest first. */
  renewingNextMonth: { customer: Customer; date: string }[];
  /** Contracts renewing in the next 90 days, soonest first, with whole days left from the local today. */
  renewals: { customer: Customer; date: string; daysLeft: number }[];
  /** Points resolved inside each of the last three closed sprints, oldest first. */
  velocity: { sprint: string; points: number }[];
  /** Open issues of the active sprint and their points. */
  carryOver: { issues: number; points: number };
  /** Issues resolved in the previous calendar week (Monday to Sunday, local), and their points. */
  lastWeekDone: { issues: number; points: number; from: string; to: string };
  /** The close month's income and expenses against its budget (pro rata by days for a month in progress). */
  budget: { income: number; budgetIncome: number; expenses: number; budgetExpenses: number };
  /** Cash at the end of last month and the average net burn (spent - received) of the 3 whole months before this one. */
  runway: { balance: number; burn: number };
  /**
   * The last full quarter (the quarterly business review's): its label, revenue (total income of
   * its three months), the revenue of the quarter before and of the same quarter a year earlier,
   * and the deals won inside it.
   */
  lastQuarter: { label: string; revenue: number; previous: number; yearAgo: number; won: number; wonAmount: number };
  /** The open pipeline: every open deal's amount. */
  pipeline: number;
  /** The org config's price list (proposals). */
  priceList: NonNullable<World["config"]["sales"]>["priceList"];
  /** The company that asked for pricing this morning (the profile's hot deal). */
  hotCompany: string;
  /** The deal with tomorrow's demo: its company and what its discovery notes and email say (the profile's seed). */
  demoDeal: World["data"]["profile"]["deals"]["demo"];
}

/** YYYY-MM-DD plus whole months, on the month's last day when the day does not exist. */
function plusMonths(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0));
  return new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), Math.min(d, last.getUTCDate())))
    .toISOString()
    .slice(0, 10);
}

/** The Monday-to-Sunday week before the one holding `now`, in `tz`, and what was resolved in it. */
function lastWeekDone(issues: readonly JiraIssue[], now: number, tz: string) {
  const local = new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(new Date(now));
  const weekday = (new Date(`${local}T00:00:00Z`).getUTCDay() + 6) % 7;
  const monday = Date.parse(`${local}T00:00:00Z`) - (weekday + 7) * DAY;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const from = day(monday);
  const to = day(monday + 6 * DAY);
  const resolvedDay = (iso: string) => new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(new Date(iso));
  const done = issues.filter(
    (i) => i.resolvedAt && resolvedDay(i.resolvedAt) >= from && resolvedDay(i.resolvedAt) <= to,
  );
  return { issues: done.length, points: done.reduce((s, i) => s + (i.storyPoints ?? 0), 0), from, to };
}

function renewsOn(c: Customer): string | undefined {
  if (c.renewalDate) return c.renewalDate;
  return c.contractStartDate && c.termMonths ? plusMonths(c.contractStartDate, c.termMonths) : undefined;
}

function monthIn(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(new Date(ms))
    .reduce<Record<string, string>>((acc, p) => Object.assign(acc, { [p.type]: p.value }), {});
  return `${parts.year}-${parts.month}`;
}

function dayIn(ms: number, timeZone: string): number {
  return Number(new Intl.DateTimeFormat("en-CA", { timeZone, day: "2-digit" }).format(new Date(ms)));
}

function shift(month: string, by: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

const DAY = 86_400_000;

export async function loadOrgData(world: World): Promise<OrgData> {
  const { ports, config } = world;
  const now = Date.parse(world.at);
  const tz = config.timezone;
  const thisMonth = monthIn(now, tz);
  const lastMonth = shift(thisMonth, -1);
  const closeMonth = dayIn(now, tz) <= 10 ? lastMonth : thisMonth;

  const sprint = await ports.jira.getActiveSprint();
  if (!sprint) throw new Error(`${world.org} has no active sprint`);
  const sprintIssues = [...(await ports.jira.getSprintIssues(sprint.id))];
  const points = (issues: JiraIssue[]) => issues.reduce((sum, i) => sum + (i.storyPoints ?? 0), 0);
  const donePct = (100 * points(sprintIssues.filter((i) => i.statusCategory === "done"))) / points(sprintIssues);
  const blocked = sprintIssues
    .filter((i) => i.statusCategory !== "done" && (i.blockedBy.length > 0 || i.flagged || /blocked/i.test(i.status)))
    .map((issue) => ({
      issue,
      reason: issue.blockedBy[0] ?? issue.status,
      days: Math.floor((now - Date.parse(issue.statusChangedAt ?? issue.updated)) / DAY),
    }))
    .sort((a, b) => b.days - a.days);

  const open = [...(await ports.crm.listOpenDeals())];
  const byOwner = new Map<string, Deal[]>();
  for (const deal of [...open].sort((a, b) => b.amount - a.amount)) {
    const owner = deal.ownerName ?? deal.ownerId;
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), deal]);
  }
  const closingThisMonth = open.filter((d) => d.closeDate?.slice(0, 7) === thisMonth);
  const closed = [...(await ports.crm.listClosedDeals(`${shift(thisMonth, -3)}-01`))];
  const customers = [...(await ports.crm.listCustomers())];
  const atRisk = customers
    .filter((c) => c.usageChange <= -0.3 || c.lastFailedPaymentAt !== undefined)
    .sort((a, b) => a.usageChange - b.usageChange);

  const bills = [
    ...(await ports.accounting.listInvoices({ month: closeMonth, type: "ACCPAY" })),
    ...(closeMonth === thisMonth ? [] : await ports.accounting.listInvoices({ month: thisMonth, type: "ACCPAY" })),
  ];
  const awaitingApproval = bills.filter((b) => b.status === "SUBMITTED" || b.status === "DRAFT");
  const unreconciled = [...(await ports.accounting.listBankTransactions(closeMonth))].filter((t) => !t.reconciled);
  const duplicates: [Invoice, Invoice][] = [];
  const seen = new Map<string, Invoice>();
  for (const bill of [...bills].sort((a, b) => a.date.localeCompare(b.date) || a.number.localeCompare(b.number))) {
    if (!bill.reference || bill.status === "VOIDED" || bill.status === "DELETED") continue;
    const ref = `${bill.contact.name}|${bill.reference.split(" ")[0]}`;
    const first = seen.get(ref);
    if (first) duplicates.push([bill, first]);
    else seen.set(ref, bill);
  }

  const quarterStart = shift(thisMonth, -((Number(thisMonth.slice(5)) - 1) % 3));
  const quarterMonths = [0, 1, 2].map((i) => shift(quarterStart, i)).filter((m) => m <= thisMonth);
  const income = async (month: string) => (await ports.accounting.getProfitAndLoss(month)).totalIncome;
  const incomes = await Promise.all(quarterMonths.map(income));
  const last = await ports.accounting.getProfitAndLoss(lastMonth);
  const cents = (n: number) => Math.round(n * 100) / 100;
  const closePnl = await ports.accounting.getProfitAndLoss(closeMonth);
  const plan = await ports.accounting.getBudget!(closeMonth);
  const closeDays = new Date(Date.UTC(Number(closeMonth.slice(0, 4)), Number(closeMonth.slice(5, 7)), 0)).getUTCDate();
  const share = closeMonth === thisMonth && dayIn(now, tz) < closeDays ? dayIn(now, tz) / closeDays : 1;
  const planned = (lines: { amount: number }[]) => cents(lines.reduce((a, l) => a + cents(l.amount * share), 0));
  const cash = await Promise.all([-3, -2, -1].map((by) => ports.accounting.getCashSummary!(shift(thisMonth, by))));
  // The quarterly review's quarter: the one before the current quarter, whole.
  const lqStart = shift(quarterStart, -3);
  const quarterIncome = async (start: string) =>
    cents((await Promise.all([0, 1, 2].map((i) => income(shift(start, i))))).reduce((a, b) => a + b, 0));
  const lqEnd = new Date(Date.UTC(Number(lqStart.slice(0, 4)), Number(lqStart.slice(5, 7)) + 2, 0))
    .toISOString()
    .slice(0, 10);
  const lqWon = [...(await ports.crm.listClosedDeals(`${lqStart}-01`))].filter(
    (deal) =>
      deal.outcome === "won" && deal.closeDate.slice(0, 10) >= `${lqStart}-01` && deal.closeDate.slice(0, 10) <= lqEnd,
  );

  return {
    org: world.org,
    now,
    currency: world.data.profile.currency,
    projectKey: world.data.profile.projectKey,
    priceList: config.sales?.priceList,
    lastQuarter: {
      label: `Q${Math.floor((Number(lqStart.slice(5)) - 1) / 3) + 1} ${lqStart.slice(0, 4)}`,
      revenue: await quarterIncome(lqStart),
      previous: await quarterIncome(shift(lqStart, -3)),
      yearAgo: await quarterIncome(shift(lqStart, -12)),
      won: lqWon.length,
      wonAmount: lqWon.reduce((a, deal) => a + deal.amount, 0),
    },
    pipeline: open.reduce((a, deal) => a + deal.amount, 0),
    hotCompany: world.data.profile.deals.hot.company,
    demoDeal: world.data.profile.deals.demo,
    thisMonth,
    lastMonth,
    closeMonth,
    sprint,
    sprintIssues,
    donePct,
    blocked,
    open,
    byOwner,
    closingThisMonth,
    closed,
    customers,
    atRisk,
    bills,
    salesInvoices: [...(await ports.accounting.listInvoices({ type: "ACCREC" }))],
    assignees: [
      ...new Set(
        (await ports.jira.searchIssues({ limit: 50 })).items.map((i) => i.assignee).filter((a): a is string => !!a),
      ),
    ],
    awaitingApproval,
    withoutPo: awaitingApproval.filter((b) => !b.purchaseOrderNumber),
    unreconciled,
    duplicates,
    quarterMonths,
    quarterRevenue: incomes.reduce((a, b) => a + b, 0),
    thisMonthRevenue: await income(thisMonth),
    lastMonthIncome: last.totalIncome,
    lastMonthExpenses: last.totalExpenses,
    lastMonthNet: last.netProfit,
    budget: {
      income: closePnl.totalIncome,
      budgetIncome: planned(plan.income),
      expenses: closePnl.totalExpenses,
      budgetExpenses: planned(plan.expenses),
    },
    runway: {
      balance: cash[2]!.closing,
      burn: cents(cash.reduce((a, c) => a + c.spent - c.received, 0) / 3),
    },
    people: config.users.map((u) => ({ id: u.id, name: u.name, roles: u.roles })),
    timeZone: tz,
    renewals: customers
      .map((customer) => {
        const date = renewsOn(customer) ?? "";
        const today = new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(new Date(now));
        return { customer, date, daysLeft: Math.round((Date.parse(date) - Date.parse(today)) / DAY) };
      })
      .filter((r) => r.date !== "" && r.daysLeft >= 0 && r.daysLeft <= 90)
      .sort((a, b) => a.daysLeft - b.daysLeft || b.customer.arr - a.customer.arr),
    velocity: await Promise.all(
      (await ports.jira.listClosedSprints(3)).map(async (s) => {
        const [from, to] = [Date.parse(s.startDate ?? ""), Date.parse(s.endDate ?? "")];
        const done = [...(await ports.jira.getSprintIssues(s.id))].filter(
          (i) => i.resolvedAt !== undefined && Date.parse(i.resolvedAt) >= from && Date.parse(i.resolvedAt) <= to,
        );
        return { sprint: s.name, points: points(done) };
      }),
    ),
    carryOver: {
      issues: sprintIssues.filter((i) => i.statusCategory !== "done").length,
      points: points(sprintIssues.filter((i) => i.statusCategory !== "done")),
    },
    lastWeekDone: lastWeekDone(world.data.jira.issues, now, tz),
    renewingNextMonth: customers
      .map((customer) => ({ customer, date: renewsOn(customer) ?? "" }))
      .filter((r) => r.date.slice(0, 7) === shift(thisMonth, 1))
      .sort((a, b) => a.date.localeCompare(b.date) || b.customer.arr - a.customer.arr),
  };
}
