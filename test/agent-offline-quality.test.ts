/**
 * Answer quality of the offline model on the conversation eval's failure classes (issue 13,
 * target 2), on the demo and on the second organisation: typos, prospects known through their
 * deal, follow-ups whose words two systems share, and the filters people say. Every
 * expectation is read from the organisation's own data or the tools' own results.
 */
import { describe, expect, it } from "vitest";
import { fixedClock } from "../src/core/clock.ts";
import { type DemoOrg, generateDemoOrg, scenario } from "../tools/demo/generate.ts";
import { Conversation, demoNow } from "./agent-fixtures.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { offlineAgent, toolsOf } from "./support/offline-agent.ts";

const clock = fixedClock(demoNow);
const world = (org: DemoOrg) => offlineAgent(org, clock);

const bare = (company: string) => company.replace(/\s+(Inc|Corp|LLC|Co|Ltd|GmbH|AG)\.?$/i, "");

const orgs: [string, () => DemoOrg][] = [
  ["the demo", () => generateDemoOrg({ now: Date.parse(demoNow) })],
  ["the second organisation", () => generateDemoOrg({ now: Date.parse(demoNow), profile: secondOrgProfile })],
];

for (const [orgName, make] of orgs) {
  describe(`answer quality on ${orgName}`, () => {
    const org = make();
    const dealOf = (id: string) => {
      const deal = org.crm.deals.find((d) => d.id === id);
      if (!deal) throw new Error(`no deal ${id}`);
      return deal;
    };

    it("reads a question full of typos as the question it meant", async () => {
      const { answerer, read } = await world(org);
      const status = await read("jira_sprint_status");
      const blockers = (await read("jira_blockers")).blockers as { key: string }[];
      const chat = new Conversation(answerer, "alex");

      const sprint = await chat.ask("hows teh sprnit goign");
      const blocking = await chat.ask("waht's blokcing the sprnt");

      expect(sprint.text).toContain(`${(status.progress as { donePct: number }).donePct}% done`);
      expect(toolsOf(blocking)).toEqual(["jira_blockers"]);
      for (const b of blockers) expect(blocking.text).toContain(b.key);
    });

    it("answers 'tell me abuot the <company> deel' with that deal", async () => {
      const { answerer } = await world(org);
      const deal = dealOf(scenario.deals.betaCo);

      const turn = await new Conversation(answerer, "alex").ask(`tell me abuot the ${bare(deal.company.name)} deel`);

      expect(toolsOf(turn)).toEqual(["crm_deal_detail"]);
      expect(turn.text).toContain(deal.amount.toLocaleString("en-US"));
    });

    it("answers 'what's the latest on <prospect>?' from its deal, not a customer look-up that finds nothing", async () => {
      const { answerer } = await world(org);
      const deal = dealOf(scenario.deals.acme);
      expect(org.crm.customers.some((c) => c.name === deal.company.name)).toBe(false);

      const turn = await new Conversation(answerer, "alex").ask(`what's the latest on ${bare(deal.company.name)}`);

      expect(toolsOf(turn)).toEqual(["crm_deal_detail"]);
      expect(turn.text).toContain(deal.amount.toLocaleString("en-US"));
      expect(turn.text).not.toMatch(/No customer matches/);
    });

    it("reads 'when does it close?' after a deal as the deal's close date, not the month-end close", async () => {
      const { answerer } = await world(org);
      const deal = dealOf(scenario.deals.acme);
      const chat = new Conversation(answerer, "sam");

      await chat.ask(`tell me about the ${bare(deal.company.name)} deal`);
      const when = await chat.ask("when does it close?");
      const again = await chat.ask("and the close date?");

      for (const turn of [when, again]) {
        expect(toolsOf(turn)).toEqual(["crm_deal_detail"]);
        expect(turn.text).not.toMatch(/your roles don't include/);
      }
    });

    it("answers 'any failed payments?' for customer success from the CRM's churn signals, only those customers", async () => {
      const { answerer, read } = await world(org);
      const atRisk = (await read("crm_account_health")).atRisk as { name: string; signals: string[] }[];
      const failed = atRisk.filter((c) => c.signals.some((s) => /payment failed/i.test(s)));
      expect(failed.length).toBeGreaterThan(0);

      const turn = await new Conversation(answerer, "priya").ask("any failed payments?");

      expect(toolsOf(turn)).toEqual(["crm_account_health"]);
      for (const c of atRisk) {
        if (failed.includes(c)) expect(turn.text).toContain(c.name);
        else expect(turn.text).not.toContain(c.name);
      }
    });
  });
}
