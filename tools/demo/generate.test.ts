import { describe, expect, it } from "vitest";
import { generateDemoOrg, scenario } from "./generate.ts";

const now = Date.parse("2026-11-23T09:00:00Z");
const HOUR = 3_600_000;
const DAY = 86_400_000;

const org = generateDemoOrg({ now });

function deal(id: string) {
  const d = org.crm.deals.find((x) => x.id === id);
  if (!d) throw new Error(`deal ${id} missing`);
  return d;
}
function customer(id: string) {
  const c = org.crm.customers.find((x) => x.id === id);
  if (!c) throw new Error(`customer ${id} missing`);
  return c;
}
function invoice(number: string) {
  const inv = org.accounting.invoices.find((x) => x.number === number);
  if (!inv) throw new Error(`invoice ${number} missing`);
  return inv;
}

describe("the demo organisation", () => {
  it("is identical for the same anchor and seed", () => {
    expect(JSON.stringify(generateDemoOrg({ now }))).toBe(JSON.stringify(org));
  });

  it("differs for another seed but keeps the named scenario", () => {
    const other = generateDemoOrg({ now, seed: 7 });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(org));
    expect(other.crm.deals.find((d) => d.id === scenario.deals.acme)?.amount).toBe(250_000);
    expect(other.accounting.invoices.find((i) => i.number === "4729")?.total).toBe(8500);
  });

  it("has the seed scenario's sprint: 100 points, 72 done now and 65 done a day earlier", () => {
    const sprintIssues = org.jira.issues.filter((i) => org.jira.sprintIssueKeys.includes(i.key));
    const total = sprintIssues.reduce((s, i) => s + (i.storyPoints ?? 0), 0);
    const done = sprintIssues.filter((i) => i.statusCategory === "done");
    const donePts = done.reduce((s, i) => s + (i.storyPoints ?? 0), 0);
    const doneYesterday = done
      .filter((i) => Date.parse(i.resolvedAt!) <= now - DAY)
      .reduce((s, i) => s + (i.storyPoints ?? 0), 0);
    expect([total, donePts, doneYesterday]).toEqual([100, 72, 65]);
  });

  it("has Sarah's Feature-Authentication ready for review, Maria flagged on Backend, David blocked on AWS", () => {
    const byKey = new Map(org.jira.issues.map((i) => [i.key, i]));
    expect(byKey.get("ENG-142")).toMatchObject({ summary: "Feature-Authentication", assignee: "Sarah Kim" });
    expect(byKey.get("ENG-142")?.status).toMatch(/review/i);
    const maria = byKey.get("ENG-145")!;
    expect(maria).toMatchObject({ assignee: "Maria Garcia", flagged: true });
    expect(maria.blockedBy.join(" ")).toMatch(/API spec from the Backend team/);
    expect(now - Date.parse(maria.statusChangedAt!)).toBe(2 * DAY);
    const david = byKey.get("ENG-147")!;
    expect(david.assignee).toBe("David Okafor");
    expect(david.blockedBy.join(" ")).toMatch(/expired AWS credentials/i);
    expect(david.url).toBe("https://demo.atlassian.net/browse/ENG-147");
  });

  it("gives Alex about 15 open deals with Acme, TechStart, Global Industries and BetaCo as in the seed", () => {
    const alexOpen = org.crm.deals.filter((d) => d.ownerId === "owner-alex" && !/^closed/i.test(d.stage));
    expect(alexOpen).toHaveLength(15);
    expect(alexOpen.every((d) => d.ownerName === "Alex Rivera")).toBe(true);
    expect(org.crm.deals.filter((d) => d.ownerId === "owner-sam").length).toBeGreaterThanOrEqual(3);

    const acme = deal(scenario.deals.acme);
    expect(acme).toMatchObject({ amount: 250_000, probability: 0.85 });
    expect(new Date(acme.lastInboundAt!).toISOString().slice(0, 10)).toBe("2026-11-23");
    expect(acme.activities[0]).toMatchObject({ direction: "inbound" });
    expect(acme.activities[0]?.summary).toMatch(/pricing for 500 users/);
    expect(acme.url).toBe("https://app.hubspot.com/contacts/demo/deal/1001");

    const techStart = deal(scenario.deals.techStart);
    expect(techStart).toMatchObject({ amount: 80_000, probability: 0.72 });
    expect(Math.floor((now - Date.parse(techStart.lastActivityAt!)) / DAY)).toBe(5);

    const global = deal(scenario.deals.globalIndustries);
    expect(global).toMatchObject({ amount: 500_000, probability: 0.45, nextMeetingAt: "2026-11-24T14:00:00.000Z" });

    const beta = deal(scenario.deals.betaCo);
    expect(beta.amount).toBe(120_000);
    expect(Math.floor((now - Date.parse(beta.lastDemoAt!)) / DAY)).toBe(9);
    expect(Date.parse(beta.lastInboundAt!)).toBeLessThan(Date.parse(beta.lastDemoAt!));
  });

  it("has 200 customers with BrightTech, DataFlow and QuickStart carrying the seed's signals", () => {
    expect(org.crm.customers).toHaveLength(200);
    const bright = customer(scenario.customers.brightTech);
    expect(bright).toMatchObject({ name: "BrightTech Inc", arr: 12_000, usageChange: -0.65, usageWindowDays: 14 });
    expect(Math.floor((now - Date.parse(bright.adminLastLoginAt!)) / DAY)).toBe(7);
    expect(bright.tickets).toEqual([expect.objectContaining({ subject: "Too complicated", status: "open" })]);

    const dataFlow = customer(scenario.customers.dataFlow);
    expect(dataFlow).toMatchObject({ name: "DataFlow Corp", arr: 8_000, usageChange: -0.35, usageWindowDays: 30 });
    expect(dataFlow.lastFailedPaymentAt?.slice(0, 10)).toBe("2026-11-22");

    const quick = customer(scenario.customers.quickStart);
    expect(quick).toMatchObject({ name: "QuickStart LLC", arr: 5_000 });
    expect(quick.unusedPaidFeatures).toHaveLength(3);

    const others = org.crm.customers.filter((c) => !Object.values(scenario.customers).includes(c.id as never));
    const unhealthy = others.filter(
      (c) => c.usageChange < -0.1 || c.tickets.some((t) => t.status === "open") || c.lastFailedPaymentAt,
    );
    expect(unhealthy).toEqual([]);
  });

  it("keeps the close month's books: 250 bills a month (192 by the 23rd) with POs except #4729, #4801 repeating #4756", () => {
    const bills = org.accounting.invoices.filter((i) => i.type === "ACCPAY" && i.date.startsWith(org.accounting.month));
    expect(bills).toHaveLength(Math.round((250 * 23) / 30));
    const poNumbers = new Set(org.accounting.purchaseOrders.map((p) => p.number));
    const withoutPo = bills.filter((b) => !b.purchaseOrderNumber || !poNumbers.has(b.purchaseOrderNumber));
    expect(withoutPo.map((b) => b.number)).toEqual(["4729"]);
    expect(invoice("4729")).toMatchObject({ total: 8500, contact: { name: "Acme Consulting" } });
    const dup = invoice("4801");
    const original = invoice("4756");
    expect(dup).toMatchObject({ total: 450, contact: { name: "Office Depot" }, reference: original.reference });
    expect(original.total).toBe(450);
    const sameVendorAmount = bills.filter((b) => b.contact.id === dup.contact.id && b.total === 450);
    expect(sameVendorAmount.map((b) => b.number).sort()).toEqual(["4756", "4801"]);
  });

  it("reconciles every bank line except the $2,100 wire, the $350 refund and the $12.50 fee", () => {
    const bank = org.accounting.bankTransactions;
    expect(bank).toHaveLength(Math.round((1250 * 23) / 30));
    expect(org.accounting.bank[org.accounting.month]).toBe(bank);
    const open = bank.filter((t) => !t.reconciled);
    expect(open.map((t) => t.amount).sort((a, b) => a - b)).toEqual([-2100, -12.5, 350]);
    expect(open.map((t) => t.id).sort()).toEqual(Object.values(scenario.bank).sort());
    expect(bank.every((t) => t.date.startsWith(org.accounting.month))).toBe(true);
  });

  it("has Marketing exactly 18% above the previous month to the same day and every other account within 6%", () => {
    const { pnl, month, previousMonth } = org.accounting;
    expect([month, previousMonth]).toEqual(["2026-11", "2026-10"]);
    const cur = new Map(pnl[month]!.expenses.map((e) => [e.account, e.amount]));
    const prev = new Map(pnl[previousMonth]!.expenses.map((e) => [e.account, e.amount]));
    // November is in progress on the 23rd: it compares with October pro rata (23 of 30 days).
    const soFar = 23 / 30;
    const marketingCents = Math.round(cur.get("Marketing")! * 100);
    expect(Math.abs(marketingCents - Math.round(prev.get("Marketing")! * 100) * 1.18 * soFar)).toBeLessThanOrEqual(1);
    for (const [account, amount] of cur) {
      if (account === "Marketing") continue;
      expect(Math.abs(amount / (prev.get(account)! * soFar) - 1)).toBeLessThan(0.065);
    }
    expect(pnl[month]!.netProfit).toBeGreaterThan(0);
  });

  it("keeps relative facts true for any anchor (early morning, month start, another year)", () => {
    for (const at of ["2026-11-01T00:30:00Z", "2027-03-15T23:50:00Z", "2026-02-28T12:00:00Z"]) {
      const t = Date.parse(at);
      const o = generateDemoOrg({ now: t });
      const acme = o.crm.deals.find((d) => d.id === scenario.deals.acme)!;
      expect(new Date(acme.lastInboundAt!).toISOString().slice(0, 10)).toBe(at.slice(0, 10));
      expect(Date.parse(acme.lastInboundAt!)).toBeLessThanOrEqual(t);
      const global = o.crm.deals.find((d) => d.id === scenario.deals.globalIndustries)!;
      expect(global.nextMeetingAt).toBe(`${new Date(t + DAY).toISOString().slice(0, 10)}T14:00:00.000Z`);
      const tech = o.crm.deals.find((d) => d.id === scenario.deals.techStart)!;
      expect(Math.floor((t - Date.parse(tech.lastActivityAt!)) / DAY)).toBe(5);
      expect(o.accounting.currentMonth).toBe(at.slice(0, 7));
      expect(o.accounting.bankTransactions.filter((b) => !b.reconciled)).toHaveLength(3);
      expect(o.jira.issues.every((i) => Date.parse(i.updated) <= t)).toBe(true);
    }
  });

  it("grows 100x with scale=100 and keeps the scenario intact", () => {
    const big = generateDemoOrg({ now, scale: 100 });
    expect(big.crm.customers).toHaveLength(20_000);
    const closeBills = big.accounting.invoices.filter((i) => i.date.startsWith(big.accounting.month));
    expect(closeBills).toHaveLength(Math.round((25_000 * 23) / 30));
    expect(big.accounting.bankTransactions).toHaveLength(Math.round((125_000 * 23) / 30));
    expect(big.jira.issues.length).toBeGreaterThanOrEqual(10_000);
    expect(new Set(big.crm.customers.map((c) => c.name)).size).toBe(20_000);
    expect(
      big.accounting.bankTransactions
        .filter((b) => !b.reconciled)
        .map((b) => b.id)
        .sort(),
    ).toEqual(Object.values(scenario.bank).sort());
    expect(big.crm.customers.find((c) => c.name === "BrightTech Inc")?.usageChange).toBe(-0.65);
    const bills = closeBills;
    const keys = new Set<string>();
    for (const b of bills) keys.add(`${b.contact.id}:${b.total}`);
    // Only #4801 repeats another bill's vendor and amount.
    expect(keys.size).toBe(bills.length - 1);
  });

  it("builds 1,000,000 bank transactions from `volumes` as plain rows", () => {
    const big = generateDemoOrg({
      now,
      volumes: { bankTransactions: 1_000_000, bills: 100_000, customers: 200, issues: 10 },
    });
    expect(big.accounting.bankTransactions).toHaveLength(1_000_000);
    expect(big.accounting.invoices.filter((i) => i.date.startsWith(big.accounting.month))).toHaveLength(100_000);
    expect(big.accounting.bankTransactions.filter((b) => !b.reconciled)).toHaveLength(3);
    expect(Object.getPrototypeOf(big.accounting.bankTransactions[0])).toBe(Object.prototype);
  }, 60_000);

  it("dates every activity in the past except scheduled meetings", () => {
    for (const d of org.crm.deals) {
      for (const a of d.activities) if (a.type !== "meeting") expect(Date.parse(a.at)).toBeLessThanOrEqual(now);
    }
    expect(Date.parse(deal(scenario.deals.globalIndustries).nextMeetingAt!) - now).toBe(29 * HOUR);
  });
});
