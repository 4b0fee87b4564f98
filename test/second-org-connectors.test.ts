/**
 * The connectors' protocol expectations (test/jira-behaviour, hubspot-behaviour,
 * xero-behaviour) on the second organisation's data, served by the org fakes: project key
 * OPS, euros, numeric HubSpot owner ids, a month of bank lines that takes many Xero pages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../src/core/clock.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { stageIdOf } from "./support/org-fakes/hubspot.ts";
import { type OrgFakes, startOrgFakes } from "./support/org-fakes/index.ts";

const at = "2026-11-23T09:00:00Z";
const org = generateDemoOrg({ now: Date.parse(at), profile: secondOrgProfile });
let fakes: OrgFakes;

beforeAll(async () => {
  fakes = await startOrgFakes(org, fixedClock(at));
});
afterAll(async () => {
  await fakes.close();
});

const body = (text: string) => JSON.parse(text || "{}") as Record<string, unknown>;

describe("the Jira connector on project OPS", () => {
  it("follows nextPageToken past Jira's 100-issue page and keeps every query inside OPS", async () => {
    const first = await fakes.ports.jira.searchIssues({ limit: 100 });
    expect(first.items).toHaveLength(100);
    expect(first.next).toBeDefined();
    const second = await fakes.ports.jira.searchIssues({ limit: 100, ...(first.next ? { cursor: first.next } : {}) });
    expect(second.next).toBeUndefined();
    expect(first.items.length + second.items.length).toBe(org.jira.issues.length);
    const searches = fakes.jira.requests.filter((r) => r.path === "/rest/api/3/search/jql");
    for (const r of searches) expect(String(body(r.body).jql)).toMatch(/^project = "OPS"( AND | ORDER BY )/);
  });

  it("reads story points and the Flagged field from the site's custom fields", async () => {
    const sprint = await fakes.ports.jira.getActiveSprint();
    const issues = await fakes.ports.jira.getSprintIssues(sprint?.id ?? -1);
    expect(sprint?.name).toBe(`Sprint ${secondOrgProfile.sprint.number}`);
    expect(issues.reduce((sum, i) => sum + (i.storyPoints ?? 0), 0)).toBe(100);
    expect(issues.filter((i) => i.flagged).map((i) => i.key)).toEqual(["OPS-145"]);
  });

  it("finds an engineer's issues through the account id Jira resolves the name to", async () => {
    const page = await fakes.ports.jira.searchIssues({ assignee: secondOrgProfile.engineers[0] });
    expect(page.items.length).toBeGreaterThan(0);
    for (const issue of page.items) expect(issue.assignee).toBe(secondOrgProfile.engineers[0]);
  });
});

describe("the HubSpot connector with numeric owner ids", () => {
  it("lists one owner's open deals by the owner id and names the owner", async () => {
    const deals = await fakes.ports.crm.listOpenDeals({ ownerId: secondOrgProfile.second.ownerId });
    const expected = org.crm.deals.filter((d) => d.ownerId === "702" && !/^closed/i.test(d.stage));
    expect(deals.map((d) => d.id).sort()).toEqual(expected.map((d) => d.id).sort());
    for (const d of deals) expect(d.ownerName).toBe(secondOrgProfile.second.ownerName);
  });

  it("shows a deal's stage by its pipeline label, not the internal stage id HubSpot stores", async () => {
    const deal = await fakes.ports.crm.getDeal("1001");
    expect(deal.stage).toBe("Negotiation");
    expect(stageIdOf("Negotiation")).not.toBe("Negotiation");
  });

  it("moves a deal to a stage named by its label by sending the stage id", async () => {
    await fakes.ports.crm.updateDealStage("1002", "Negotiation", { idempotencyKey: "apr-stage-1" });
    const patch = fakes.hubspot.requests.find((r) => r.method === "PATCH");
    expect(body(patch?.body ?? "").properties).toEqual({ dealstage: stageIdOf("Negotiation") });
    expect((await fakes.ports.crm.getDeal("1002")).stage).toBe("Negotiation");
  });
});

describe("the Xero connector on books kept in euros", () => {
  it("reads a month of bank lines across 1-based pages with the tenant header on every request", async () => {
    const month = org.accounting.previousMonth;
    const lines = await fakes.ports.accounting.listBankTransactions(month);
    expect(lines).toHaveLength(org.accounting.bank[month]?.length ?? -1);
    const pages = fakes.xero.requests
      .filter((r) => r.path.startsWith("/api.xro/2.0/BankTransactions"))
      .map((r) => new URL(r.path, "http://x").searchParams.get("page"));
    expect(pages).toEqual(Array.from({ length: Math.ceil(lines.length / 1000) }, (_, i) => String(i + 1)));
    for (const r of fakes.xero.requests) expect(r.headers["xero-tenant-id"]).toBeDefined();
  });

  it("states bills and the P&L in euros", async () => {
    const month = org.accounting.month;
    const [bills, pnl] = await Promise.all([
      fakes.ports.accounting.listInvoices({ month, type: "ACCPAY" }),
      fakes.ports.accounting.getProfitAndLoss(month),
    ]);
    expect(new Set(bills.map((b) => b.currency))).toEqual(new Set(["EUR"]));
    expect(pnl.currency).toBe("EUR");
    expect(pnl.netProfit).toBe(org.accounting.pnl[month]?.netProfit);
  });
});

describe("the fakes enforce what the vendors enforce", () => {
  it("have refused nothing the connectors sent above", () => {
    expect([...fakes.jira.refusals, ...fakes.hubspot.refusals, ...fakes.xero.refusals]).toEqual([]);
  });

  it("refuse a request without the vendor's credentials", async () => {
    const [jira, hubspot, xero] = await Promise.all([
      fetch(`${fakes.jira.url}/rest/api/3/issue/OPS-145`),
      fetch(`${fakes.hubspot.url}/crm/v3/owners`),
      fetch(`${fakes.xero.url}/api.xro/2.0/Invoices`, { headers: { authorization: "Bearer xero-fake-token" } }),
    ]);
    expect([jira.status, hubspot.status, xero.status]).toEqual([401, 401, 403]);
  });
});
