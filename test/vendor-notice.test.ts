/**
 * Rejecting a duplicate bill and drafting the vendor notice (issue 16, item 6): "reject invoice
 * #<dup>, it's a duplicate of #<original>, and draft the vendor notice" through the composed app
 * on the demo and the second organisation, on two dates, over the demo books and over the real
 * Xero connector against the Xero fake. The approval card carries the draft (daybook sends no
 * email); on approval the bill is rejected once. The pair is found in the generated books.
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
import type { Invoice } from "../src/core/domain/accounting.ts";
import { silentLogger } from "../src/core/logger.ts";
import { closeMonth } from "../src/core/period.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { type App, compose } from "../src/main.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { cleanReason, duplicateOf } from "../tools/accounting/vendor-notice.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
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
const dates = ["2026-12-03T09:00:00Z", "2028-02-29T12:00:00Z"];

function expectRendersOnBothPlatforms(card: Card): void {
  expect(blockKitViolations(renderCard(card))).toEqual([]);
  expectValidAdaptiveCard(renderAdaptiveCard(card));
}

/** The close month's [duplicate, original]: same vendor and vendor reference, the later one open. */
function duplicatePair(invoices: readonly Invoice[], month: string): [Invoice, Invoice] {
  const bills = invoices
    .filter((i) => i.type === "ACCPAY" && i.date.startsWith(month) && i.reference)
    .sort((a, b) => a.date.localeCompare(b.date) || a.number.localeCompare(b.number));
  const seen = new Map<string, Invoice>();
  for (const bill of bills) {
    const key = `${bill.contact.name}|${bill.reference!.split(" ")[0]}`;
    const first = seen.get(key);
    if (first && (bill.status === "SUBMITTED" || bill.status === "DRAFT")) return [bill, first];
    if (!first) seen.set(key, bill);
  }
  throw new Error("no duplicate pair in the books");
}

describe("reading the rejection's words", () => {
  it("keeps the reason the vendor reads and drops the request for a draft", () => {
    expect(cleanReason("it's a duplicate of #4756, and draft the vendor notice")).toBe("it's a duplicate of #4756");
    expect(cleanReason("no purchase order")).toBe("no purchase order");
  });
  it("finds the invoice a bill duplicates", () => {
    expect(duplicateOf("it's a duplicate of #4756")).toBe("4756");
    expect(duplicateOf("duplicates invoice 4756")).toBe("4756");
    expect(duplicateOf("wrong amount")).toBeUndefined();
  });
});

async function ask(app: App, user: string, text: string, now: number): Promise<Card[]> {
  const ref: ThreadRef = { platform: "console", workspace: "local", channel: "finance", thread: "t1" };
  const posted: Card[] = [];
  const responder: Responder = {
    reply: async (card): Promise<MessageRef> => {
      posted.push(card);
      return { thread: ref, messageId: `m${posted.length}` };
    },
  };
  await app.bot.handle({ thread: ref, user: { platform: "console", id: user }, text, receivedAt: now }, responder);
  return posted;
}

for (const { o, approver } of orgs) {
  for (const side of ["demo books", "Xero"] as const) {
    describe(`rejecting a duplicate with a vendor notice on ${o.label}, over the ${side}`, () => {
      for (const at of dates) {
        it(`puts the drafted notice on the card and rejects the bill once (${at})`, async () => {
          const now = Date.parse(at);
          const clock = fixedClock(now);
          const org = generateDemoOrg({ now, profile: o.profile });
          const fakes = side === "Xero" ? await startOrgFakes(org, clock) : undefined;
          const ports = fakes?.ports ?? createDemoPorts({ clock, profile: o.profile });
          const output = new PassThrough();
          output.resume();
          const app = await compose(
            { env: loadConfig({}).env, org: o.org, orgSource: "test" },
            { store: new MemoryStore({ clock }), clock, logger: silentLogger, output, ports },
          );
          try {
            const [dup, original] = duplicatePair(org.accounting.invoices, closeMonth(now, o.org.timezone));
            const cards = await ask(
              app,
              o.asker,
              `reject invoice #${dup.number}, it's a duplicate of #${original.number}, and draft the vendor notice`,
              now,
            );
            const card = cards.find((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID));
            expect(card, cards.map(cardToText).join("\n")).toBeDefined();
            const text = cardToText(card!);
            expect(text).toContain(`Reason: it's a duplicate of #${original.number}`);
            expect(text).toContain(`Hello ${dup.contact.name},`);
            expect(text).toContain(
              `invoice #${dup.number} dated ${dup.date.slice(0, 10)} for ${formatMoney(dup.total, dup.currency)}`,
            );
            expect(text).toContain(`It duplicates invoice #${original.number} dated ${original.date.slice(0, 10)}`);
            expect(text).toContain("draft, not sent");
            expectRendersOnBothPlatforms(card!);

            const id = cardButtons(card!).find((b) => b.actionId === APPROVE_ACTION_ID)!.value!;
            const first = await app.approvals.decide(id, { platform: "console", id: approver }, "approve");
            expect(first.kind).toBe("decided");
            const again = await app.approvals.decide(id, { platform: "console", id: approver }, "approve");
            expect(again.kind).toBe("already_decided");
            if (first.kind === "decided") {
              expect(first.approval.outcome?.ok, first.approval.outcome?.summary).toBe(true);
              expect(first.approval.outcome?.summary).toContain(`a draft to send to ${dup.contact.name}`);
              expectRendersOnBothPlatforms(first.card);
            }
            if (fakes) {
              const writes = fakes.xero.requests.filter((r) => r.method !== "GET");
              expect(writes.map((r) => r.method)).toEqual(["POST", "PUT"]);
              expect(JSON.parse(writes[1]!.body).HistoryRecords[0].Details).toBe(
                `Rejected in daybook: it's a duplicate of #${original.number}`,
              );
              expect(fakes.xero.refusals).toEqual([]);
            } else {
              expect((await ports.accounting.getInvoice(dup.id)).status).toBe("VOIDED");
            }
          } finally {
            await app.close();
            await fakes?.close();
          }
        });
      }
    });
  }
}
