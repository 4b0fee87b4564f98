/**
 * Coding an unreconciled bank line (issue 16, item 6): "the <amount> wire is the legal
 * settlement" through the real agent (offline model) on the demo and the second organisation,
 * on a pinned date, a month end, the year end and a leap day. The line and the account are
 * found from each organisation's own books; the write waits for a finance approver and runs once.
 */
import { describe, expect, it } from "vitest";
import { renderCard } from "../adapters/slack/format/block-kit.ts";
import { renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { type Card, cardButtons, cardToText } from "../src/core/card.ts";
import type { BankTransaction } from "../src/core/domain/accounting.ts";
import { closeMonth } from "../src/core/period.ts";
import { accountsNamed, linesMatching } from "../tools/accounting/bank-coding.ts";
import { formatMoney } from "../tools/shared/compact.ts";
import { expectValidAdaptiveCard } from "./support/adaptive-cards.ts";
import { blockKitViolations } from "./support/block-kit.ts";
import { sweepOrgs } from "./support/sweep.ts";
import { threadWorld } from "./support/thread-world.ts";

const orgs = [
  { o: sweepOrgs[0]!, approver: "fiona" },
  { o: sweepOrgs[2]!, approver: "greta" },
];
const pinned = "2026-12-03T09:00:00Z";
const dates = [pinned, "2027-01-31T22:45:00Z", "2026-12-31T23:59:00Z", "2028-02-29T12:00:00Z"];

function expectRendersOnBothPlatforms(card: Card): void {
  expect(blockKitViolations(renderCard(card))).toEqual([]);
  expectValidAdaptiveCard(renderAdaptiveCard(card));
}

const line = (over: Partial<BankTransaction>): BankTransaction => ({
  id: "b1",
  date: "2026-11-18",
  amount: -2100,
  kind: "SPEND",
  description: "Outgoing wire",
  reconciled: false,
  bankAccount: "Main",
  ...over,
});

describe("finding the account and the line the words name", () => {
  const chart = [
    { code: "404", name: "Bank Fees" },
    { code: "090", name: "Bank" },
    { code: "441", name: "Legal expenses" },
    { code: "485", name: "Subscriptions" },
  ];

  it("takes 'legal settlement' to Legal expenses and 'bank fees' to Bank Fees, not Bank", () => {
    expect(accountsNamed("legal settlement", chart).map((a) => a.code)).toEqual(["441"]);
    expect(accountsNamed("bank fees", chart).map((a) => a.code)).toEqual(["404"]);
  });

  it("names no account when no word matches", () => {
    expect(accountsNamed("payroll", chart)).toEqual([]);
  });

  it("finds unreconciled lines of the amount either way round and tells two apart by date", () => {
    const lines = [
      line({ id: "a" }),
      line({ id: "b", date: "2026-11-20" }),
      line({ id: "c", reconciled: true }),
      line({ id: "d", amount: 2100 }),
    ];
    expect(linesMatching(lines, { amount: 2100 }).map((t) => t.id)).toEqual(["a", "b", "d"]);
    expect(linesMatching(lines, { amount: 2100, date: "2026-11-20" }).map((t) => t.id)).toEqual(["b"]);
  });
});

for (const { o, approver } of orgs) {
  describe(`coding a bank line on ${o.label}`, () => {
    for (const at of dates) {
      it(`codes the unreconciled wire to the legal account once approved (${at})`, async () => {
        const now = Date.parse(at);
        const world = await threadWorld(o, now);
        try {
          const month = closeMonth(now, o.org.timezone);
          const open = (await world.ports.accounting.listBankTransactions(month)).filter(
            (t) => !t.reconciled && t.amount < -100,
          );
          expect(open).toHaveLength(1);
          const wire = open[0]!;
          const currency = o.profile.currency;
          const chart = await world.ports.accounting.listAccounts!();
          const legal = accountsNamed("legal", chart);
          expect(legal).toHaveLength(1);

          const symbol = formatMoney(0, currency).replace(/[\d.,\s]/g, "");
          const said = `the ${symbol}${Math.abs(wire.amount).toLocaleString("en-US")} wire is the legal settlement`;
          const cards = await world.say(said);
          const card = cards.find((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID));
          expect(card, cards.map(cardToText).join("\n")).toBeDefined();
          const text = cardToText(card!);
          expect(text).toContain(wire.date.slice(0, 10));
          expect(text).toContain(`${legal[0]!.name} (${legal[0]!.code})`);
          expect(text).toContain("Legal settlement");
          expect(text).toContain(formatMoney(Math.abs(wire.amount), currency));
          expectRendersOnBothPlatforms(card!);
          // Nothing is written before a person approves.
          const still = (await world.ports.accounting.listBankTransactions(month)).find((t) => t.id === wire.id)!;
          expect(still.reconciled).toBe(false);

          const id = cardButtons(card!).find((b) => b.actionId === APPROVE_ACTION_ID)!.value!;
          const self = await world.app.approvals.decide(id, { platform: "console", id: o.asker }, "approve");
          expect(self.kind).toBe("not_allowed");
          const first = await world.app.approvals.decide(id, { platform: "console", id: approver }, "approve");
          expect(first.kind).toBe("decided");
          const second = await world.app.approvals.decide(id, { platform: "console", id: approver }, "approve");
          expect(second.kind).toBe("already_decided");
          if (first.kind === "decided") {
            expect(first.approval.outcome?.ok).toBe(true);
            expect(first.approval.outcome?.summary).toContain(legal[0]!.name);
            expectRendersOnBothPlatforms(first.card);
          }
          const after = (await world.ports.accounting.listBankTransactions(month)).find((t) => t.id === wire.id)!;
          expect(after.reconciled).toBe(true);
          expect(after.matchedTo).toBe(`${legal[0]!.code} ${legal[0]!.name}: Legal settlement`);
        } finally {
          await world.close();
        }
      });
    }

    it("asks which line when no unreconciled line has the amount, and requests nothing", async () => {
      const world = await threadWorld(o, Date.parse(pinned));
      try {
        const symbol = formatMoney(0, o.profile.currency).replace(/[\d.,\s]/g, "");
        const cards = await world.say(`the ${symbol}987,654 wire is the legal settlement`);
        expect(cards.some((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID))).toBe(false);
        expect(cards.map(cardToText).join("\n")).toContain("no unreconciled bank line");
      } finally {
        await world.close();
      }
    });
  });
}
