/**
 * CRM questions the offline model answers precisely (issue 13, item 4), on the demo and the
 * second organisation, asked as that organisation's own account executive or CSM: the biggest
 * deals and their follow-ups, deals over an amount, what was won in a period (not "the last"
 * item of the previous list), "why?" after a list, churn in other words, and "what should I do?".
 */
import { describe, expect, it } from "vitest";
import { loadOrgData } from "./eval/data.ts";
import { date, money } from "./eval/facts.ts";
import { createWorld, type OrgName } from "./eval/world.ts";

const ae = { demo: "sam", second: "emre" } as const;
const csm = { demo: "priya", second: "ines" } as const;
const at = "2026-11-23T09:00:00Z";
const bare = (company: string) => company.replace(/\s+(Inc|Corp|LLC|Co|Ltd|GmbH|AG|KG|SE)\.?$/i, "");
const DAY = 86_400_000;

for (const org of ["demo", "second"] as OrgName[]) {
  describe(`CRM questions on the ${org} organisation`, () => {
    async function setup(user: string) {
      const world = await createWorld(org, at);
      const data = await loadOrgData(world);
      const me = data.people.find((p) => p.id === user)?.name ?? "?";
      const thread = `crm-${Math.random().toString(36).slice(2)}`;
      const chat = async (...qs: string[]) => {
        const replies: string[] = [];
        for (const q of qs) replies.push((await world.say(user, thread, q)).text);
        return replies;
      };
      return { data, me, chat };
    }

    it("answers 'what's my biggest deal?', 'and the second biggest?' and 'when does it close?' from the asker's deals by amount", async () => {
      const { data, me, chat } = await setup(ae[org]);
      const mine = [...(data.byOwner.get(me) ?? [])].sort((a, b) => b.amount - a.amount);
      expect(mine.length).toBeGreaterThan(1);

      const [biggest, second, close] = await chat(
        "what's my biggest deal?",
        "and the second biggest?",
        "when does it close?",
      );

      expect(biggest).toContain(bare(mine[0]?.company.name ?? "?"));
      expect(biggest).not.toContain(bare(mine[1]?.company.name ?? "?"));
      expect(second).toContain(bare(mine[1]?.company.name ?? "?"));
      expect(date(mine[1]?.closeDate ?? "?").test(close), close).toBe(true);
      expect(close).not.toMatch(/your roles don't include/);
    });

    it("lists only the open deals over the amount named", async () => {
      const { data, chat } = await setup(org === "demo" ? "alex" : "clara");
      const cur = data.currency === "EUR" ? "€" : "$";
      const [reply] = await chat(`deals over ${cur}200,000`);

      for (const d of data.open.filter((x) => x.amount > 200_000)) expect(reply).toContain(bare(d.company.name));
      for (const d of data.open.filter((x) => x.amount < 100_000)) expect(reply).not.toContain(d.name);
    });

    it("reads 'in the last 30 days' as a period, not as 'the last' item of the previous answer", async () => {
      const { data, chat } = await setup(org === "demo" ? "alex" : "clara");
      const won = data.closed.filter((c) => c.outcome === "won" && data.now - Date.parse(c.closeDate) <= 30 * DAY);
      expect(won.length).toBeGreaterThan(0);

      const [, reply] = await chat("P&L for last month", "what did we win in the last 30 days?");

      for (const d of won) expect(reply).toContain(bare(d.company.name));
      expect(reply).not.toMatch(/net profit/);
    });

    it("answers 'how much ARR is at risk?' with the churn list's ARR, not the renewals calendar", async () => {
      const { data, chat } = await setup(csm[org]);
      const arr = data.customers
        .filter((c) => c.usageChange <= -0.3 || c.lastFailedPaymentAt !== undefined)
        .reduce((a, c) => a + c.arr, 0);

      const [reply] = await chat("how much ARR is at risk?");

      expect(money(arr).test(reply ?? ""), reply).toBe(true);
      expect(reply).not.toMatch(/renew/i);
    });

    it("reads 'what's the ticket about?' after the churn list as the customer's support ticket, not a Jira question", async () => {
      const { data, chat } = await setup(csm[org]);
      const ticket = data.customers.flatMap((c) => c.tickets.filter((x) => x.status === "open"))[0];
      if (!ticket) throw new Error("no open support ticket");

      const [, reply] = await chat("which customers have an open support ticket?", "what's the ticket about?");

      expect(reply).toContain(ticket.subject);
      expect(reply).not.toMatch(/your roles don't include/);
    });

    it("reads 'who's about to walk?' as churn risk and 'what should I do?' after a customer as that customer's next step", async () => {
      const { data, chat } = await setup(csm[org]);
      const top = data.atRisk[0];
      if (!top) throw new Error("no at-risk customer");

      const [walk, , todo] = await chat("who's about to walk?", `is ${bare(top.name)} ok?`, "what should I do?");

      expect(walk).toContain(bare(top.name));
      expect(todo).toContain(bare(top.name));
      expect(todo).not.toMatch(/could not match/);
    });
  });
}
