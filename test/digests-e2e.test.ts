/**
 * Digests through the real composition root: scheduled posting with receipts, and digest
 * buttons that become approvals (never direct writes) decided by the right people.
 */
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { demoOrg } from "../src/config/demo-org.ts";
import {
  CLOSE_APPROVE_INVOICE_ACTION_ID,
  CLOSE_REJECT_INVOICE_ACTION_ID,
  DRAFT_FOLLOWUP_ACTION_ID,
  LOG_OUTREACH_ACTION_ID,
} from "../src/core/action-ids.ts";
import { type Card, cardButtons, cardToText } from "../src/core/card.ts";
import type { ButtonClick, MessageRef, Responder } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { type App, compose } from "../src/main.ts";
import { MemoryStore } from "../src/store/memory-store.ts";

const clock = fixedClock("2026-11-23T09:00:00Z");
let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function demoApp() {
  const output = new PassThrough();
  let printed = "";
  output.on("data", (d: Buffer) => {
    printed += d.toString();
  });
  app = await compose(
    { env: { ...(await import("../src/config/load.ts")).loadConfig({}).env }, org: demoOrg, orgSource: "test" },
    { store: new MemoryStore({ clock }), clock, logger: silentLogger, output },
  );
  return { app, printed: () => printed };
}

const financeTop: ThreadRef = { platform: "console", workspace: "local", channel: "finance", thread: "" };
/** The sales digest's channel: its buttons are clicked there (the finance channel may not show CRM data). */
const salesTop: ThreadRef = { platform: "console", workspace: "local", channel: "sales", thread: "" };

function recorder(thread: ThreadRef): Responder & { cards: Card[] } {
  const cards: Card[] = [];
  return {
    cards,
    reply: async (card): Promise<MessageRef> => {
      cards.push(card);
      return { thread, messageId: `r${cards.length}` };
    },
  };
}

function click(actionId: string, value: string, userId: string, top: ThreadRef = financeTop): ButtonClick {
  return {
    actionId,
    value,
    user: { platform: "console", id: userId },
    thread: top,
    message: { thread: top, messageId: "m1" },
  };
}

describe("digests end to end", () => {
  it("posts a forced close digest to its configured channel and records the receipt", async () => {
    const { app, printed } = await demoApp();
    const { run } = await app.scheduler.runNow("close", { post: true });
    expect(run.status).toBe("delivered");
    expect(run.deliveries).toHaveLength(1);
    expect(run.deliveries[0]).toMatchObject({ platform: "console", channel: "finance" });
    expect(run.deliveries[0]?.receipt?.messageId).toBeTruthy();
    expect(printed()).toMatch(/#finance/);
    expect(printed()).toMatch(/4729/);
    const [logged] = await app.scheduler.runLog("close", 1);
    expect(logged?.id).toBe(run.id);
  });

  it("turns the close digest's Approve button into an approval only finance may decide", async () => {
    const { app } = await demoApp();
    const { card } = await app.scheduler.runNow("close", { post: false });
    const approve = cardButtons(card).find((b) => b.actionId === CLOSE_APPROVE_INVOICE_ACTION_ID);
    expect(approve).toBeDefined();
    const responder = recorder({ ...financeTop, thread: "m1" });
    const result = await app.onClick(click(CLOSE_APPROVE_INVOICE_ACTION_ID, approve?.value ?? "", "alex"), responder);
    expect(result).toEqual({ kind: "none" });
    const text = cardToText(responder.cards[0] as Card);
    expect(text).toMatch(/Approve bill #4729 from Acme Consulting/);
    const id = /approve ([a-z0-9]+)/.exec(text)?.[1] ?? "";
    const before = await app.ports.accounting.getInvoice("4729");

    // The requester may not approve a payment (separation of duties); maria has no finance role.
    for (const who of ["alex", "maria"]) {
      const refused = await app.approvals.decide(id, { platform: "console", id: who }, "approve");
      expect(refused.kind).toBe("not_allowed");
    }
    expect((await app.ports.accounting.getInvoice("4729")).status).toBe(before.status);

    const decided = await app.approvals.decide(id, { platform: "console", id: "fiona" }, "approve");
    expect(decided.kind).toBe("decided");
    expect((await app.ports.accounting.getInvoice("4729")).status).toBe("AUTHORISED");
  });

  it("rejects a flagged duplicate bill only after approval, with a reason", async () => {
    const { app } = await demoApp();
    const { card } = await app.scheduler.runNow("close", { post: false });
    const reject = cardButtons(card).find(
      (b) => b.actionId === CLOSE_REJECT_INVOICE_ACTION_ID && b.value.includes("4801"),
    );
    expect(reject).toBeDefined();
    const responder = recorder({ ...financeTop, thread: "m1" });
    await app.onClick(click(CLOSE_REJECT_INVOICE_ACTION_ID, reject?.value ?? "", "alex"), responder);
    const id = /approve ([a-z0-9]+)/.exec(cardToText(responder.cards[0] as Card))?.[1] ?? "";
    expect((await app.ports.accounting.getInvoice("4801")).status).not.toMatch(/VOIDED|DRAFT/);
    await app.approvals.decide(id, { platform: "console", id: "fiona" }, "approve");
    expect((await app.ports.accounting.getInvoice("4801")).status).toMatch(/VOIDED|DRAFT/);
  });

  it("drafts a follow-up from the sales digest and logs it on the deal only after approval", async () => {
    const { app } = await demoApp();
    const { card } = await app.scheduler.runNow("sales", { post: false, ownerId: "owner-alex" });
    const draft = cardButtons(card).find((b) => b.actionId === DRAFT_FOLLOWUP_ACTION_ID);
    expect(draft?.value).toBe("1001"); // Acme Corp, the hot $250K deal, ranks first
    const before = (await app.ports.crm.getDeal("1001")).activities.length;
    const responder = recorder({ ...salesTop, thread: "m1" });
    const result = await app.onClick(click(DRAFT_FOLLOWUP_ACTION_ID, draft?.value ?? "", "alex", salesTop), responder);
    expect(result).toEqual({ kind: "none" });
    const texts = responder.cards.map(cardToText).join("\n---\n");
    expect(texts).toMatch(/Acme Corp/);
    const id = /approve ([a-z0-9]{10})/.exec(texts)?.[1];
    expect(id).toBeDefined();
    expect((await app.ports.crm.getDeal("1001")).activities).toHaveLength(before);
    const decided = await app.approvals.decide(id ?? "", { platform: "console", id: "alex" }, "approve");
    expect(decided.kind).toBe("decided");
    expect((await app.ports.crm.getDeal("1001")).activities).toHaveLength(before + 1);
  });

  it("logs churn outreach on BrightTech only after someone approves it", async () => {
    const { app } = await demoApp();
    const { card } = await app.scheduler.runNow("churn", { post: false });
    const brightTech = (await app.ports.crm.findCustomers("BrightTech"))[0];
    const button = cardButtons(card).find((b) => b.actionId === LOG_OUTREACH_ACTION_ID && b.value === brightTech?.id);
    expect(button).toBeDefined();
    const activitiesBefore = (await app.ports.crm.getCustomer(brightTech?.id ?? "")).activities.length;
    const responder = recorder({ ...financeTop, thread: "m1" });
    await app.onClick(click(LOG_OUTREACH_ACTION_ID, button?.value ?? "", "priya"), responder);
    const text = cardToText(responder.cards[0] as Card);
    expect(text).toMatch(/Log outreach call on BrightTech Inc/);
    expect((await app.ports.crm.getCustomer(brightTech?.id ?? "")).activities).toHaveLength(activitiesBefore);
    const id = /approve ([a-z0-9]+)/.exec(text)?.[1] ?? "";
    await app.approvals.decide(id, { platform: "console", id: "priya" }, "approve");
    const after = await app.ports.crm.getCustomer(brightTech?.id ?? "");
    expect(after.activities).toHaveLength(activitiesBefore + 1);
    expect(after.activities.some((a) => /Churn-risk outreach to BrightTech Inc/.test(a.summary))).toBe(true);
  });
});
