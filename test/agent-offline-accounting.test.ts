/**
 * Accounting questions the offline model answers precisely (issue 13, item 4), on the demo and
 * the second organisation, asked as that organisation's controller mid-month and on the 1st
 * (when the month being closed is last month): bank lines not reconciled ("and the bank side?"),
 * bills without a PO awaiting approval, unpaid bills from one vendor across the close month and
 * this one, and "why is it flagged?" about the bill just shown. Expectations come from the data.
 */
import { describe, expect, it } from "vitest";
import { loadOrgData } from "./eval/data.ts";
import { money } from "./eval/facts.ts";
import { createWorld, type OrgName } from "./eval/world.ts";

const controller = { demo: "fiona", second: "greta" } as const;

for (const org of ["demo", "second"] as OrgName[]) {
  for (const at of ["2026-11-23T09:00:00Z", "2026-12-01T07:00:00Z"]) {
    describe(`accounting questions on the ${org} organisation at ${at.slice(0, 10)}`, () => {
      async function setup() {
        const world = await createWorld(org, at);
        const data = await loadOrgData(world);
        const thread = `acc-${Math.random().toString(36).slice(2)}`;
        const chat = async (...qs: string[]) => {
          const replies: string[] = [];
          for (const q of qs) replies.push((await world.say(controller[org], thread, q)).text);
          return replies;
        };
        return { data, chat };
      }

      it("answers 'and the bank side?' after the close with the close month's unreconciled lines", async () => {
        const { data, chat } = await setup();
        expect(data.unreconciled.length).toBeGreaterThan(0);

        const [, bank] = await chat("what's still open for month end", "and the bank side?");

        for (const line of data.unreconciled) expect(money(line.amount).test(bank ?? ""), bank).toBe(true);
        expect(bank).not.toMatch(/\b0 not\b/);
      });

      it("lists bills awaiting approval without a PO, not the duplicate that has one", async () => {
        const { data, chat } = await setup();
        const noPo = data.withoutPo.map((b) => b.number);
        const withPo = data.awaitingApproval.filter((b) => b.purchaseOrderNumber).map((b) => b.number);

        const [reply] = await chat("bills awaiting approval without a PO");

        for (const n of noPo) expect(reply).toContain(n);
        for (const n of withPo) expect(reply).not.toContain(`Invoice ${n} `);
      });

      it("lists a vendor's unpaid bills of the close month and after", async () => {
        const { data, chat } = await setup();
        const [dup] = data.duplicates[0] ?? [];
        if (!dup) throw new Error("no duplicate bill");
        const unpaid = data.bills.filter((b) => b.contact.name === dup.contact.name && b.status !== "PAID");

        const [reply] = await chat(`unpaid bills from ${dup.contact.name}`);

        for (const b of unpaid.slice(0, 3)) expect(reply).toContain(b.number);
        expect(reply).not.toMatch(/^0 bills/);
      });

      it("shows every bill awaiting approval of the close month and after, with the one without a PO and the duplicate", async () => {
        const { data, chat } = await setup();
        const [dup] = data.duplicates[0] ?? [];

        const [reply] = await chat("show me bills awaiting approval");

        expect(reply).toMatch(new RegExp(`^${data.awaitingApproval.length} bills`));
        for (const b of data.withoutPo) expect(reply).toContain(b.number);
        expect(reply).toContain(dup?.number);
        for (const b of data.bills.filter((x) => x.status === "PAID").slice(0, 5))
          expect(reply).not.toContain(`Invoice ${b.number} `);
      });

      it("answers 'why is it flagged?' about the bill without a PO just shown", async () => {
        const { chat } = await setup();

        const [, one, why] = await chat(
          "what's left for the close?",
          "and the one without a PO?",
          "why is it flagged?",
        );

        expect(one).not.toMatch(/duplicate/i);
        expect(why).toMatch(/\bno purchase order\b/i);
        expect(why).not.toMatch(/net profit/);
      });
    });
  }
}
