/**
 * Follow-up or new topic (issue 13, item 3) and the questions that name one answer precisely,
 * on the demo and on the second organisation. Every expectation is read from the
 * organisation's own data (the generated org and the tools' own results), never from a reply.
 */
import { describe, expect, it } from "vitest";
import { topicOf } from "../chains/agent/follow-up.ts";
import { fixedClock } from "../src/core/clock.ts";
import { type DemoOrg, generateDemoOrg, scenario } from "../tools/demo/generate.ts";
import { Conversation, demoNow } from "./agent-fixtures.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { offlineAgent, toolsOf } from "./support/offline-agent.ts";

const clock = fixedClock(demoNow);
const world = (org: DemoOrg) => offlineAgent(org, clock);

const orgs: [string, () => DemoOrg][] = [
  ["the demo", () => generateDemoOrg({ now: Date.parse(demoNow) })],
  ["the second organisation", () => generateDemoOrg({ now: Date.parse(demoNow), profile: secondOrgProfile })],
];

describe("deciding follow-up or new topic", () => {
  it("reads ordinals, pronouns and bare 'why?' as follow-ups", () => {
    expect(topicOf("and the second one?").kind).toBe("ordinal");
    expect(topicOf("who owns it?").kind).toBe("follow-up");
    expect(topicOf("why?").kind).toBe("follow-up");
    expect(topicOf("how come?").kind).toBe("follow-up");
  });

  it("reads 'the ticket' or 'the note' alone as a part of the record just shown, and a period as no ordinal", () => {
    expect(topicOf("what's the ticket about?").kind).toBe("follow-up");
    expect(topicOf("what's in the note?").kind).toBe("follow-up");
    expect(topicOf("how's the sprint?").kind).toBe("new-topic");
    expect(topicOf("what did we win in the last 30 days?").kind).toBe("new-topic");
    expect(topicOf("and the last one?").kind).toBe("ordinal");
    expect(topicOf("what should I do?").kind).toBe("follow-up");
  });

  it("reads 'and November?' as the previous question with one thing changed", () => {
    expect(topicOf("and November?")).toEqual({ kind: "follow-up", reason: "refine" });
    expect(topicOf("and what's blocking the sprint?").kind).toBe("new-topic");
  });

  it("reads a short question with its own subject or intent as a new topic", () => {
    for (const q of [
      "what's our total pipeline?",
      "any duplicate bills?",
      "what's Maria working on?",
      "what's that $2,100 wire?",
    ])
      expect(topicOf(q).kind, q).toBe("new-topic");
  });
});

for (const [name, make] of orgs) {
  describe(`topics and precise questions on ${name}`, () => {
    const org = make();

    it("answers 'any duplicate bills?' after an invoice with the duplicates, not that invoice again", async () => {
      const { answerer } = await world(org);
      const chat = new Conversation(answerer, "alex");
      const { duplicate, noPo } = scenario.invoices;

      await chat.ask(`show invoice ${noPo}`);
      const turn = await chat.ask("any duplicate bills?");

      expect(toolsOf(turn)).toEqual(["accounting_close_exceptions"]);
      expect(turn.text).toContain(duplicate);
      expect(turn.text).not.toContain(noPo);
    });

    it("answers 'did we get billed twice by anyone?' with the duplicates, not a request for a key", async () => {
      const { answerer, read } = await world(org);
      const close = await read("accounting_close_exceptions");
      const dups = (close.duplicates as { number: string }[]).map((d) => d.number);

      const turn = await new Conversation(answerer, "alex").ask("Did we get billed twice by anyone?");

      expect(dups.length).toBeGreaterThan(0);
      for (const n of dups) expect(turn.text).toContain(n);
      expect(turn.text).not.toMatch(/I need the/);
    });

    it("names the story blocked the longest, not a shorter blocker", async () => {
      const { answerer, read } = await world(org);
      const blockers = (await read("jira_blockers")).blockers as { key: string; owner: string; blockedDays: number }[];
      const longest = Math.max(...blockers.map((b) => b.blockedDays));
      const chat = new Conversation(answerer, "alex");

      await chat.ask("what's blocking the sprint?");
      const turn = await chat.ask("who's been blocked the longest?");

      for (const b of blockers) {
        if (b.blockedDays === longest) expect(turn.text).toContain(b.key);
        else expect(turn.text).not.toContain(b.key);
      }
      expect(turn.text.split("\n")[0]).toContain("blocked the longest");
    });

    it("answers 'how far along is the sprint' with its completion, without the blocked and at-risk lists", async () => {
      const { answerer, read } = await world(org);
      const status = await read("jira_sprint_status");
      const progress = status.progress as { donePct: number };
      const chat = new Conversation(answerer, "alex");

      await chat.ask("which stories are at risk?");
      const turn = await chat.ask("how far along is the sprint");

      expect(turn.text).toContain(`${progress.donePct}% done`);
      expect(turn.text).not.toMatch(/At risk|Blocked \(/);
    });

    it("starts clean on a new question after a deal: the deal's name is not carried into it", async () => {
      const { answerer } = await world(org);
      const deal = org.crm.deals.find((d) => d.id === scenario.deals.betaCo);
      const company = deal?.company.name.replace(/\s+(Inc|Corp|LLC|Co|Ltd|GmbH)\.?$/i, "") ?? "?";
      const chat = new Conversation(answerer, "alex");

      await chat.ask(`tell me about the ${company} deal`);
      const turn = await chat.ask("how far along is the sprint");

      expect(toolsOf(turn)).toEqual(["jira_sprint_status"]);
      expect(turn.text).not.toContain(company);
    });

    it("answers 'what's our total pipeline?' after won deals with the open pipeline, not the won deals again", async () => {
      const { answerer, read } = await world(org);
      const open = await read("crm_deals_by_priority");
      const chat = new Conversation(answerer, "alex");

      await chat.ask("show won deals");
      const turn = await chat.ask("what's our total pipeline?");

      expect(toolsOf(turn)).toEqual(["crm_deals_by_priority"]);
      expect(turn.text.split("\n")[0]).toMatch(/^Pipeline: /);
      expect(turn.text.split("\n")[0]).toContain(`${open.openDeals} open deals`);
      expect(turn.text).not.toMatch(/Closed deals|won/i);
    });

    it("reads 'how much pipeline does <owner> have?' as that owner's open deals", async () => {
      const { answerer } = await world(org);
      const owner = org.crm.deals.find((d) => d.ownerName && d.ownerId !== "owner-alex");
      const first = owner?.ownerName?.split(/\s+/)[0] ?? "?";

      const turn = await new Conversation(answerer, "alex").ask(`how much pipeline does ${first} have?`);

      expect((turn.answer.data as { calls: { tool: string; args: unknown }[] }).calls).toEqual([
        { tool: "crm_deals_by_priority", args: { ownerId: owner?.ownerId } },
      ]);
      expect(turn.text).toMatch(/^Pipeline: /);
      expect(turn.text).not.toMatch(/I need the/);
    });

    it("answers 'what's <person> working on?' after a deal with that person's open issues", async () => {
      const { answerer } = await world(org);
      const person = org.jira.issues.find((i) => i.assignee && i.statusCategory === "in_progress")?.assignee ?? "?";
      const mine = org.jira.issues.filter((i) => i.assignee === person && i.statusCategory === "in_progress");
      const company = org.crm.deals.find((d) => d.id === scenario.deals.acme)?.company.name ?? "?";
      const chat = new Conversation(answerer, "alex");

      await chat.ask(`tell me about the ${company} deal`);
      const turn = await chat.ask(`what's ${person.split(/\s+/)[0]} working on?`);

      expect(toolsOf(turn)).toEqual(["jira_search_issues"]);
      for (const issue of mine.slice(0, 5)) expect(turn.text).toContain(issue.key);
      expect(turn.text).not.toContain(company);
    });

    it("asks the previous question again for 'and November?' with only the month changed", async () => {
      const { answerer } = await world(org);
      const chat = new Conversation(answerer, "alex");

      await chat.ask("P&L for October");
      const turn = await chat.ask("and November?");

      expect((turn.answer.data as { calls: unknown[] }).calls).toEqual([
        { tool: "accounting_profit_and_loss", args: { month: "2026-11" } },
      ]);
    });

    it("answers 'who's the vendor?' from the invoice just shown", async () => {
      const { answerer } = await world(org);
      const invoice = org.accounting.invoices.find((i) => i.number === scenario.invoices.noPo);
      const chat = new Conversation(answerer, "alex");

      await chat.ask(`show invoice ${scenario.invoices.noPo}`);
      const turn = await chat.ask("who's the vendor?");

      expect(turn.text.split("\n")[0]).toContain(invoice?.contact.name as string);
      expect(turn.text.split("\n")[0]).toContain(scenario.invoices.noPo);
    });

    it("keeps the month of the P&L just shown for 'what was net profit?'", async () => {
      const { answerer } = await world(org);
      const chat = new Conversation(answerer, "alex");

      await chat.ask("P&L for October");
      const turn = await chat.ask("what was net profit?");

      expect((turn.answer.data as { calls: unknown[] }).calls).toEqual([
        { tool: "accounting_profit_and_loss", args: { month: "2026-10" } },
      ]);
    });

    it("still resolves 'who owns it?' against the customer the previous reply showed", async () => {
      const { answerer, read } = await world(org);
      const risk = await read("crm_account_health");
      const second = (risk.atRisk as { name: string }[])[1]?.name ?? "?";
      const chat = new Conversation(answerer, "alex");

      await chat.ask("which customers might churn?");
      await chat.ask("why is the second one at risk?");
      const turn = await chat.ask("who owns it?");

      expect(toolsOf(turn)).toEqual(["crm_account_health"]);
      expect(turn.text).toContain(second);
    });
  });
}
