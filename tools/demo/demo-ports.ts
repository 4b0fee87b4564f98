/**
 * JiraPort, CrmPort and AccountingPort over the in-memory demo organisation: the default when
 * no credentials are configured. Writes change the in-memory state (a logged call shows up in
 * the next read) and honour idempotency keys: the same key twice writes once and returns the
 * first result, as the approval executor relies on (ARCHITECTURE.md, decision 1).
 *
 * Rows are replaced, never mutated in place, so a caller holding an earlier read keeps a
 * consistent snapshot.
 */
import type { Clock } from "../../src/core/clock.ts";
import type {
  AccountingPort,
  BankLineCoding,
  BankTransaction,
  Invoice,
  InvoiceQuery,
  InvoiceStatus,
  ProfitAndLoss,
  PurchaseOrder,
} from "../../src/core/domain/accounting.ts";
import type { Month, Page, WriteOptions } from "../../src/core/domain/common.ts";
import type {
  ClosedDeal,
  CrmActivity,
  CrmPort,
  Customer,
  CustomerDetail,
  Deal,
  DealDetail,
  NewCrmActivity,
  NewCrmDeal,
  NewCrmTask,
} from "../../src/core/domain/crm.ts";
import type {
  IssueQuery,
  JiraComment,
  JiraIssue,
  JiraIssueDetail,
  JiraPort,
  NewJiraIssue,
  NewJiraSubtask,
  Sprint,
} from "../../src/core/domain/jira.ts";
import type { Ports } from "../../src/core/domain/ports.ts";
import { DaybookError } from "../../src/core/errors.ts";
import { codeDemoLine, demoChart } from "./bank-coding.ts";
import { DEMO_DEAL_STAGES } from "./crm.ts";
import { demoBudget, demoCashSummary } from "./finance.ts";
import { type DemoOrg, type DemoProfile, type DemoVolumes, generateDemoOrg } from "./generate.ts";

export interface DemoPortsOptions {
  clock: Clock;
  scale?: number;
  seed?: number;
  volumes?: DemoVolumes;
  /** Use an already generated organisation (benchmarks, tests); it is copied, never mutated. */
  org?: DemoOrg;
  /** Generate this organisation instead of the demo's Northwind (the second-organisation tests). */
  profile?: DemoProfile;
}

export interface DemoPorts extends Ports {
  /** The live organisation behind the ports (after writes). For tests and the docs generator. */
  readonly org: DemoOrg;
  /** Follow-up tasks created through `crm.createTask` (the demo CRM's task list). */
  readonly crmTasks: (NewCrmTask & { id: string })[];
}

const OPEN_DEAL = (d: Deal) => !/^closed/i.test(d.stage);

function outcomeOf(stage: string): ClosedDeal["outcome"] | undefined {
  if (/^closed\s*won/i.test(stage)) return "won";
  if (/^closed\s*lost/i.test(stage)) return "lost";
  return undefined;
}

/** Remembers each idempotency key's first result; replays it for the same key. */
class Idempotency {
  #done = new Map<string, unknown>();
  async once<T>(scope: string, options: WriteOptions, write: () => T): Promise<T> {
    if (!options?.idempotencyKey) throw new DaybookError("bad_request", "write without an idempotency key");
    const key = `${scope}:${options.idempotencyKey}`;
    if (this.#done.has(key)) return this.#done.get(key) as T;
    const result = write();
    this.#done.set(key, result);
    return result;
  }
}

function notFound(what: string): DaybookError {
  return new DaybookError("not_found", `${what} not found in the demo organisation`, {
    userMessage: `I could not find ${what}.`,
  });
}

function stripDetail<T extends { comments?: unknown; description?: unknown }>(
  issue: T,
): Omit<T, "comments" | "description"> {
  const { comments: _c, description: _d, ...rest } = issue;
  return rest;
}

function stripDeal(deal: DealDetail): Deal {
  const { activities: _a, ...rest } = deal;
  return rest;
}

function stripCustomer(c: CustomerDetail): Customer {
  const { activities: _a, contacts: _c, ...rest } = c;
  return rest;
}

function monthName(month: Month): string {
  return new Date(`${month}-01T00:00:00Z`).toLocaleDateString("en-US", {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
}

/** Normalises "#4729", "INV-4729", "inv-4729" and "4729" to one lookup form. */
function invoiceKey(value: string): string {
  return value.trim().replace(/^#/, "").replace(/^inv-/i, "").toLowerCase();
}

export function createDemoPorts(options: DemoPortsOptions): DemoPorts {
  const source =
    options.org ??
    generateDemoOrg({
      now: options.clock.now(),
      scale: options.scale,
      seed: options.seed,
      volumes: options.volumes,
      profile: options.profile,
    });
  // Shallow copies of the arrays: writes replace rows, so the source stays untouched.
  const org: DemoOrg = {
    ...source,
    jira: { ...source.jira, issues: [...source.jira.issues] },
    crm: { deals: [...source.crm.deals], customers: [...source.crm.customers] },
    accounting: {
      ...source.accounting,
      invoices: [...source.accounting.invoices],
      bank: { ...source.accounting.bank },
    },
  };
  const clock = options.clock;
  const idem = new Idempotency();
  let seq = 0;
  const nextId = (prefix: string) => `${prefix}-${++seq}`;

  const issueIndex = new Map<string, number>();
  for (const [i, issue] of org.jira.issues.entries()) issueIndex.set(issue.key, i);
  let nextIssueNumber = 1;
  for (const issue of org.jira.issues) {
    nextIssueNumber = Math.max(nextIssueNumber, 1 + (Number(issue.key.split("-")[1]) || 0));
  }
  const sprintKeys = new Set(org.jira.sprintIssueKeys);
  const dealIndex = new Map<string, number>();
  for (const [i, d] of org.crm.deals.entries()) dealIndex.set(d.id, i);
  const customerIndex = new Map<string, number>();
  for (const [i, c] of org.crm.customers.entries()) customerIndex.set(c.id, i);
  const invoiceIndex = new Map<string, number>();
  org.accounting.invoices.forEach((inv, i) => {
    invoiceIndex.set(invoiceKey(inv.id), i);
    invoiceIndex.set(invoiceKey(inv.number), i);
  });

  const getIssueDetail = (key: string): JiraIssueDetail => {
    const i = issueIndex.get(key.trim().toUpperCase());
    if (i === undefined) throw notFound(`issue ${key}`);
    return org.jira.issues[i]!;
  };

  const jira: JiraPort = {
    async getActiveSprint(): Promise<Sprint | undefined> {
      return org.jira.sprint;
    },
    async getSprintIssues(sprintId: number): Promise<JiraIssue[]> {
      if (sprintId !== org.jira.sprint.id) {
        // A closed sprint held the done history resolved inside its two weeks.
        const closed = org.jira.closedSprints.find((s) => s.id === sprintId);
        if (!closed?.startDate || !closed.endDate) return [];
        const [from, to] = [Date.parse(closed.startDate), Date.parse(closed.endDate)];
        return org.jira.issues
          .filter((i) => !sprintKeys.has(i.key) && i.resolvedAt !== undefined)
          .filter((i) => Date.parse(i.resolvedAt!) >= from && Date.parse(i.resolvedAt!) < to)
          .map(stripDetail);
      }
      return org.jira.issues.filter((i) => sprintKeys.has(i.key)).map(stripDetail);
    },
    async listClosedSprints(limit: number): Promise<Sprint[]> {
      return org.jira.closedSprints.slice(-Math.max(0, limit));
    },
    async searchIssues(query: IssueQuery): Promise<Page<JiraIssue>> {
      const text = query.text?.toLowerCase();
      const labels = query.labels?.map((l) => l.toLowerCase());
      const assignee = query.assignee?.toLowerCase();
      const updatedAfter =
        query.updatedWithinDays === undefined ? undefined : clock.now() - query.updatedWithinDays * 86_400_000;
      const matches = org.jira.issues.filter(
        (i) =>
          (text === undefined ||
            i.summary.toLowerCase().includes(text) ||
            i.key.toLowerCase() === text ||
            (i.description ?? "").toLowerCase().includes(text)) &&
          (query.statusCategory === undefined || i.statusCategory === query.statusCategory) &&
          (query.status === undefined || i.status.toLowerCase() === query.status.toLowerCase()) &&
          (assignee === undefined || (i.assignee ?? "").toLowerCase().includes(assignee)) &&
          (query.type === undefined || i.type.toLowerCase() === query.type.toLowerCase()) &&
          (labels === undefined || labels.some((l) => i.labels.some((x) => x.toLowerCase() === l))) &&
          (query.flagged === undefined || i.flagged === query.flagged) &&
          (query.sprintId === undefined || (query.sprintId === org.jira.sprint.id && sprintKeys.has(i.key))) &&
          (updatedAfter === undefined || Date.parse(i.updated) >= updatedAfter),
      );
      // Jira's default order for a search: most recently updated first.
      matches.sort((a, b) => (a.updated < b.updated ? 1 : a.updated > b.updated ? -1 : a.key < b.key ? -1 : 1));
      const start = query.cursor ? Number(query.cursor) || 0 : 0;
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 100);
      const items = matches.slice(start, start + limit).map(stripDetail);
      const next = start + limit < matches.length ? String(start + limit) : undefined;
      return next ? { items, next } : { items };
    },
    async getIssue(key: string): Promise<JiraIssueDetail> {
      return getIssueDetail(key);
    },
    async createIssue(input: NewJiraIssue, opts: WriteOptions) {
      return idem.once("jira.create", opts, () => {
        const key = `${org.jira.projectKey}-${nextIssueNumber++}`;
        const at = new Date(clock.now()).toISOString();
        const issue: JiraIssueDetail = {
          key,
          summary: input.summary,
          type: input.type,
          status: "To Do",
          statusCategory: "todo",
          ...(input.assignee ? { assignee: input.assignee } : {}),
          priority: input.priority ?? "Medium",
          labels: input.labels ?? [],
          flagged: false,
          blockedBy: [],
          created: at,
          updated: at,
          statusChangedAt: at,
          url: `${org.profile.urls.jira}/browse/${key}`,
          ...(input.description ? { description: input.description } : {}),
          ...(input.dueDate ? { dueDate: input.dueDate } : {}),
          ...(input.storyPoints !== undefined ? { storyPoints: input.storyPoints } : {}),
          comments: [],
        };
        issueIndex.set(key, org.jira.issues.length);
        org.jira.issues.push(issue);
        return { key, url: issue.url };
      });
    },
    async createSubtask(parentKey: string, input: NewJiraSubtask, opts: WriteOptions) {
      return idem.once("jira.subtask", opts, () => {
        const parent = getIssueDetail(parentKey);
        const key = `${org.jira.projectKey}-${nextIssueNumber++}`;
        const at = new Date(clock.now()).toISOString();
        const issue: JiraIssueDetail = {
          key,
          summary: input.summary,
          type: "Sub-task",
          status: "To Do",
          statusCategory: "todo",
          priority: "Medium",
          labels: [],
          flagged: false,
          blockedBy: [],
          created: at,
          updated: at,
          statusChangedAt: at,
          parent: parent.key,
          url: `${org.profile.urls.jira}/browse/${key}`,
          ...(input.description ? { description: input.description } : {}),
          comments: [],
        };
        issueIndex.set(key, org.jira.issues.length);
        org.jira.issues.push(issue);
        return { key, url: issue.url };
      });
    },
    async addComment(key: string, body: string, opts: WriteOptions) {
      return idem.once("jira.comment", opts, () => {
        const issue = getIssueDetail(key);
        const at = new Date(clock.now()).toISOString();
        const comment: JiraComment = { id: nextId("c-demo"), author: "daybook", created: at, body };
        org.jira.issues[issueIndex.get(issue.key)!] = { ...issue, updated: at, comments: [...issue.comments, comment] };
        return { id: comment.id };
      });
    },
  };

  const getDealDetail = (id: string): DealDetail => {
    const i = dealIndex.get(id.trim());
    if (i === undefined) throw notFound(`deal ${id}`);
    return org.crm.deals[i]!;
  };
  const getCustomerDetail = (id: string): CustomerDetail => {
    const i = customerIndex.get(id.trim());
    if (i === undefined) throw notFound(`customer ${id}`);
    return org.crm.customers[i]!;
  };

  const crmTasks: (NewCrmTask & { id: string })[] = [];
  const crm: CrmPort = {
    async listOpenDeals(filter?: { ownerId?: string }): Promise<Deal[]> {
      return org.crm.deals
        .filter((d) => OPEN_DEAL(d) && (filter?.ownerId === undefined || d.ownerId === filter.ownerId))
        .map(stripDeal);
    },
    async getDeal(id: string): Promise<DealDetail> {
      return getDealDetail(id);
    },
    async findDeals(name: string): Promise<Deal[]> {
      const q = name.trim().toLowerCase();
      if (q === "") return [];
      return org.crm.deals
        .filter((d) => d.name.toLowerCase().includes(q) || d.company.name.toLowerCase().includes(q))
        .map(stripDeal);
    },
    async listClosedDeals(since: string): Promise<ClosedDeal[]> {
      const from = Date.parse(since);
      if (Number.isNaN(from)) {
        throw new DaybookError("bad_request", "listClosedDeals: since is not an ISO date", {
          userMessage: "That start date is not a date I can read (use e.g. 2026-11-16).",
        });
      }
      const out: ClosedDeal[] = [];
      for (const d of org.crm.deals) {
        const outcome = outcomeOf(d.stage);
        if (!outcome || !d.closeDate || Date.parse(d.closeDate) < from) continue;
        out.push({ ...stripDeal(d), outcome, closeDate: d.closeDate });
      }
      return out.sort((a, b) => b.closeDate.localeCompare(a.closeDate) || a.id.localeCompare(b.id));
    },
    async listCustomers(): Promise<Customer[]> {
      return org.crm.customers.map(stripCustomer);
    },
    async findCustomers(name: string): Promise<Customer[]> {
      const q = name.trim().toLowerCase();
      if (q === "") return [];
      return org.crm.customers.filter((c) => c.name.toLowerCase().includes(q)).map(stripCustomer);
    },
    async getCustomer(id: string): Promise<CustomerDetail> {
      return getCustomerDetail(id);
    },
    async logActivity(input: NewCrmActivity, opts: WriteOptions) {
      return idem.once("crm.activity", opts, () => {
        const at = new Date(clock.now()).toISOString();
        const activity: CrmActivity = {
          id: nextId("a-demo"),
          type: input.type,
          at,
          summary: input.body,
          author: input.author?.name ?? "daybook",
          ...(input.type === "call" ? { direction: "outbound" as const } : {}),
        };
        if (input.target.kind === "deal") {
          const deal = getDealDetail(input.target.id);
          org.crm.deals[dealIndex.get(deal.id)!] = {
            ...deal,
            lastActivityAt: at,
            activities: [activity, ...deal.activities],
          };
        } else {
          const customer = findCompany(input.target.id);
          if (customer.kind === "customer") {
            const c = customer.value;
            org.crm.customers[customerIndex.get(c.id)!] = { ...c, activities: [activity, ...c.activities] };
          } else {
            // A prospect company: the note lands on each of its deals' timelines.
            for (const deal of customer.deals) {
              org.crm.deals[dealIndex.get(deal.id)!] = {
                ...deal,
                lastActivityAt: at,
                activities: [activity, ...deal.activities],
              };
            }
          }
        }
        return { id: activity.id };
      });
    },
    async updateDealStage(dealId: string, wanted: string, opts: WriteOptions) {
      // As HubSpot: a stage of the pipeline, named by its label in any case; anything else is refused.
      const stage = DEMO_DEAL_STAGES.find((s) => s.toLowerCase() === wanted.trim().toLowerCase());
      if (!stage) {
        throw new DaybookError("bad_request", "deal stage not in the pipeline", {
          userMessage: `The pipeline "Sales Pipeline" has no stage "${wanted.trim().slice(0, 60)}"; its stages are ${DEMO_DEAL_STAGES.join(", ")}.`,
        });
      }
      return idem.once("crm.stage", opts, () => {
        const deal = getDealDetail(dealId);
        const at = new Date(clock.now()).toISOString();
        const probability = /won/i.test(stage) ? 1 : /lost/i.test(stage) ? 0 : deal.probability;
        org.crm.deals[dealIndex.get(deal.id)!] = {
          ...deal,
          stage,
          probability,
          // Closing a deal dates it today, so an approved stage change shows up among this week's closed deals.
          ...(outcomeOf(stage) && !outcomeOf(deal.stage) ? { closeDate: at.slice(0, 10) } : {}),
          lastActivityAt: at,
          activities: [
            {
              id: nextId("a-demo"),
              type: "note",
              at,
              summary: `Stage changed: ${deal.stage} -> ${stage}`,
              author: "daybook",
            },
            ...deal.activities,
          ],
        };
        return { id: deal.id };
      });
    },
    async dealStages() {
      return [...DEMO_DEAL_STAGES];
    },
    async createTask(input: NewCrmTask, opts: WriteOptions) {
      if (Number.isNaN(Date.parse(input.dueAt))) throw new DaybookError("bad_request", "task due date is not a date");
      const company = findCompany(input.companyId);
      return idem.once("crm.task", opts, () => {
        const task = { ...input, id: nextId("t-demo") };
        crmTasks.push(task);
        if (company.kind === "customer") {
          const c = company.value;
          const note: CrmActivity = {
            id: nextId("a-demo"),
            type: "note",
            at: new Date(clock.now()).toISOString(),
            summary: `Task due ${input.dueAt}: ${input.subject}`,
            author: input.owner?.name ?? "daybook",
          };
          org.crm.customers[customerIndex.get(c.id)!] = { ...c, activities: [note, ...c.activities] };
        }
        return { id: task.id };
      });
    },
    async createDeal(input: NewCrmDeal, opts: WriteOptions) {
      const stage = DEMO_DEAL_STAGES.find((s) => s.toLowerCase() === input.stage.trim().toLowerCase());
      if (!stage) {
        throw new DaybookError("bad_request", "deal stage not in the pipeline", {
          userMessage: `The pipeline "Sales Pipeline" has no stage "${input.stage.trim().slice(0, 60)}"; its stages are ${DEMO_DEAL_STAGES.join(", ")}.`,
        });
      }
      const company = findCompany(input.companyId);
      const companyName =
        company.kind === "customer" ? company.value.name : (company.deals[0]?.company.name ?? input.companyId);
      return idem.once("crm.deal", opts, () => {
        const at = new Date(clock.now()).toISOString();
        const id = String(9000 + ++seq);
        const outcome = outcomeOf(stage);
        const owner = org.crm.deals.find((d) => d.ownerName === input.owner?.name);
        const deal: DealDetail = {
          id,
          name: input.name,
          company: { id: input.companyId, name: companyName },
          stage,
          amount: input.amount,
          currency: input.currency,
          probability: outcome === "won" ? 1 : outcome === "lost" ? 0 : 0.5,
          ...(outcome ? { closeDate: at.slice(0, 10) } : input.closeDate ? { closeDate: input.closeDate } : {}),
          ownerId: input.owner?.crmOwnerId ?? owner?.ownerId ?? "unassigned",
          ...(input.owner ? { ownerName: input.owner.name } : {}),
          lastActivityAt: at,
          url: `${org.profile.urls.crm}/deal/${id}`,
          activities: [],
        };
        dealIndex.set(id, org.crm.deals.length);
        org.crm.deals.push(deal);
        return { id, url: deal.url };
      });
    },
  };

  const findCompany = (
    id: string,
  ): { kind: "customer"; value: CustomerDetail } | { kind: "prospect"; deals: DealDetail[] } => {
    const ci = customerIndex.get(id);
    if (ci !== undefined) return { kind: "customer", value: org.crm.customers[ci]! };
    const deals = org.crm.deals.filter((d) => d.company.id === id);
    if (deals.length === 0) throw notFound(`company ${id}`);
    return { kind: "prospect", deals };
  };

  const getInvoiceRow = (idOrNumber: string): Invoice => {
    const i = invoiceIndex.get(invoiceKey(idOrNumber));
    if (i === undefined) throw notFound(`invoice ${idOrNumber}`);
    return org.accounting.invoices[i]!;
  };
  const setInvoiceStatus = (idOrNumber: string, status: InvoiceStatus, allowed: InvoiceStatus[]) => {
    const inv = getInvoiceRow(idOrNumber);
    if (!allowed.includes(inv.status)) {
      throw new DaybookError("conflict", `invoice ${inv.number} is ${inv.status}`, {
        userMessage: `Invoice #${inv.number} is already ${inv.status.toLowerCase()}, so it cannot be changed now.`,
      });
    }
    org.accounting.invoices[invoiceIndex.get(invoiceKey(inv.id))!] = { ...inv, status };
    return { id: inv.id, status };
  };

  const accounting: AccountingPort = {
    async listInvoices(query: InvoiceQuery): Promise<Invoice[]> {
      const contact = query.contact?.toLowerCase();
      const number = query.number === undefined ? undefined : invoiceKey(query.number);
      return org.accounting.invoices.filter(
        (inv) =>
          (query.month === undefined || inv.date.startsWith(query.month)) &&
          (query.type === undefined || inv.type === query.type) &&
          (query.status === undefined || inv.status === query.status) &&
          (contact === undefined || inv.contact.name.toLowerCase().includes(contact)) &&
          (number === undefined || invoiceKey(inv.number) === number),
      );
    },
    async getInvoice(idOrNumber: string): Promise<Invoice> {
      return getInvoiceRow(idOrNumber);
    },
    async listPurchaseOrders(month: Month): Promise<PurchaseOrder[]> {
      return org.accounting.purchaseOrders.filter((po) => po.date.startsWith(month));
    },
    async findPurchaseOrders(numbers: readonly string[]): Promise<PurchaseOrder[]> {
      const wanted = new Set(numbers.map((n) => n.trim().toUpperCase()));
      return org.accounting.purchaseOrders.filter((po) => wanted.has(po.number.toUpperCase()));
    },
    async baseCurrency(): Promise<string> {
      return org.profile.currency;
    },
    async listBankTransactions(month: Month): Promise<BankTransaction[]> {
      return org.accounting.bank[month] ?? [];
    },
    async getProfitAndLoss(month: Month): Promise<ProfitAndLoss> {
      const pnl = org.accounting.pnl[month];
      if (pnl) return pnl;
      const { months } = org.accounting;
      const first = months[0]!;
      const last = months[months.length - 1]!;
      // A month outside the books, as Xero answers for a period before the organisation's first
      // transactions: a not_found the caller can state in one line.
      throw new DaybookError("not_found", `no P&L for ${month} in the demo books (${first}..${last})`, {
        userMessage:
          month > last
            ? `There are no books for ${monthName(month)} yet.`
            : `The books start in ${monthName(first)}; there are no figures for ${monthName(month)}.`,
      });
    },
    async listAccounts() {
      return demoChart(org.accounting);
    },
    async codeBankTransaction(id: string, coding: BankLineCoding, opts: WriteOptions) {
      return idem.once("accounting.code-bank-line", opts, () =>
        codeDemoLine(org.accounting.bank, demoChart(org.accounting), id, coding),
      );
    },
    bankCodingNote: "The demo books code the line to the account and mark it reconciled.",
    async getBudget(month: Month) {
      return demoBudget(org.accounting, month);
    },
    async getCashSummary(month: Month) {
      return demoCashSummary(org.accounting, month, org.profile.currency, org.profile.organisation);
    },
    async approveInvoice(id: string, opts: WriteOptions) {
      return idem.once("accounting.approve", opts, () => setInvoiceStatus(id, "AUTHORISED", ["DRAFT", "SUBMITTED"]));
    },
    async rejectInvoice(id: string, _reason: string, opts: WriteOptions) {
      // Xero has no "rejected" bill state: a rejected bill is voided. The reason lives on the
      // approval record and in the audit log.
      return idem.once("accounting.reject", opts, () =>
        setInvoiceStatus(id, "VOIDED", ["DRAFT", "SUBMITTED", "AUTHORISED"]),
      );
    },
  };

  return { jira, crm, accounting, sources: { jira: "demo", crm: "demo", accounting: "demo" }, org, crmTasks };
}
