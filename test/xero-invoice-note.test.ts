/**
 * Approving a bill with a note (issue 16, item 6): "approve invoice #<n>: <note>" through the
 * composed app and the real Xero connector against the Xero fake, on the demo and the second
 * organisation, on a month end and a leap day. The card shows the note; on approval the bill is
 * set to AUTHORISED once and the note is added to its history (PUT /Invoices/{id}/History), and
 * the approval record keeps it.
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
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { expectValidAdaptiveCard } from "./support/adaptive-cards.ts";
import { blockKitViolations } from "./support/block-kit.ts";
import { stableUuid } from "./support/org-fakes/common.ts";
import { startOrgFakes } from "./support/org-fakes/index.ts";
import { sweepOrgs } from "./support/sweep.ts";

const orgs = [
  { o: sweepOrgs[0]!, approver: "fiona" },
  { o: sweepOrgs[2]!, approver: "greta" },
];
const dates = ["2027-01-31T22:45:00Z", "2028-02-29T12:00:00Z"];
const note = "checked against the signed contract";

function expectRendersOnBothPlatforms(card: Card): void {
  expect(blockKitViolations(renderCard(card))).toEqual([]);
  expectValidAdaptiveCard(renderAdaptiveCard(card));
}

for (const { o, approver } of orgs) {
  describe(`approving a bill with a note in Xero on ${o.label}`, () => {
    for (const at of dates) {
      it(`authorises the bill once and adds the note to its Xero history (${at})`, async () => {
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
          // From the generated books: a bill of the close month waiting for approval, with its PO.
          const month = closeMonth(now, o.org.timezone);
          const bill = org.accounting.invoices.find(
            (i) => i.type === "ACCPAY" && i.status === "SUBMITTED" && i.purchaseOrderNumber && i.date.startsWith(month),
          );
          expect(bill).toBeDefined();
          const xeroId = stableUuid(`invoice:${bill!.id}`);

          const ref: ThreadRef = { platform: "console", workspace: "local", channel: "finance", thread: "t1" };
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
              text: `approve invoice #${bill!.number}: ${note}`,
              receivedAt: now,
            },
            responder,
          );
          const card = posted.find((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID));
          expect(card, posted.map(cardToText).join("\n")).toBeDefined();
          expect(cardToText(card!)).toContain(`Note (added to the bill's history): ${note}`);
          expectRendersOnBothPlatforms(card!);
          const writes = () => fakes.xero.requests.filter((r) => r.method !== "GET");
          expect(writes()).toEqual([]);

          const id = cardButtons(card!).find((b) => b.actionId === APPROVE_ACTION_ID)!.value!;
          const first = await app.approvals.decide(id, { platform: "console", id: approver }, "approve");
          expect(first.kind).toBe("decided");
          const again = await app.approvals.decide(id, { platform: "console", id: approver }, "approve");
          expect(again.kind).toBe("already_decided");
          if (first.kind === "decided") {
            expect(first.approval.outcome?.ok, first.approval.outcome?.summary).toBe(true);
            expect(first.approval.outcome?.summary).toContain(`with the note "${note}" in its history`);
            expect(first.approval.args).toMatchObject({ note });
            expectRendersOnBothPlatforms(first.card);
          }
          expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([
            `POST /api.xro/2.0/Invoices/${xeroId}`,
            `PUT /api.xro/2.0/Invoices/${xeroId}/History`,
          ]);
          expect(JSON.parse(writes()[0]!.body)).toMatchObject({ Invoices: [{ Status: "AUTHORISED" }] });
          expect(JSON.parse(writes()[1]!.body)).toEqual({
            HistoryRecords: [{ Details: `Approved in daybook: ${note}` }],
          });
          expect(writes()[1]!.headers["idempotency-key"]).toBe(`${id}:history`);
          expect(fakes.xero.refusals).toEqual([]);
          expect((await fakes.ports.accounting.getInvoice(xeroId)).status).toBe("AUTHORISED");
        } finally {
          await app.close();
          await fakes.close();
        }
      });
    }
  });
}
