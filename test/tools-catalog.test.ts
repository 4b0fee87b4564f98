import type { StructuredToolInterface } from "@langchain/core/tools";
import { getEncoding } from "js-tiktoken";
import { describe, expect, it } from "vitest";
import { demoOrg } from "../src/config/demo-org.ts";
import { fixedClock } from "../src/core/clock.ts";
import { createToolCatalog, type ToolCatalog, writeActionNames } from "../tools/catalog.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { RESULT_BUDGET_CHARS, RESULT_BUDGET_TOKENS } from "../tools/shared/compact.ts";

const start = "2026-11-23T09:00:00Z";

function world(scale = 1) {
  const clock = fixedClock(start);
  const ports = createDemoPorts({ clock, scale });
  const catalog = createToolCatalog(ports, { clock });
  return { clock, ports, catalog };
}

function readTool(catalog: ToolCatalog, name: string): StructuredToolInterface {
  const entry = catalog.read.find((r) => r.tool.name === name);
  if (!entry) throw new Error(`no read tool ${name}`);
  return entry.tool;
}

async function call(catalog: ToolCatalog, name: string, args: Record<string, unknown> = {}) {
  const out = await readTool(catalog, name).invoke(args);
  expect(typeof out).toBe("string");
  return JSON.parse(out as string);
}

function action(catalog: ToolCatalog, name: string) {
  const a = catalog.actions.find((x) => x.name === name);
  if (!a) throw new Error(`no action ${name}`);
  return a;
}

describe("the tool catalog", () => {
  it("offers domain-prefixed snake_case read tools with example questions in every description", () => {
    const { catalog } = world();
    for (const { domain, tool } of catalog.read) {
      expect(tool.name).toMatch(new RegExp(`^${domain}_[a-z_]+$`));
      expect(tool.description).toMatch(/Examples?: "/);
    }
    expect(catalog.read.map((r) => r.tool.name)).toEqual([
      "jira_sprint_status",
      "jira_blockers",
      "jira_search_issues",
      "jira_get_issue",
      "jira_sprint_retro",
      "jira_week_plan",
      "crm_deals_by_priority",
      "crm_deal_detail",
      "crm_account_health",
      "crm_closed_deals",
      "crm_find",
      "crm_renewals",
      "crm_renewal_email_draft",
      "crm_call_prep",
      "crm_qbr_pipeline",
      "crm_meeting_prep",
      "accounting_invoices",
      "accounting_close_exceptions",
      "accounting_bank_transactions",
      "accounting_profit_and_loss",
      "accounting_budget_variance",
      "accounting_cash_runway",
      "accounting_qbr_finance",
    ]);
  });

  it("offers exactly the write actions the approval policies name, all needing approval", () => {
    const { catalog } = world();
    expect(catalog.actions.map((a) => a.name)).toEqual([...writeActionNames]);
    const policyNames = Object.keys(demoOrg.approvals).filter((k) => k !== "default");
    expect([...writeActionNames].sort()).toEqual(policyNames.sort());
    for (const a of catalog.actions) {
      expect(a.requiresApproval).toBe(true);
      expect(a.name.startsWith(`${a.domain}_`)).toBe(true);
    }
  });
});

describe("read tools over the demo organisation", () => {
  it("report the sprint at 72% done, 65% yesterday, with Sarah's review and two blockers", async () => {
    const { catalog } = world();
    const status = await call(catalog, "jira_sprint_status");
    expect(status.progress).toMatchObject({ donePct: 72, donePctYesterday: 65, totalPoints: 100 });
    expect(status.readyForReview).toEqual([expect.objectContaining({ key: "ENG-142", assignee: "Sarah Kim" })]);
    expect(status.blockers.map((b: { key: string }) => b.key)).toEqual(["ENG-145", "ENG-147"]);
    expect(status.atRisk).toHaveLength(2);
  });

  it("name Maria's wait on the Backend team (2 days) and David's expired AWS credentials as blockers", async () => {
    const { catalog } = world();
    const { blockers } = await call(catalog, "jira_blockers");
    expect(blockers[0]).toMatchObject({ owner: "Maria Garcia", blockedDays: 2, flagged: true });
    expect(blockers[0].detail).toMatch(/API spec from the Backend team/);
    expect(blockers[1]).toMatchObject({ owner: "David Okafor" });
    expect(blockers[1].detail).toMatch(/AWS credentials/);
    expect(blockers[1].url).toBe("https://demo.atlassian.net/browse/ENG-147");
  });

  it("search issues with structured filters and open one issue by key", async () => {
    const { catalog } = world();
    const found = await call(catalog, "jira_search_issues", { assignee: "maria", statusCategory: "in_progress" });
    expect(found.issues.map((i: { key: string }) => i.key)).toEqual(["ENG-145"]);
    const issue = await call(catalog, "jira_get_issue", { key: "eng-147" });
    expect(issue).toMatchObject({ key: "ENG-147", status: "Blocked" });
    expect(issue.comments[0].body).toMatch(/AWS credentials expired/);
  });

  it("refuse raw JQL-like keys and readable-fail on unknown issues", async () => {
    const { catalog } = world();
    await expect(readTool(catalog, "jira_get_issue").invoke({ key: "ENG-1 OR project=HR" })).rejects.toThrow();
    const missing = await call(catalog, "jira_get_issue", { key: "ENG-99999" });
    expect(missing).toEqual({ error: "I could not find issue ENG-99999.", code: "not_found" });
  });

  it("rank Alex's deals: Acme replied, Global's demo tomorrow, TechStart silent 5 days, BetaCo ghosted", async () => {
    const { catalog } = world();
    const result = await call(catalog, "crm_deals_by_priority", { ownerId: "owner-alex", limit: 25 });
    expect(result.openDeals).toBe(15);
    const byName = new Map(result.deals.map((d: { company: string }) => [d.company, d]));
    expect(result.deals[0]).toMatchObject({ company: "Acme Corp", amount: 250_000, urgency: ["replied"] });
    expect(byName.get("Global Industries")).toMatchObject({
      amount: 500_000,
      urgency: ["meeting_soon"],
      nextMeetingAt: "2026-11-24T14:00Z",
    });
    expect(byName.get("TechStart Inc")).toMatchObject({ urgency: ["silent"], silentDays: 5 });
    expect(byName.get("BetaCo")).toMatchObject({ urgency: ["ghosted"], amount: 120_000 });
  });

  it("show what Acme asked for in the deal's recent activity", async () => {
    const { catalog } = world();
    const acme = await call(catalog, "crm_deal_detail", { name: "Acme" });
    expect(acme).toMatchObject({
      id: "1001",
      probability: 0.85,
      url: "https://app.hubspot.com/contacts/demo/deal/1001",
    });
    expect(acme.activities[0]).toMatchObject({ direction: "inbound" });
    expect(acme.activities[0].summary).toMatch(/pricing for 500 users/);
  });

  it("answer which deals we won this week: Northwind and Keystone, with Silverline lost", async () => {
    const { catalog } = world();
    const week = await call(catalog, "crm_closed_deals");
    expect(week.since).toBe("2026-11-16");
    expect(week.won).toEqual({ deals: 2, amount: 138_500 });
    expect(week.lost).toEqual({ deals: 1, amount: 150_000 });
    expect(week.deals.map((d: { company: string; outcome: string }) => [d.company, d.outcome])).toEqual([
      ["Northwind Traders", "won"],
      ["Silverline Insurance", "lost"],
      ["Keystone Dental Group", "won"],
    ]);
    expect(week.deals[0]).toMatchObject({
      amount: 96_000,
      closeDate: "2026-11-21",
      owner: "Alex Rivera",
      url: "https://app.hubspot.com/contacts/demo/deal/1032",
    });
    const samWon = await call(catalog, "crm_closed_deals", { days: 30, outcome: "won", ownerId: "owner-sam" });
    expect(samWon.deals.map((d: { company: string }) => d.company)).toEqual([
      "Keystone Dental Group",
      "Redwood Outfitters",
    ]);
  });

  it("list BrightTech and DataFlow as high churn risk and explain BrightTech's signals", async () => {
    const { catalog } = world();
    const list = await call(catalog, "crm_account_health");
    expect(list.customers).toBe(200);
    expect(list.atRisk.slice(0, 2).map((c: { name: string }) => c.name)).toEqual(["BrightTech Inc", "DataFlow Corp"]);
    expect(list.atRisk[1].signals.join(" ")).toMatch(/payment failed/);
    const bright = await call(catalog, "crm_account_health", { customer: "BrightTech" });
    expect(bright).toMatchObject({ level: "high", usageChangePct: -65, adminLastLoginDaysAgo: 7, arr: 12_000 });
    expect(bright.openTickets).toEqual([{ id: "T-9812", subject: "Too complicated" }]);
    const quick = await call(catalog, "crm_account_health", { customer: "QuickStart" });
    expect(quick.unusedPaidFeatures).toHaveLength(3);
  });

  it("find companies and deals by name", async () => {
    const { catalog } = world();
    const found = await call(catalog, "crm_find", { query: "techstart" });
    expect(found.deals).toEqual([expect.objectContaining({ id: "1002", amount: 80_000, probability: 0.72 })]);
  });

  it("list the close exceptions: #4729 without PO, #4801 duplicating #4756, 3 bank lines, Marketing +18%", async () => {
    const { catalog } = world();
    const close = await call(catalog, "accounting_close_exceptions");
    expect(close.month).toBe("2026-11");
    expect(close.invoicesWithoutPo).toEqual([
      expect.objectContaining({ number: "4729", total: 8500, contact: "Acme Consulting" }),
    ]);
    expect(close.duplicates).toEqual([
      expect.objectContaining({ number: "4801", total: 450, contact: "Office Depot", duplicateOf: "4756" }),
    ]);
    expect(close.unmatchedBank.map((u: { amount: number; reason: string }) => [u.amount, u.reason])).toEqual(
      expect.arrayContaining([
        [-2100, "wire with no documentation"],
        [350, "refund of unknown origin"],
        [-12.5, "bank fee not in the books"],
      ]),
    );
    expect(close.variances).toEqual([expect.objectContaining({ account: "Marketing", changePct: 18 })]);
    // By the 23rd November has 23/30 of a month's 250 bills and 1,250 bank lines.
    expect(close.counts).toMatchObject({ bills: 192, bankTransactions: 958, bankUnmatched: 3 });
  });

  it("show invoices, unreconciled bank lines and the P&L against October", async () => {
    const { catalog } = world();
    const inv = await call(catalog, "accounting_invoices", { invoiceNumber: "#4801" });
    expect(inv).toMatchObject({ number: "4801", total: 450, status: "SUBMITTED", reference: "OD-88123" });
    const bills = await call(catalog, "accounting_invoices", { status: "SUBMITTED" });
    expect(bills.invoices.map((i: { number: string }) => i.number)).toEqual(expect.arrayContaining(["4729", "4801"]));
    const bank = await call(catalog, "accounting_bank_transactions", { reconciled: false });
    expect(bank.totals).toMatchObject({ lines: 958, unreconciled: 3 });
    expect(bank.transactions.map((t: { amount: number }) => t.amount)).toEqual([-2100, 350, -12.5]);
    const pnl = await call(catalog, "accounting_profit_and_loss", { month: "2026-11" });
    expect(pnl.comparedTo).toBe("2026-10");
    // November is in progress on the 23rd: October to the same day is the comparison.
    expect(pnl).toMatchObject({ monthToDate: "day 23 of 30", comparedWith: "October 2026 pro rata to day 23" });
    expect(pnl.expenses.find((e: { account: string }) => e.account === "Marketing").changePct).toBe(18);
    const october = await call(catalog, "accounting_profit_and_loss", { month: "2026-10" });
    expect(october).not.toHaveProperty("monthToDate");
  });
});

describe("result budget", () => {
  it("keeps every read tool under 4,500 characters and 1,500 tokens at scale 100", async () => {
    const { catalog } = world(100);
    const enc = getEncoding("o200k_base");
    const calls: [string, Record<string, unknown>][] = [
      ["jira_sprint_status", {}],
      ["jira_blockers", {}],
      ["jira_search_issues", { statusCategory: "done", limit: 25 }],
      ["jira_get_issue", { key: "ENG-145" }],
      ["crm_deals_by_priority", { limit: 25 }],
      ["crm_deal_detail", { dealId: "1001" }],
      ["crm_account_health", { level: "low", limit: 25 }],
      ["crm_closed_deals", { days: 365, limit: 25 }],
      ["crm_find", { query: "Blue" }],
      ["accounting_invoices", { limit: 50 }],
      ["accounting_close_exceptions", {}],
      ["accounting_bank_transactions", { limit: 50 }],
      ["accounting_profit_and_loss", {}],
    ];
    for (const [name, args] of calls) {
      const out = (await readTool(catalog, name).invoke(args)) as string;
      expect(out.length, name).toBeLessThanOrEqual(RESULT_BUDGET_CHARS);
      expect(enc.encode(out).length, name).toBeLessThanOrEqual(RESULT_BUDGET_TOKENS);
      expect(() => JSON.parse(out), name).not.toThrow();
    }
  });

  it("marks lists cut for the budget with how many more exist", async () => {
    const { catalog } = world(100);
    const out = JSON.parse((await readTool(catalog, "accounting_bank_transactions").invoke({ limit: 50 })) as string);
    const marker = out.transactions[out.transactions.length - 1];
    expect(marker).toEqual({ more: expect.any(Number) });
    expect(out.transactions.length - 1 + marker.more).toBe(50);
    expect(out.more).toBe(Math.round((125_000 * 23) / 30) - 50);
  });
});

describe("write actions", () => {
  it("describe exactly what a person approves: target, text, amounts", async () => {
    const { catalog } = world();
    await call(catalog, "crm_account_health", { customer: "BrightTech" });
    await call(catalog, "accounting_invoices", { invoiceNumber: "4729" });
    const log = action(catalog, "crm_log_activity");
    const args = log.schema.parse({
      target: { kind: "company", id: "5001" },
      type: "call",
      body: "Walked Morgan through setup",
    });
    expect(log.title(args)).toBe("Log a call on BrightTech Inc (company 5001)");
    expect(log.describe(args)).toEqual([
      { label: "Company", value: "BrightTech Inc (company 5001)" },
      { label: "Type", value: "call" },
      { label: "Text", value: "Walked Morgan through setup" },
    ]);
    const approve = action(catalog, "accounting_approve_invoice");
    const a = approve.schema.parse({ invoiceId: "#4729" });
    expect(approve.describe(a)[0]).toEqual({ label: "Invoice", value: "#4729 Acme Consulting $8,500.00" });
    const create = action(catalog, "jira_create_issue");
    const c = create.schema.parse({
      summary: "Renew AWS deploy credentials",
      priority: "High",
      assignee: "David Okafor",
    });
    expect(create.describe(c)).toEqual([
      { label: "Summary", value: "Renew AWS deploy credentials" },
      { label: "Type", value: "Task" },
      { label: "Priority", value: "High" },
      { label: "Assignee", value: "David Okafor" },
    ]);
  });

  it("make an executed write visible in later reads", async () => {
    const { catalog } = world();
    const log = action(catalog, "crm_log_activity");
    const outcome = await log.execute(
      log.schema.parse({ target: { kind: "company", id: "5001" }, type: "call", body: "Booked onboarding session" }),
      { idempotencyKey: "appr-1" },
    );
    expect(outcome.ok).toBe(true);
    const bright = await call(catalog, "crm_account_health", { customer: "BrightTech" });
    expect(bright.activities[0]).toMatchObject({ type: "call", summary: "Booked onboarding session" });

    const create = action(catalog, "jira_create_issue");
    const created = await create.execute(create.schema.parse({ summary: "Renew AWS deploy credentials" }), {
      idempotencyKey: "appr-2",
    });
    expect(created.ref?.url).toMatch(/^https:\/\/demo\.atlassian\.net\/browse\/ENG-\d+$/);
    const issue = await call(catalog, "jira_get_issue", { key: created.ref!.id });
    expect(issue.summary).toBe("Renew AWS deploy credentials");

    const reject = action(catalog, "accounting_reject_invoice");
    const rejected = await reject.execute(reject.schema.parse({ invoiceId: "4801", reason: "Duplicate of #4756" }), {
      idempotencyKey: "appr-3",
    });
    expect(rejected.summary).toBe("Rejected invoice #4801 (Office Depot, $450.00): Duplicate of #4756");
    const close = await call(catalog, "accounting_close_exceptions");
    expect(close.duplicates).toEqual([]);

    const stage = action(catalog, "crm_update_deal_stage");
    await stage.execute(stage.schema.parse({ dealId: "1004", stage: "Closed Lost" }), { idempotencyKey: "appr-4" });
    const deals = await call(catalog, "crm_deals_by_priority", { ownerId: "owner-alex", limit: 25 });
    expect(deals.deals.map((d: { id: string }) => d.id)).not.toContain("1004");
  });

  it("execute once when the same approval id runs twice", async () => {
    const { catalog, ports } = world();
    const comment = action(catalog, "jira_add_comment");
    const args = comment.schema.parse({ issueKey: "ENG-145", body: "Backend promised the spec by Friday" });
    const first = await comment.execute(args, { idempotencyKey: "appr-9" });
    const second = await comment.execute(args, { idempotencyKey: "appr-9" });
    expect(second).toEqual(first);
    const issue = await ports.jira.getIssue("ENG-145");
    expect(issue.comments.filter((c) => c.body === "Backend promised the spec by Friday")).toHaveLength(1);

    const approve = action(catalog, "accounting_approve_invoice");
    const a = approve.schema.parse({ invoiceId: "4729" });
    const once = await approve.execute(a, { idempotencyKey: "appr-10" });
    const twice = await approve.execute(a, { idempotencyKey: "appr-10" });
    expect([once.ok, twice.ok]).toEqual([true, true]);
    const again = await approve.execute(a, { idempotencyKey: "appr-11" });
    expect(again).toEqual({ ok: false, summary: "Invoice #4729 is already authorised, so it cannot be changed now." });
  });

  it("reject arguments a person could not read on the card", () => {
    const { catalog } = world();
    expect(() =>
      action(catalog, "crm_log_activity").schema.parse({ target: { kind: "company", id: "5001" } }),
    ).toThrow();
    expect(() =>
      action(catalog, "accounting_reject_invoice").schema.parse({ invoiceId: "4801", reason: "" }),
    ).toThrow();
    expect(() => action(catalog, "jira_add_comment").schema.parse({ issueKey: "not a key", body: "x" })).toThrow();
  });
});

describe("approval cards for digest-created approvals", () => {
  it("name the demo bill, vendor and amount without a prior read", async () => {
    const { catalog } = world();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const approve = action(catalog, "accounting_approve_invoice");
    expect(approve.describe(approve.schema.parse({ invoiceId: "inv-4729" }))[0]).toEqual({
      label: "Invoice",
      value: "#4729 Acme Consulting $8,500.00",
    });
    const log = action(catalog, "crm_log_activity");
    expect(log.title(log.schema.parse({ target: { kind: "company", id: "5002" }, type: "call", body: "x" }))).toBe(
      "Log a call on DataFlow Corp (company 5002)",
    );
  });
});
