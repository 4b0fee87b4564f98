/**
 * The filters people say (issue 13, item 4) and the requests daybook cannot do, through the
 * offline model on the demo and the second organisation. Expectations come from each
 * organisation's own data, read through the tools without the filter words.
 */
import { describe, expect, it } from "vitest";
import { createAgentAnswerer } from "../chains/agent/agent.ts";
import { loadKnownEntities } from "../chains/agent/entities.ts";
import { createChatModel } from "../chains/agent/model-factory.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { type DemoOrg, generateDemoOrg, scenario } from "../tools/demo/generate.ts";
import { Conversation, demoNow } from "./agent-fixtures.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { callsOf, offlineAgent } from "./support/offline-agent.ts";

const clock = fixedClock(demoNow);
const world = (org: DemoOrg) => offlineAgent(org, clock);

const orgs: [string, () => DemoOrg][] = [
  ["the demo", () => generateDemoOrg({ now: Date.parse(demoNow) })],
  ["the second organisation", () => generateDemoOrg({ now: Date.parse(demoNow), profile: secondOrgProfile })],
];

for (const [name, make] of orgs) {
  describe(`filters people say, on ${name}`, () => {
    const org = make();
    const month = demoNow.slice(0, 7);

    it("lists the unreconciled bank lines, and only those", async () => {
      const { ask, ports } = await world(org);
      const lines = await ports.accounting.listBankTransactions(month);
      const open = lines.filter((t) => !t.reconciled);

      const turn = await ask("show unreconciled bank transactions");

      expect(callsOf(turn)[0]?.args).toMatchObject({ reconciled: false });
      expect(open.length).toBeGreaterThan(0);
      for (const t of open) expect(turn.text).toContain(t.description);
      expect(turn.text).not.toMatch(/\(reconciled\)/);
      expect(turn.text.split("\n").filter((l) => l.startsWith("- ") && !l.startsWith("- and "))).toHaveLength(
        open.length,
      );
    });

    it("finds 'that <amount> wire' by its amount, not the largest payments", async () => {
      const { ask, ports } = await world(org);
      const lines = await ports.accounting.listBankTransactions(month);
      const wire = lines.find((t) => !t.reconciled && t.amount < 0) as (typeof lines)[number];
      const amount = Math.abs(wire.amount);
      const symbol = org.profile.currency === "EUR" ? "€" : "$";

      const turn = await ask(`what's that ${symbol}${amount.toLocaleString("en-US")} wire?`);

      expect(callsOf(turn)[0]).toMatchObject({ tool: "accounting_bank_transactions", args: { amount } });
      expect(turn.text).toContain(wire.description);
      expect(turn.text.split("\n").filter((l) => l.startsWith("- ") && !l.startsWith("- and ")).length).toBe(
        lines.filter((t) => Math.abs(Math.abs(t.amount) - amount) < 1).length,
      );
    });

    it("shows bills awaiting approval only, none paid", async () => {
      const { ask } = await world(org);

      const turn = await ask("show me bills awaiting approval");

      expect(callsOf(turn)[0]).toMatchObject({ tool: "accounting_invoices", args: { status: "SUBMITTED" } });
      const items = turn.text.split("\n").filter((l) => l.startsWith("- ") && !l.startsWith("- and "));
      expect(items.length).toBeGreaterThan(0);
      for (const l of items) expect(l).toContain("submitted");
    });

    it("shows unpaid bills without the paid ones", async () => {
      const { ask } = await world(org);

      const turn = await ask("unpaid bills");

      expect(callsOf(turn)[0]).toMatchObject({ tool: "accounting_invoices", args: { unpaid: true } });
      expect(turn.text).not.toMatch(/, paid \(/);
    });

    it("reads 'invoices from <vendor>' as that vendor's bills", async () => {
      const { ask } = await world(org);
      const vendor = org.accounting.invoices.find((i) => i.number === scenario.invoices.noPo)?.contact.name as string;

      const turn = await ask(`invoices from ${vendor}`);

      expect(callsOf(turn)[0]).toMatchObject({ tool: "accounting_invoices", args: { contact: vendor } });
      const items = turn.text.split("\n").filter((l) => l.startsWith("- ") && !l.startsWith("- and "));
      expect(items.length).toBeGreaterThan(0);
      for (const l of items) expect(l).toContain(vendor);
    });

    it("answers 'what was revenue this quarter?' for the quarter so far, not one month", async () => {
      const { ask } = await world(org);

      const turn = await ask("what was revenue this quarter?");

      expect(callsOf(turn)).toEqual([{ tool: "accounting_profit_and_loss", args: { period: "Q4 2026" } }]);
      expect(turn.text.split("\n")[0]).toMatch(/^Q4 2026/);
    });

    it("lists the open deals expected to close next month, and no closed deal", async () => {
      const { ask } = await world(org);
      const next = "2026-12";
      const closing = org.crm.deals.filter((d) => !/^Closed/.test(d.stage) && (d.closeDate ?? "").startsWith(next));

      const turn = await ask("which deals close next month?");

      expect(closing.length).toBeGreaterThan(0);
      for (const d of closing) expect(turn.text).toContain(d.name);
      expect(turn.text).not.toMatch(/Closed (Won|Lost)|won|lost/);
    });

    it("says no open deal closes this month when none does, instead of showing closed deals", async () => {
      const { ask } = await world(org);
      const closing = org.crm.deals.filter((d) => !/^Closed/.test(d.stage) && (d.closeDate ?? "").startsWith(month));

      const turn = await ask("which deals close this month?");

      if (closing.length === 0) expect(turn.text).toBe("No open deal is expected to close this month.");
      for (const d of closing) expect(turn.text).toContain(d.name);
      expect(turn.text).not.toMatch(/Closed deals|won|lost/i);
    });
  });

  describe(`deal questions from someone without the CRM, on ${name}`, () => {
    it("refuses 'which deals close this month?' for a finance-only person instead of showing the month-end close", async () => {
      const ports = createDemoPorts({ clock, org: make() });
      const catalog = createToolCatalog(ports, { clock });
      const { model, label } = await createChatModel({ clock, entities: await loadKnownEntities(ports) });
      const answerer = createAgentAnswerer({
        model,
        modelLabel: label,
        catalog,
        approvals: { requestApproval: async () => Promise.reject(new Error("no writes expected")) },
        logger: silentLogger,
        clock,
      });

      const turn = await new Conversation(answerer, "fiona").ask("which deals close this month?");

      expect(callsOf(turn)).toEqual([]);
      expect(turn.text).toContain("can't look at the CRM");
    });
  });

  describe(`requests daybook cannot do, on ${name}`, () => {
    const org = make();
    const customer = org.crm.customers.find((c) => c.id === scenario.customers.brightTech)?.name as string;

    for (const [question, says] of [
      // The P&L, bills, exceptions and deals export to CSV (export-tools.ts); a sprint report does not.
      ["export the sprint report to CSV", /can't export that/],
      ["forecast next quarter's bookings", /can't forecast/],
      [`schedule a QBR with ${customer} next week`, /can't book meetings/],
      ["email the board the weekly summary", /can't send emails/],
      ["close the sprint", /can't change an issue's status or the sprint/],
      // "remind me about <x> tomorrow" is a reminder (src/bot/reminders.ts); a repeating one is not.
      [`ping me about ${customer} every morning`, /can't set repeating reminders/],
    ] as const) {
      it(`says honestly it can't: "${question.replace(customer, "<customer>")}"`, async () => {
        const { ask } = await world(org);

        const turn = await ask(question);

        expect(callsOf(turn)).toEqual([]);
        expect(turn.text).toMatch(says);
        expect(turn.text).toMatch(/I can (show|draft|post|remind)/);
        expect(turn.text).not.toMatch(/could not match/);
      });
    }
  });
}
