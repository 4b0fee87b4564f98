/**
 * The offline renderer picks a reply's wording by the shape of a tool result, from lists each
 * domain keeps next to its wording (chains/agent/render/). First match wins, so two entries
 * that both claim one result would make the order of the lists matter: every read tool's
 * result on both organisations and two dates is claimed by at most one entry, and the domain
 * shapes people ask about most are each claimed by the entry written for them.
 */
import { describe, expect, it } from "vitest";
import { renderers, renderReply } from "../chains/agent/render/index.ts";
import { fixedClock } from "../src/core/clock.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";

type Obj = Record<string, unknown>;

const orgs = [
  ["the demo", undefined],
  ["the second organisation", secondOrgProfile],
] as const;
const dates = ["2026-11-23T09:00:00Z", "2026-12-01T07:00:00Z"];

async function readResults(profile: (typeof orgs)[number][1], at: string): Promise<Map<string, Obj>> {
  const clock = fixedClock(at);
  const org = generateDemoOrg({ now: clock.now(), ...(profile ? { profile } : {}) });
  const catalog = createToolCatalog(createDemoPorts({ clock, org }), { clock, warmLabels: false });
  const results = new Map<string, Obj>();
  const run = async (name: string, args: Obj) => {
    const tool = catalog.read.find((t) => t.tool.name === name)?.tool;
    let out: unknown;
    try {
      out = await tool?.invoke(args);
    } catch {
      return; // a tool that needs arguments (a deal's name) has nothing to show without them
    }
    const value: unknown = typeof out === "string" ? JSON.parse(out) : out;
    if (typeof value === "object" && value !== null && !Array.isArray(value) && !("error" in value))
      results.set(name, value as Obj);
  };
  for (const { tool } of catalog.read) await run(tool.name, {});
  // The one-record tools, on the first record the list tools showed.
  const first = (tool: string, list: string, key: string) => {
    const items = results.get(tool)?.[list];
    const item: unknown = Array.isArray(items) ? items[0] : undefined;
    return typeof item === "object" && item !== null ? (item as Obj)[key] : undefined;
  };
  await run("jira_get_issue", { key: first("jira_search_issues", "issues", "key") });
  await run("crm_deal_detail", { name: first("crm_deals_by_priority", "deals", "name") });
  await run("crm_account_health", { customer: first("crm_account_health", "atRisk", "name") });
  return results;
}

describe.each(orgs)("the offline renderer's shape lists on %s", (_name, profile) => {
  it.each(dates)("claim each read tool's result at most once on %s", async (at) => {
    const results = await readResults(profile, at);
    expect(results.size).toBeGreaterThan(10);
    const claimedTwice = [...results].flatMap(([tool, v]) => {
      const shapes = renderers.filter((r) => r.matches(v)).map((r) => r.shape);
      return shapes.length > 1 ? [`${tool}: ${shapes.join(", ")}`] : [];
    });
    expect(claimedTwice).toEqual([]);
  });

  it.each(dates)("give the sprint, issue, deal, customer and books results their own wording on %s", async (at) => {
    const results = await readResults(profile, at);
    const shapes = Object.fromEntries(
      [...results].map(([tool, v]) => [tool, renderers.find((r) => r.matches(v))?.shape ?? "fields"]),
    );
    expect(shapes).toMatchObject({
      jira_sprint_status: "sprint progress",
      jira_blockers: "sprint blockers",
      jira_search_issues: "issue list",
      jira_get_issue: "one issue",
      crm_deals_by_priority: "deals needing attention",
      crm_deal_detail: "one deal",
      crm_account_health: "customer health",
      accounting_invoices: "invoice list",
      accounting_close_exceptions: "close exceptions",
      accounting_bank_transactions: "bank transactions",
      accounting_profit_and_loss: "profit and loss",
    });
  });
});

describe("a result no shape list claims", () => {
  it("is laid out field by field under the tool's name, so a new tool answers before it has wording", () => {
    const reply = renderReply("crm_renewal_forecast", "", "", { quarter: "2026-Q4", renewals: 3 }, { now: 0 });
    expect(reply.text).toBe("**Renewal forecast**\nQuarter: 2026-Q4\nRenewals: 3");
  });
});
