/**
 * The offline model must route by what a question asks, never by the demo's company names
 * written into tool descriptions: the same questions about an organisation whose customers,
 * deals and vendors have other names reach the same tools and answer without an error.
 */
import { describe, expect, it } from "vitest";
import { createAgentAnswerer } from "../chains/agent/agent.ts";
import { loadKnownEntities } from "../chains/agent/entities.ts";
import { createChatModel } from "../chains/agent/model-factory.ts";
import { cardToText } from "../src/core/card.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { type DemoOrg, generateDemoOrg, scenario } from "../tools/demo/generate.ts";
import { Conversation, demoNow } from "./agent-fixtures.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";

/** The demo's named companies, with names no tool description or synonym list has ever held. */
function renames(org: DemoOrg): [string, string][] {
  const deal = (id: string) => org.crm.deals.find((d) => d.id === id);
  const customer = (id: string) => org.crm.customers.find((c) => c.id === id);
  const vendor = (number: string) => org.accounting.invoices.find((i) => i.number === number)?.contact.name;
  const fresh = [
    "Larkspur Foods",
    "Quillon Labs",
    "Ostara Mining",
    "Fennick Ltd",
    "Harrow Metrics",
    "Cobalt Ledger",
    "Meadowlane",
    "Pemberton Advisory",
    "Staplewood Supplies",
  ];
  const bare = (name: string) => name.replace(/\s+(Inc|Corp|LLC|Co|Ltd)\.?$/i, "");
  const old = [
    ...[scenario.deals.acme, scenario.deals.techStart, scenario.deals.globalIndustries, scenario.deals.betaCo].map(
      (id) => bare(deal(id)?.company.name ?? ""),
    ),
    ...Object.values(scenario.customers).map((id) => bare(customer(id)?.name ?? "")),
    vendor(scenario.invoices.noPo) ?? "",
    vendor(scenario.invoices.duplicate) ?? "",
  ];
  // Longest first, so "Acme Consulting" is renamed before "Acme".
  return old
    .map((name, i) => [name, fresh[i] as string] as [string, string])
    .filter(([name]) => name.length > 0)
    .sort((a, b) => b[0].length - a[0].length);
}

function renamed(org: DemoOrg, pairs: [string, string][]): DemoOrg {
  let json = JSON.stringify(org);
  for (const [from, to] of pairs) json = json.replaceAll(from, to).replaceAll(from.toLowerCase(), to.toLowerCase());
  return JSON.parse(json) as DemoOrg;
}

async function agentOver(org: DemoOrg) {
  const clock = fixedClock(demoNow);
  const ports = createDemoPorts({ clock, org });
  const catalog = createToolCatalog(ports, { clock });
  const { model, label } = await createChatModel({ clock, entities: await loadKnownEntities(ports) });
  return createAgentAnswerer({
    model,
    modelLabel: label,
    catalog,
    approvals: { requestApproval: async () => Promise.reject(new Error("no writes expected")) },
    logger: silentLogger,
    clock,
  });
}

/** Typical questions and the tool each needs; "{customer}" etc. stand for a name from the organisation's data. */
const questions: [string, string][] = [
  ["what's blocking the sprint?", "jira_blockers"],
  ["how is the sprint going?", "jira_sprint_status"],
  ["which deals need me today?", "crm_deals_by_priority"],
  ["which customers might churn?", "crm_account_health"],
  ["why is {customer} at risk?", "crm_account_health"],
  ["how healthy is {customer2}?", "crm_account_health"],
  ["what is happening with {company}?", "crm_deal_detail"],
  ["tell me about the {company3} deal", "crm_deal_detail"],
  ["find {company2}", "crm_find"],
  ["what's left for the November close?", "accounting_close_exceptions"],
  ["show invoice {invoice}", "accounting_invoices"],
  ["what did we pay {vendor} this month?", "accounting_invoices"],
  ["invoices from {vendor2}", "accounting_invoices"],
  ["P&L for last month", "accounting_profit_and_loss"],
  ["bank transactions this month", "accounting_bank_transactions"],
  ["show {issue}", "jira_get_issue"],
];

function fill(question: string, org: DemoOrg): string {
  const deal = (id: string) => org.crm.deals.find((d) => d.id === id)?.company.name ?? "?";
  const customer = (id: string) => org.crm.customers.find((c) => c.id === id)?.name ?? "?";
  const vendor = (n: string) => org.accounting.invoices.find((i) => i.number === n)?.contact.name ?? "?";
  const short = (name: string) => name.replace(/\s+(Inc|Corp|LLC|Co|Ltd)\.?$/i, "");
  return question
    .replace("{customer}", short(customer(scenario.customers.brightTech)))
    .replace("{customer2}", short(customer(scenario.customers.dataFlow)))
    .replace("{company}", short(deal(scenario.deals.acme)))
    .replace("{company2}", short(deal(scenario.deals.techStart)))
    .replace("{company3}", short(deal(scenario.deals.globalIndustries)))
    .replace("{invoice}", scenario.invoices.noPo)
    .replace("{vendor}", vendor(scenario.invoices.duplicate))
    .replace("{vendor2}", vendor(scenario.invoices.noPo))
    .replace("{issue}", scenario.jira.waitingOnBackend.replace(/^[A-Z]+-/, `${org.jira.projectKey}-`));
}

/** Each typical question that does not reach its tool, or answers with an error. */
async function misrouted(org: DemoOrg): Promise<string[]> {
  const answerer = await agentOver(org);
  const wrong: string[] = [];
  for (const [template, tool] of questions) {
    const question = fill(template, org);
    const turn = await new Conversation(answerer, "alex").ask(question);
    const calls = (turn.answer.data as { calls?: { tool: string }[] } | undefined)?.calls ?? [];
    const text = cardToText(turn.answer.card);
    if (calls[0]?.tool !== tool) wrong.push(`${question}: ${calls[0]?.tool ?? "no tool"}, not ${tool}`);
    if (/\bError\b|could not match|I could not find|No (deal|customer) matches/.test(text))
      wrong.push(`${question}: ${text.split("\n")[0]}`);
  }
  return wrong;
}

describe("the offline model on an organisation whose companies have other names", () => {
  const demo = generateDemoOrg({ now: Date.parse(demoNow) });

  it("routes every typical question to its tool on the demo", async () => {
    expect(await misrouted(demo)).toEqual([]);
  });

  it("routes them the same way when the demo's customers, deals and vendors are renamed", async () => {
    const pairs = renames(demo);
    const other = renamed(demo, pairs);
    // The renamed organisation really has other names: none of the old ones is left.
    const text = JSON.stringify(other);
    for (const [from] of pairs) expect(text, from).not.toContain(from);

    expect(await misrouted(other)).toEqual([]);
  });

  it("routes them the same way on the second organisation (other people, project key and currency)", async () => {
    const second = generateDemoOrg({ now: Date.parse(demoNow), profile: secondOrgProfile });
    expect(second.jira.projectKey).not.toBe(demo.jira.projectKey);

    expect(await misrouted(second)).toEqual([]);
  });
});
