/**
 * The second organisation (Kestrel Robotics GmbH: EUR, Europe/Berlin, Jira project OPS,
 * numeric HubSpot owner ids) through both kinds of ports: the demo ports over the generated
 * organisation, and the real Jira, HubSpot and Xero connectors over local vendor fakes serving
 * that same organisation in the vendors' wire shapes (test/support/org-fakes). The five
 * digests and the offline agent's answers must come out with the same figures either way, in
 * euros, with the organisation's own names; a line that differs is a connector normalising
 * differently from the demo, and the few differences that are the vendors' own (below, in
 * `comparable`) are named one by one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentAnswerer } from "../chains/agent/agent.ts";
import { loadKnownEntities } from "../chains/agent/entities.ts";
import { createChatModel } from "../chains/agent/model-factory.ts";
import { createDigests, type DigestName } from "../chains/digests/registry.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { loadConfig } from "../src/config/load.ts";
import type { OrgConfig } from "../src/config/org.ts";
import type { Answerer } from "../src/core/answerer.ts";
import { cardToText } from "../src/core/card.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { Ports } from "../src/core/domain/ports.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { PrincipalResolver } from "../src/core/principal.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { type DemoOrg, generateDemoOrg } from "../tools/demo/generate.ts";
import { askAs } from "./agent-fixtures.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { type OrgFakes, startOrgFakes } from "./support/org-fakes/index.ts";

const orgConfig: OrgConfig = loadConfig({ DAYBOOK_CONFIG: "test/fixtures/second-org/org.yaml" }).org;
const timeZone = orgConfig.timezone;
const digestNames: DigestName[] = ["standup", "sales", "churn", "close", "weekly"];

/** Names only the demo organisation uses; none may reach the second organisation's replies. */
const demoNames =
  /Northwind|Acme|TechStart|BrightTech|DataFlow|QuickStart|BetaCo|Global Industries|Alex Rivera|Sam Patel|Maria Garcia|David Okafor|Sprint 24\b|\bENG-\d/;

/**
 * The two renderings of one answer made comparable. Every rule is a difference the vendor
 * itself makes, not the connector:
 * - links point at the fake servers instead of the profile's sites, and Xero ids are UUIDs;
 * - Xero bills have no purchase-order field, so the PO number shares the Reference with the
 *   vendor's invoice reference ("BG-88123 PO-1000");
 * - Jira has no free-text "blocked by" field: a reason written only in prose ("Expired AWS
 *   credentials") reaches the real connector as the `waiting-on-<team>` label or the blocked
 *   status, so for those issues (`proseBlocked`) the reason and its category are left out and
 *   the lines compare by key, summary, owner and age.
 */
function comparable(text: string, proseBlocked: readonly string[]): string {
  const keys = proseBlocked.join("|");
  const blocked = new RegExp(`^- (${keys}) `);
  return text
    .replace(/https?:\/\/[^\s)]+/g, "<link>")
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\binv-\d+\b/g, "<invoice-id>")
    .replace(/(reference \S+) PO-\d+/g, "$1")
    .split("\n")
    .map((line) => {
      if (/^Blocked by: /.test(line)) return "Blocked by: <reason>";
      if (!blocked.test(line)) return line;
      return line
        .replace(/^(- \S+ \(<link>\) .*?) - .*? - (\(.*\))$/, "$1 - <reason> - $2")
        .replace(/^(- \S+ \(<link>\) .*? \([^,]+, blocked \d+ days?),.*$/, "$1, <reason>");
    })
    .join("\n");
}

/** Issues whose only blocker is prose, which Jira cannot carry (see `comparable`). */
function proseBlockedKeys(org: DemoOrg): string[] {
  return org.jira.issues
    .filter((i) => i.blockedBy.length > 0 && i.blockedBy.every((b) => !/^[A-Z][A-Z0-9_]*-\d+$/.test(b)))
    .map((i) => i.key);
}

interface World {
  org: DemoOrg;
  demo: Ports;
  fakes: OrgFakes;
}

async function world(at: string): Promise<World> {
  const clock = fixedClock(at);
  const org = generateDemoOrg({ now: clock.now(), profile: secondOrgProfile });
  return { org, demo: createDemoPorts({ clock, org }), fakes: await startOrgFakes(org, clock) };
}

async function digestTexts(ports: Ports, at: string): Promise<Record<DigestName, string>> {
  const clock = fixedClock(at);
  const digests = createDigests({ ports, clock, timeZone, store: new MemoryStore() });
  const out = {} as Record<DigestName, string>;
  for (const name of digestNames) out[name] = cardToText(await digests[name].run());
  return out;
}

async function agentOver(ports: Ports, at: string): Promise<Answerer> {
  const clock = fixedClock(at);
  const { model, label } = await createChatModel({ clock, entities: await loadKnownEntities(ports) });
  return createAgentAnswerer({
    model,
    modelLabel: label,
    catalog: createToolCatalog(ports, { clock, timeZone, warmLabels: false }),
    approvals: { requestApproval: async () => Promise.reject(new Error("no writes expected")) },
    logger: silentLogger,
    clock,
    timezone: timeZone,
  });
}

const principals: PrincipalResolver = createPrincipalResolver(orgConfig);

/** Questions a finance-and-sales lead asks, naming the organisation's own records. */
const questions = [
  "what's blocking the sprint?",
  "how is the sprint going?",
  "which deals need me today?",
  "which customers might churn?",
  `why is ${secondOrgProfile.customers.declining.name} at risk?`,
  `tell me about the ${secondOrgProfile.deals.hot.company} deal`,
  "what's left for the close?",
  "show the P&L for last month",
  "show invoice 4729",
  `show ${secondOrgProfile.projectKey}-145`,
];

async function answers(ports: Ports, at: string): Promise<string[]> {
  const answerer = await agentOver(ports, at);
  const out: string[] = [];
  for (const question of questions) {
    const { answer } = await askAs(answerer, principals, "clara", question);
    out.push(`Q: ${question}\n${cardToText(answer.card)}`);
  }
  return out;
}

// A Monday mid-month (the pinned demo date); the 1st, when the close is about last month;
// the last evening of a month in UTC that is already the 1st in Berlin.
const dates = ["2026-11-23T09:00:00Z", "2026-12-01T07:00:00Z", "2026-11-30T23:30:00Z"];

describe.each(dates)("the second organisation on %s", (at) => {
  let w: World;
  let demoDigests: Record<DigestName, string>;
  let realDigests: Record<DigestName, string>;
  let demoAnswers: string[];
  let realAnswers: string[];

  beforeAll(async () => {
    w = await world(at);
    [demoDigests, realDigests] = await Promise.all([digestTexts(w.demo, at), digestTexts(w.fakes.ports, at)]);
    [demoAnswers, realAnswers] = await Promise.all([answers(w.demo, at), answers(w.fakes.ports, at)]);
  });
  afterAll(async () => {
    await w?.fakes.close();
  });

  it.each(digestNames)("the %s digest says the same through the real connectors as over the demo ports", (name) => {
    const keys = proseBlockedKeys(w.org);
    expect(comparable(realDigests[name], keys)).toBe(comparable(demoDigests[name], keys));
  });

  it("the digests name the organisation's own people and companies, never the demo's", () => {
    const all = Object.values(realDigests).join("\n");
    expect(all).not.toMatch(demoNames);
    expect(realDigests.standup).toContain(`Sprint ${secondOrgProfile.sprint.number}`);
    expect(realDigests.standup).toContain(`${secondOrgProfile.projectKey}-145`);
    expect(realDigests.sales).toContain(secondOrgProfile.deals.hot.company);
    expect(realDigests.sales).toContain(secondOrgProfile.lead.ownerName);
    expect(realDigests.churn).toContain(secondOrgProfile.customers.declining.name);
  });

  it("the close digest states money in euros, the currency the books are kept in", () => {
    expect(realDigests.close).toMatch(/€\d/);
    expect(realDigests.close).not.toMatch(/\$\d/);
  });

  it("the CRM digests state deal amounts and ARR in euros, through the connectors and over the demo ports", () => {
    for (const digests of [realDigests, demoDigests]) {
      expect(digests.sales).toMatch(/€[\d,]+ weighted pipeline/);
      expect(digests.sales).toMatch(/€250,000 × 85% = €212,500/);
      expect(digests.churn).toMatch(/\(€[\d,]+ ARR\)/);
      expect(digests.churn).toContain("€12,000 ARR");
      expect(digests.weekly).toMatch(/deals? won \(€[\d,]+\), \d+ lost \(€[\d,]+\)/);
      for (const name of ["sales", "churn", "weekly"] as const) expect(digests[name], name).not.toMatch(/\$\d/);
    }
  });

  it("the agent states deal amounts, the pipeline and ARR in euros", () => {
    const answer = (question: string) => realAnswers[questions.indexOf(question)] ?? "";
    expect(answer("which deals need me today?")).toMatch(/Pipeline: €[\d,]+ \(€[\d,]+ weighted\)/);
    expect(answer("which customers might churn?")).toMatch(/€[\d,]+ ARR/);
    expect(answer(`why is ${secondOrgProfile.customers.declining.name} at risk?`)).toContain("€12,000 ARR");
    expect(answer(`tell me about the ${secondOrgProfile.deals.hot.company} deal`)).toContain("€250,000, 85%");
    expect(realAnswers.join("\n")).not.toMatch(/\$\d/);
  });

  it("the offline agent answers every question with the same figures through the real connectors", () => {
    const keys = proseBlockedKeys(w.org);
    expect(realAnswers.map((a) => comparable(a, keys))).toEqual(demoAnswers.map((a) => comparable(a, keys)));
  });

  it("the agent's answers name the organisation's own records and never fail", () => {
    const all = realAnswers.join("\n");
    expect(all).not.toMatch(demoNames);
    expect(all).not.toMatch(/\bError\b|could not|unavailable/i);
  });

  it("the connectors never sent a request the vendors would refuse", () => {
    expect([...w.fakes.jira.refusals, ...w.fakes.hubspot.refusals, ...w.fakes.xero.refusals]).toEqual([]);
  });
});
