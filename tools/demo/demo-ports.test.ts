import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/core/clock.ts";
import { DaybookError } from "../../src/core/errors.ts";
import { createDemoPorts } from "./demo-ports.ts";
import { generateDemoOrg } from "./generate.ts";

const start = "2026-11-23T09:00:00Z";

describe("demo ports", () => {
  it("serve the active sprint and its 22 issues", async () => {
    const ports = createDemoPorts({ clock: fixedClock(start) });
    const sprint = await ports.jira.getActiveSprint();
    expect(sprint?.name).toBe("Sprint 24");
    expect(await ports.jira.getSprintIssues(sprint!.id)).toHaveLength(22);
    expect(await ports.jira.getSprintIssues(999)).toEqual([]);
    expect(ports.sources).toEqual({ jira: "demo", crm: "demo", accounting: "demo" });
  });

  it("page through a search with an opaque cursor, newest update first, without repeats", async () => {
    const ports = createDemoPorts({ clock: fixedClock(start) });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await ports.jira.searchIssues({ statusCategory: "done", limit: 20, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((i) => i.key));
      cursor = page.next;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    const all = await ports.jira.searchIssues({ statusCategory: "done", limit: 100 });
    expect(all.items[0]!.updated >= all.items[1]!.updated).toBe(true);
  });

  it("find the flagged issue and the stale carry-over by structured filters", async () => {
    const ports = createDemoPorts({ clock: fixedClock(start) });
    expect((await ports.jira.searchIssues({ flagged: true })).items.map((i) => i.key)).toEqual(["ENG-145"]);
    const stale = await ports.jira.searchIssues({ statusCategory: "in_progress" });
    expect(stale.items.map((i) => i.key)).toContain("ENG-160");
    expect((await ports.jira.searchIssues({ status: "blocked" })).items.map((i) => i.key)).toEqual(["ENG-147"]);
  });

  it("match issues carrying any of the labels asked for, as Jira's labels in (...) does", async () => {
    const ports = createDemoPorts({ clock: fixedClock(start) });
    const keys = (await ports.jira.searchIssues({ labels: ["auth", "deploy"] })).items.map((i) => i.key).sort();
    expect(keys).toEqual(["ENG-142", "ENG-147"]);
  });

  it("look invoices up by number, #number, INV-number or id", async () => {
    const ports = createDemoPorts({ clock: fixedClock(start) });
    for (const ref of ["4729", "#4729", "INV-4729", "inv-4729"]) {
      expect((await ports.accounting.getInvoice(ref)).total).toBe(8500);
    }
  });

  it("answer an unknown record with a readable not_found error", async () => {
    const ports = createDemoPorts({ clock: fixedClock(start) });
    const err = await ports.crm.getDeal("nope").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DaybookError);
    expect((err as DaybookError).code).toBe("not_found");
    expect((err as DaybookError).userMessage).toBe("I could not find deal nope.");
  });

  it("show a logged call in the next read of the customer", async () => {
    const clock = fixedClock(start);
    const ports = createDemoPorts({ clock });
    clock.advance(60_000);
    await ports.crm.logActivity(
      { target: { kind: "company", id: "5001" }, type: "call", body: "Walked Morgan through setup" },
      { idempotencyKey: "appr-1" },
    );
    const bright = await ports.crm.getCustomer("5001");
    expect(bright.activities[0]).toMatchObject({ type: "call", summary: "Walked Morgan through setup" });
    expect(bright.activities[0]?.at).toBe("2026-11-23T09:01:00.000Z");
  });

  it("write once when the same idempotency key is used twice", async () => {
    const ports = createDemoPorts({ clock: fixedClock(start) });
    const input = { target: { kind: "deal" as const, id: "1001" }, type: "note" as const, body: "Sent pricing" };
    const first = await ports.crm.logActivity(input, { idempotencyKey: "k" });
    const second = await ports.crm.logActivity(input, { idempotencyKey: "k" });
    expect(second).toEqual(first);
    const notes = (await ports.crm.getDeal("1001")).activities.filter((a) => a.summary === "Sent pricing");
    expect(notes).toHaveLength(1);

    const a = await ports.jira.createIssue({ summary: "Renew AWS keys", type: "Task" }, { idempotencyKey: "j" });
    const b = await ports.jira.createIssue({ summary: "Renew AWS keys", type: "Task" }, { idempotencyKey: "j" });
    expect(b).toEqual(a);
    expect((await ports.jira.searchIssues({ text: "renew aws" })).items).toHaveLength(1);

    await ports.accounting.approveInvoice("4729", { idempotencyKey: "x" });
    // A replay returns the first result instead of failing on the now-authorised bill.
    await expect(ports.accounting.approveInvoice("4729", { idempotencyKey: "x" })).resolves.toEqual({
      id: "inv-4729",
      status: "AUTHORISED",
    });
    await expect(ports.accounting.approveInvoice("4729", { idempotencyKey: "y" })).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("move a deal to Closed Won out of the open pipeline", async () => {
    const ports = createDemoPorts({ clock: fixedClock(start) });
    await ports.crm.updateDealStage("1002", "Closed Won", { idempotencyKey: "s1" });
    const open = await ports.crm.listOpenDeals({ ownerId: "owner-alex" });
    expect(open.map((d) => d.id)).not.toContain("1002");
    expect((await ports.crm.getDeal("1002")).probability).toBe(1);
  });

  it("never change the organisation they were given", async () => {
    const org = generateDemoOrg({ now: Date.parse(start) });
    const before = JSON.stringify(org);
    const ports = createDemoPorts({ clock: fixedClock(start), org });
    await ports.accounting.rejectInvoice("4801", "duplicate of 4756", { idempotencyKey: "r" });
    await ports.jira.addComment("ENG-145", "Spec arrives Friday", { idempotencyKey: "c" });
    expect((await ports.accounting.getInvoice("4801")).status).toBe("VOIDED");
    expect(JSON.stringify(org)).toBe(before);
  });
});
