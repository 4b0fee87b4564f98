/**
 * "QBR briefing" / "prep the QBR" through the real agent (offline model): the digest's figures,
 * from one tool per system; a person who sees only the CRM or only the books gets those
 * sections and a line saying what was left out. Demo and second organisation, two dates.
 */
import { describe, expect, it } from "vitest";
import { createAgentAnswerer } from "../chains/agent/agent.ts";
import { loadKnownEntities } from "../chains/agent/entities.ts";
import { createChatModel } from "../chains/agent/model-factory.ts";
import { loadQbr } from "../chains/digests/qbr.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import type { OrgConfig } from "../src/config/org.ts";
import { cardToText } from "../src/core/card.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { type DemoProfile, northwindProfile } from "../tools/demo/profile.ts";
import { askAs } from "./agent-fixtures.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { secondOrgConfig } from "./support/sweep.ts";

const money = (n: number, currency: string) =>
  new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    minimumFractionDigits: Number.isInteger(n) ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(n);

const orgs: {
  label: string;
  org: OrgConfig;
  profile: DemoProfile;
  tz: string;
  all: string;
  crmOnly: string;
  booksOnly: string;
  currency: string;
}[] = [
  {
    label: "demo",
    org: demoOrg,
    profile: northwindProfile,
    tz: "UTC",
    all: "alex",
    crmOnly: "sam",
    booksOnly: "fiona",
    currency: "USD",
  },
  {
    label: "Kestrel Robotics",
    org: secondOrgConfig(),
    profile: secondOrgProfile,
    tz: "Europe/Berlin",
    all: "clara",
    crmOnly: "emre",
    booksOnly: "greta",
    currency: "EUR",
  },
];

async function world(o: (typeof orgs)[number], at: string) {
  const clock = fixedClock(at);
  const ports = createDemoPorts({ clock, profile: o.profile });
  const { model, label } = await createChatModel({ clock, entities: await loadKnownEntities(ports) });
  const answerer = createAgentAnswerer({
    model,
    modelLabel: label,
    catalog: createToolCatalog(ports, { clock, timeZone: o.tz, warmLabels: false }),
    approvals: { requestApproval: async () => Promise.reject(new Error("no writes expected")) },
    logger: silentLogger,
    clock,
    timezone: o.tz,
  });
  const principals = createPrincipalResolver(o.org);
  const ask = async (user: string, text: string) => {
    const { answer } = await askAs(answerer, principals, user, text);
    const calls = ((answer.data as { calls?: { tool: string }[] } | undefined)?.calls ?? []).map((c) => c.tool);
    return { text: cardToText(answer.card), calls };
  };
  const facts = await loadQbr({ ports, clock, timeZone: o.tz });
  return { ask, facts };
}

describe("the QBR briefing on demand", () => {
  for (const o of orgs)
    for (const at of ["2026-12-04T10:00:00Z", "2027-01-02T10:00:00Z"])
      it(`gives someone with every role both halves with the digest's figures (${o.label}, ${at.slice(0, 10)})`, async () => {
        const { ask, facts } = await world(o, at);
        const { text, calls } = await ask(o.all, "QBR briefing");
        expect(calls.sort()).toEqual(["accounting_qbr_finance", "crm_qbr_pipeline"]);
        expect(text).toContain(`Quarterly business review: ${facts.quarter}`);
        expect(text).toContain(money(facts.finance!.quarter.revenue!, o.currency));
        expect(text).toContain(`${facts.finance!.quarter.grossMarginPct!.toFixed(1)}%`);
        expect(text).toContain(`${facts.crm!.wonCount} deals won in ${facts.quarter}`);
        expect(text).toContain(money(facts.crm!.pipeline[0]!.amount, o.currency));
        expect(text).not.toContain("Left out");
      });

  for (const o of orgs) {
    it(`gives a sales person only the CRM half and says the books were left out (${o.label})`, async () => {
      const { ask, facts } = await world(o, "2026-12-04T10:00:00Z");
      const { text, calls } = await ask(o.crmOnly, "prep the QBR");
      expect(calls).toEqual(["crm_qbr_pipeline"]);
      expect(text).toContain("open pipeline");
      expect(text).not.toContain(money(facts.finance!.quarter.revenue!, o.currency));
      expect(text).toContain("Left out: revenue and margin (the books)");
    });

    it(`gives finance only the books' half and says the CRM was left out (${o.label})`, async () => {
      const { ask, facts } = await world(o, "2026-12-04T10:00:00Z");
      const { text, calls } = await ask(o.booksOnly, "quarterly business review");
      expect(calls).toEqual(["accounting_qbr_finance"]);
      expect(text).toContain(money(facts.finance!.quarter.revenue!, o.currency));
      expect(text).not.toContain("open pipeline");
      expect(text).toContain("Left out: pipeline, wins, churn and risks (the CRM)");
    });
  }

  it("reads 'quarterly business review' as the QBR, not as Jira's review queue, and refuses an engineer", async () => {
    const { ask, facts } = await world(orgs[0]!, "2026-12-04T10:00:00Z");
    const all = await ask("alex", "quarterly business review");
    expect(all.calls.sort()).toEqual(["accounting_qbr_finance", "crm_qbr_pipeline"]);
    expect(all.text).toContain(money(facts.finance!.previous.revenue!, "USD"));
    const engineer = await ask("maria", "QBR briefing");
    expect(engineer.calls).toEqual([]);
    expect(engineer.text).not.toContain(money(facts.finance!.quarter.revenue!, "USD"));
  });

  it("still preps a call for 'prep me for my QBR with <customer>'", async () => {
    const { ask } = await world(orgs[0]!, "2026-12-04T10:00:00Z");
    const { calls } = await ask("alex", "prep me for my QBR with BrightTech");
    expect(calls).toContain("crm_call_prep");
  });
});
