/**
 * Digest buttons can be pressed by anyone in the channel, unlike the agent, which only offers
 * tools of the asker's domains. requestApproval is where both paths meet, so the domain check
 * lives there; this drives it through the real composition root.
 */
import { afterEach, describe, expect, it } from "vitest";
import { demoOrg } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import { CLOSE_APPROVE_INVOICE_ACTION_ID } from "../src/core/action-ids.ts";
import { type Card, cardButtons, cardToText } from "../src/core/card.ts";
import type { ButtonClick, MessageRef, Responder } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { type App, compose } from "../src/main.ts";
import { MemoryStore } from "../src/store/memory-store.ts";

const clock = fixedClock("2026-11-23T09:00:00Z");
const financeTop: ThreadRef = { platform: "console", workspace: "local", channel: "finance", thread: "" };
let app: App | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

function recorder(): Responder & { cards: Card[] } {
  const cards: Card[] = [];
  return {
    cards,
    reply: async (card): Promise<MessageRef> => {
      cards.push(card);
      return { thread: { ...financeTop, thread: "m1" }, messageId: `r${cards.length}` };
    },
  };
}

function press(value: string, userId: string): ButtonClick {
  return {
    actionId: CLOSE_APPROVE_INVOICE_ACTION_ID,
    value,
    user: { platform: "console", id: userId },
    thread: financeTop,
    message: { thread: financeTop, messageId: "m1" },
  };
}

describe("digest buttons and the requester's domains", () => {
  it("tells someone without accounting access they can't request a bill approval, and stores nothing", async () => {
    app = await compose(
      { env: loadConfig({}).env, org: demoOrg, orgSource: "test" },
      { store: new MemoryStore({ clock }), clock, logger: silentLogger },
    );
    const { card } = await app.scheduler.runNow("close", { post: false });
    const approve = cardButtons(card).find((b) => b.actionId === CLOSE_APPROVE_INVOICE_ACTION_ID);
    if (!approve) throw new Error("the close digest has no Approve button");

    // maria is an engineer: her roles grant jira only.
    const responder = recorder();
    const refused = await app.onClick(press(approve.value, "maria"), responder);
    expect(refused).toEqual({
      kind: "notice",
      text: "You don't have access to accounting, so you can't request this.",
    });
    expect(responder.cards).toEqual([]);

    // fiona (finance) pressing the same button gets a card, and it is the only approval on record.
    const allowed = recorder();
    expect(await app.onClick(press(approve.value, "fiona"), allowed)).toEqual({ kind: "none" });
    expect(cardToText(allowed.cards[0] as Card)).toMatch(/Approve bill #4729/);
    expect((await app.approvals.audit.list(10)).map((e) => [e.event, e.actor.id])).toEqual([["requested", "fiona"]]);
  });
});
