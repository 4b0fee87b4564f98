/**
 * Coding a bank line in Xero (issue 16, item 6): "the <amount> wire is the legal settlement"
 * through the composed app and the real Xero connector (xero-node) against the local Xero fake,
 * on the demo and the second organisation, on a month end, the year end and a leap day. The
 * card names the line, the account and what Xero will do; on approval one POST
 * /BankTransactions/{id} carries the account code and the memo, and a second click writes nothing.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { renderCard } from "../adapters/slack/format/block-kit.ts";
import { renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { loadConfig } from "../src/config/load.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { type Card, cardButtons, cardToText } from "../src/core/card.ts";
import type { MessageRef, Responder } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { closeMonth } from "../src/core/period.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { compose } from "../src/main.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { accountsNamed } from "../tools/accounting/bank-coding.ts";
import { codedLineItems, XERO_BANK_CODING_NOTE } from "../tools/accounting/xero-bank-coding.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { formatMoney } from "../tools/shared/compact.ts";
import { expectValidAdaptiveCard } from "./support/adaptive-cards.ts";
import { blockKitViolations } from "./support/block-kit.ts";
import { startOrgFakes } from "./support/org-fakes/index.ts";
import { sweepOrgs } from "./support/sweep.ts";

const orgs = [
  { o: sweepOrgs[0]!, approver: "fiona" },
  { o: sweepOrgs[2]!, approver: "greta" },
];
const dates = ["2027-01-31T22:45:00Z", "2026-12-31T23:59:00Z", "2028-02-29T12:00:00Z"];

function expectRendersOnBothPlatforms(card: Card): void {
  expect(blockKitViolations(renderCard(card))).toEqual([]);
  expectValidAdaptiveCard(renderAdaptiveCard(card));
}

describe("the coded line items sent to Xero", () => {
  it("keep each item's amount and put every one on the account with the memo", () => {
    const items = codedLineItems(
      {
        type: "SPEND" as never,
        bankAccount: {},
        lineItems: [
          { lineItemID: "li-1", description: "Outgoing wire", quantity: 1, unitAmount: 2100, lineAmount: 2100 },
        ],
      },
      { accountCode: "441", memo: "Legal settlement" },
    );
    expect(items).toEqual([
      {
        lineItemID: "li-1",
        description: "Legal settlement",
        quantity: 1,
        unitAmount: 2100,
        lineAmount: 2100,
        accountCode: "441",
      },
    ]);
  });

  it("make one item of the total when the line has none", () => {
    const items = codedLineItems(
      { type: "SPEND" as never, bankAccount: {}, lineItems: [], total: 99.5 },
      { accountCode: "404", memo: "Card fee" },
    );
    expect(items).toEqual([{ description: "Card fee", quantity: 1, unitAmount: 99.5, accountCode: "404" }]);
  });
});

for (const { o, approver } of orgs) {
  describe(`coding a bank line in Xero on ${o.label}`, () => {
    for (const at of dates) {
      it(`sends one POST /BankTransactions/{id} with the legal account and the memo once approved (${at})`, async () => {
        const now = Date.parse(at);
        const clock = fixedClock(now);
        const org = generateDemoOrg({ now, profile: o.profile });
        const fakes = await startOrgFakes(org, clock);
        const output = new PassThrough();
        output.resume();
        const app = await compose(
          { env: loadConfig({}).env, org: o.org, orgSource: "test" },
          { store: new MemoryStore({ clock }), clock, logger: silentLogger, output, ports: fakes.ports },
        );
        try {
          // Expected from the generated books, not from the bot: the close month's one large open line.
          const month = closeMonth(now, o.org.timezone);
          const open = (org.accounting.bank[month] ?? []).filter((t) => !t.reconciled && t.amount < -100);
          expect(open).toHaveLength(1);
          const wire = open[0]!;
          const currency = o.profile.currency;
          const symbol = formatMoney(0, currency).replace(/[\d.,\s]/g, "");
          const named = accountsNamed("legal", await fakes.ports.accounting.listAccounts!());
          expect(named).toHaveLength(1);
          const legal = named[0]!;

          const ref: ThreadRef = { platform: "console", workspace: "local", channel: "day", thread: "t1" };
          const posted: Card[] = [];
          const responder: Responder = {
            reply: async (card): Promise<MessageRef> => {
              posted.push(card);
              return { thread: ref, messageId: `m${posted.length}` };
            },
          };
          await app.bot.handle(
            {
              thread: ref,
              user: { platform: "console", id: o.asker },
              text: `the ${symbol}${Math.abs(wire.amount).toLocaleString("en-US")} wire is the legal settlement`,
              receivedAt: now,
            },
            responder,
          );
          const card = posted.find((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID));
          expect(card, posted.map(cardToText).join("\n")).toBeDefined();
          const text = cardToText(card!);
          expect(text).toContain(wire.date.slice(0, 10));
          expect(text).toContain(`${legal.name} (${legal.code})`);
          expect(text).toContain("Legal settlement");
          expect(text).toContain(XERO_BANK_CODING_NOTE);
          expectRendersOnBothPlatforms(card!);
          const posts = () => fakes.xero.requests.filter((r) => r.method === "POST");
          expect(posts()).toEqual([]);

          const id = cardButtons(card!).find((b) => b.actionId === APPROVE_ACTION_ID)!.value!;
          const self = await app.approvals.decide(id, { platform: "console", id: o.asker }, "approve");
          expect(self.kind).toBe("not_allowed");
          const first = await app.approvals.decide(id, { platform: "console", id: approver }, "approve");
          expect(first.kind).toBe("decided");
          const again = await app.approvals.decide(id, { platform: "console", id: approver }, "approve");
          expect(again.kind).toBe("already_decided");
          if (first.kind === "decided") {
            expect(first.approval.outcome?.ok, first.approval.outcome?.summary).toBe(true);
            expect(first.approval.outcome?.summary).toContain(legal.name);
            expect(first.approval.outcome?.summary).toContain("Reconcile screen");
            expectRendersOnBothPlatforms(first.card);
          }

          expect(posts()).toHaveLength(1);
          const post = posts()[0]!;
          const sent = JSON.parse(post.body) as {
            BankTransactions: { BankTransactionID: string; Type: string; LineItems: Record<string, unknown>[] }[];
          };
          expect(post.path).toBe(`/api.xro/2.0/BankTransactions/${sent.BankTransactions[0]!.BankTransactionID}`);
          expect(post.headers["idempotency-key"]).toBe(id);
          expect(sent.BankTransactions[0]!.Type).toBe("SPEND");
          expect(sent.BankTransactions[0]!.LineItems).toEqual([
            expect.objectContaining({
              AccountCode: legal.code,
              Description: "Legal settlement",
              UnitAmount: Math.abs(wire.amount),
            }),
          ]);
          expect(fakes.xero.refusals).toEqual([]);
          // Xero's API does not reconcile: the line is coded and still waits in the Reconcile screen.
          const after = (await fakes.ports.accounting.listBankTransactions(month)).find(
            (t) => t.id === sent.BankTransactions[0]!.BankTransactionID,
          )!;
          expect(after.description).toBe("Legal settlement");
          expect(after.reconciled).toBe(false);
        } finally {
          await app.close();
          await fakes.close();
        }
      });
    }
  });
}
