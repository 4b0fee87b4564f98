/**
 * Phrasings found by asking as a new user would (issue 13, item 2), on the demo and the second
 * organisation and on two dates: "how do we win <deal>?" reads that deal, not the deals already
 * won; 'and last month?' re-asks the previous question for another period; an empty list of bills states its zero in the organisation's currency, not in dollars.
 * Expectations come from the generated organisation and the tools' own results.
 */
import { describe, expect, it } from "vitest";
import { fixedClock } from "../src/core/clock.ts";
import type { DemoOrg } from "../tools/demo/generate.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { Conversation } from "./agent-fixtures.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { offlineAgent, toolsOf } from "./support/offline-agent.ts";

const dates = ["2026-11-23T09:00:00Z", "2026-12-01T07:00:00Z"];
const orgs: [string, string, (now: number) => DemoOrg][] = [
  ["the demo", "$", (now) => generateDemoOrg({ now })],
  ["the second organisation", "€", (now) => generateDemoOrg({ now, profile: secondOrgProfile })],
];
const bare = (company: string) => company.replace(/\s+(Inc|Corp|LLC|Co|Ltd|GmbH|AG)\.?$/i, "");

describe.each(orgs)("held-out phrasings on %s", (_name, sign, make) => {
  describe.each(dates)("on %s", (at) => {
    const clock = fixedClock(at);
    const org = make(clock.now());
    const openDeal = org.crm.deals.find((d) => !/^closed/i.test(d.stage));
    if (!openDeal) throw new Error("the organisation has no open deal");

    it("reads 'how do we win <company>?' as that deal's state and next step, not the deals won", async () => {
      const { ask } = await offlineAgent(org, clock);
      for (const q of [`how do we win ${bare(openDeal.company.name)}?`, `wat does it take to close ${openDeal.name}`]) {
        const turn = await ask(q);
        expect(toolsOf(turn)).toEqual(["crm_deal_detail"]);
        expect(turn.text).toContain(openDeal.name);
        expect(turn.text).toContain(openDeal.stage);
      }
    });

    it("reads 'how do we win <name>?' as the deal when a customer has a similar name", async () => {
      const { ask } = await offlineAgent(org, clock);
      // A deal whose company's short name also begins a customer's name ("LumenCloud LLC" and "LumenCloud Inc").
      const clash = org.crm.deals.find(
        (d) =>
          !/^closed/i.test(d.stage) &&
          org.crm.customers.some(
            (c) => c.name !== d.company.name && c.name.toLowerCase().startsWith(bare(d.company.name).toLowerCase()),
          ),
      );
      if (!clash) return; // nothing in this organisation to confuse
      const turn = await ask(`what does it take to close ${bare(clash.company.name)}`);
      expect(toolsOf(turn)).toEqual(["crm_deal_detail"]);
      expect(turn.text).toContain(clash.name);
    });

    it("keeps the deal for 'how can we still win it?' after a question about it", async () => {
      const { answerer } = await offlineAgent(org, clock);
      const chat = new Conversation(answerer, "alex");
      await chat.ask(`what's the latest on ${openDeal.name}?`);
      const turn = await chat.ask("how can we still win it?");
      expect(toolsOf(turn)).toEqual(["crm_deal_detail"]);
      expect(turn.text).toContain(openDeal.name);
    });

    it("leaves 'how do we win more deals?', which names no deal, to the closed-deals list", async () => {
      const { ask } = await offlineAgent(org, clock);
      expect(toolsOf(await ask("how do we win more deals?"))).not.toContain("crm_deal_detail");
    });

    it("answers 'and last month?' after the P&L with the P&L of last month, not the cash runway", async () => {
      const { answerer } = await offlineAgent(org, clock);
      const chat = new Conversation(answerer, "alex");
      await chat.ask("what's our P&L this month?");
      const turn = await chat.ask("and last month?");
      expect(toolsOf(turn)).toEqual(["accounting_profit_and_loss"]);
      const now = new Date(clock.now());
      const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
      expect(turn.text).toContain(
        lastMonth.toLocaleDateString("en-US", { month: "long", year: "numeric", timeZone: "UTC" }),
      );
    });

    it("reads 'any bugs open?' as the open bugs, not every issue", async () => {
      const { ask, read } = await offlineAgent(org, clock);
      const open = await read("jira_search_issues", { type: "Bug", open: true });
      const keys = (open.issues as { key: string }[]).map((i) => i.key);
      expect(keys.length).toBeGreaterThan(0);
      const turn = await ask("any bugs open?");
      expect(toolsOf(turn)).toEqual(["jira_search_issues"]);
      for (const key of keys.slice(0, 5)) expect(turn.text).toContain(key);
      const done = org.jira.issues.find((i) => i.type === "Bug" && i.statusCategory === "done");
      if (done) expect(turn.text).not.toContain(`${done.key} `);
    });

    it("states an empty list's zero in the organisation's currency", async () => {
      const { ask, read, ports } = await offlineAgent(org, clock);
      // A vendor with no bills: the list is empty on every date.
      const none = await read("accounting_invoices", { contact: "Nobody Trading Ltd" });
      expect(none.count).toBe(0);
      expect(none.currency).toBe(sign === "$" ? "USD" : "EUR");
      // Bills of the month being closed (the previous one through the 10th) and after, still open and past due.
      const today = new Date(clock.now()).toISOString().slice(0, 10);
      const thisMonth = today.slice(0, 7);
      const previous = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 2, 1)).toISOString();
      const months = Number(today.slice(8, 10)) <= 10 ? [previous.slice(0, 7), thisMonth] : [thisMonth];
      const bills = (
        await Promise.all(months.map((month) => ports.accounting.listInvoices({ month, type: "ACCPAY" })))
      ).flat();
      const overdue = bills.filter(
        (b) => (b.status === "SUBMITTED" || b.status === "AUTHORISED") && b.dueDate !== undefined && b.dueDate < today,
      );
      const turn = await ask("any overdue bills?");
      expect(turn.text).toContain(`${overdue.length} bills`);
      expect(turn.text).toMatch(new RegExp(`\\${sign}\\d`));
      expect(turn.text).not.toMatch(sign === "$" ? /€\d/ : /\$\d/);
    });
  });
});
