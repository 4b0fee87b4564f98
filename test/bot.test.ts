import { describe, expect, it } from "vitest";
import { Bot } from "../src/bot/bot.ts";
import { createClickRouter } from "../src/bot/clicks.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { ThreadHistory } from "../src/bot/thread-history.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import type { Answerer, AnswerInput } from "../src/core/answerer.ts";
import type { Approval, ApprovalService } from "../src/core/approval.ts";
import { type Card, cardToText } from "../src/core/card.ts";
import type { IncomingMessage, Responder } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { DaybookError } from "../src/core/errors.ts";
import { createLogger, silentLogger } from "../src/core/logger.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { MemoryStore } from "../src/store/memory-store.ts";

const clock = fixedClock("2026-11-23T09:00:00Z");
const threadA: ThreadRef = { platform: "slack", workspace: "T1", channel: "C1", thread: "111.1" };
const threadB: ThreadRef = { platform: "slack", workspace: "T1", channel: "C1", thread: "222.2" };

function message(thread: ThreadRef, text: string, user = "U0DEMOALEX"): IncomingMessage {
  return { thread, user: { platform: "slack", id: user }, text, receivedAt: clock.now() };
}

function recorder(): Responder & { cards: Card[] } {
  const cards: Card[] = [];
  return {
    cards,
    reply: async (card) => {
      cards.push(card);
      return { thread: threadA, messageId: String(cards.length) };
    },
  };
}

/** An answerer that reports what it was given, so tests see what the bot core passes on. */
class EchoHistory implements Answerer {
  inputs: AnswerInput[] = [];
  async answer(input: AnswerInput) {
    this.inputs.push(input);
    return { card: { blocks: [{ type: "text" as const, text: `turn ${input.history.length / 2 + 1}` }] } };
  }
}

function bot(answerer: Answerer, options: { logLines?: string[]; approvals?: ApprovalService } = {}) {
  const store = new MemoryStore({ clock });
  const logger = options.logLines ? createLogger({ write: (l) => options.logLines?.push(l) }) : silentLogger;
  return new Bot({
    answerer,
    history: new ThreadHistory(store),
    principals: createPrincipalResolver(demoOrg),
    logger,
    clock,
    ...(options.approvals ? { approvals: options.approvals } : {}),
  });
}

describe("bot core", () => {
  it("replies in the thread and remembers the thread's earlier turns", async () => {
    const answerer = new EchoHistory();
    const b = bot(answerer);
    const r = recorder();
    await b.handle(message(threadA, "what's blocking the sprint?"), r);
    await b.handle(message(threadA, "and the second one?"), r);
    expect(r.cards.map(cardToText)).toEqual(["turn 1", "turn 2"]);
    const second = answerer.inputs[1];
    expect(second?.history.map((h) => [h.role, h.text])).toEqual([
      ["user", "what's blocking the sprint?"],
      ["assistant", "turn 1"],
    ]);
  });

  it("keeps each thread's memory separate", async () => {
    const answerer = new EchoHistory();
    const b = bot(answerer);
    await b.handle(message(threadA, "first thread"), recorder());
    await b.handle(message(threadB, "second thread"), recorder());
    expect(answerer.inputs[1]?.history).toEqual([]);
  });

  it("resolves the speaker to a configured person with their roles", async () => {
    const answerer = new EchoHistory();
    const b = bot(answerer);
    await b.handle(message(threadA, "hi", "U0DEMOMARIA"), recorder());
    await b.handle(message(threadB, "hi", "U999UNKNOWN"), recorder());
    expect(answerer.inputs[0]?.principal).toMatchObject({ id: "maria", domains: ["jira"] });
    expect(answerer.inputs[1]?.principal).toMatchObject({ id: "slack:U999UNKNOWN", roles: [], domains: [] });
  });

  it("answers a failure with a short readable message and a trace id, and logs no message text", async () => {
    const lines: string[] = [];
    const failing: Answerer = {
      answer: async () => {
        throw new Error("socket hang up at Object.<anonymous> (/app/node_modules/x.js:1:1)");
      },
    };
    const r = recorder();
    await bot(failing, { logLines: lines }).handle(message(threadA, "secret question about payroll"), r);
    const text = cardToText(r.cards[0] as Card);
    expect(text).toMatch(/^Something went wrong on daybook's side\.\ntrace [0-9a-f]{8}$/);
    expect(text).not.toMatch(/node_modules|socket hang up/);
    expect(lines.join("\n")).toMatch(/"msg":"turn failed"/);
    expect(lines.join("\n")).not.toMatch(/payroll/);
  });

  it("shows a coded error's user message, not its internal message", async () => {
    const failing: Answerer = {
      answer: async () => {
        throw new DaybookError("upstream_unavailable", "GET /rest/api/3/search/jql 503", {
          userMessage: "Jira is unavailable right now; please try again later.",
        });
      },
    };
    const r = recorder();
    await bot(failing).handle(message(threadA, "sprint?"), r);
    expect(cardToText(r.cards[0] as Card)).toMatch(/^Jira is unavailable right now/);
  });

  it("answers help without calling the answerer", async () => {
    const answerer = new EchoHistory();
    const r = recorder();
    await bot(answerer).handle(message(threadA, "help"), r);
    expect(answerer.inputs).toHaveLength(0);
    expect(cardToText(r.cards[0] as Card)).toMatch(/approve <id>/);
  });
});

describe("approve/reject text fallback", () => {
  const requestedIds: string[] = [];
  const approvals: ApprovalService = {
    requestApproval: async () => {
      throw new Error("not used");
    },
    get: async (id) => (id === "k3y9x0q2ab" ? ({ id } as Approval) : undefined),
    decide: async (id) => {
      requestedIds.push(id);
      return { kind: "not_found", notice: `decided ${id}` };
    },
  };

  it("hands 'approve invoice 4729' to the agent instead of treating 'invoice' as an approval id", async () => {
    const answerer = new EchoHistory();
    const r = recorder();
    await bot(answerer, { approvals }).handle(message(threadA, "approve invoice 4729"), r);
    await bot(answerer, { approvals }).handle(message(threadA, "reject invoice 4801, it duplicates 4756"), r);
    expect(answerer.inputs.map((i) => i.message.text)).toEqual([
      "approve invoice 4729",
      "reject invoice 4801, it duplicates 4756",
    ]);
    expect(requestedIds).toEqual([]);
  });

  it("decides a stored approval, with or without a reason, and an id-shaped word on its own", async () => {
    const answerer = new EchoHistory();
    const b = bot(answerer, { approvals });
    await b.handle(message(threadA, "reject k3y9x0q2ab wrong vendor"), recorder());
    await b.handle(message(threadA, "approve zzzzzzzzz1"), recorder());
    expect(requestedIds).toEqual(["k3y9x0q2ab", "zzzzzzzzz1"]);
    expect(answerer.inputs).toHaveLength(0);
  });
});

describe("text decisions from unauthenticated identities", () => {
  it("refuses console decisions when main.ts says the console may not decide, and decides nothing", async () => {
    const decided: string[] = [];
    const approvals: ApprovalService = {
      requestApproval: async () => {
        throw new Error("not used");
      },
      get: async (id) => ({ id }) as Approval,
      decide: async (id) => {
        decided.push(id);
        return { kind: "not_found", notice: "x" };
      },
    };
    const store = new MemoryStore({ clock });
    const b = new Bot({
      answerer: new EchoHistory(),
      history: new ThreadHistory(store),
      principals: createPrincipalResolver(demoOrg),
      logger: silentLogger,
      clock,
      approvals,
      textDecisions: (platform) => platform !== "console",
    });
    const r = recorder();
    const consoleThread: ThreadRef = { platform: "console", workspace: "local", channel: "chat", thread: "t" };
    await b.handle(
      { thread: consoleThread, user: { platform: "console", id: "fiona" }, text: "approve k3y9x0q2ab", receivedAt: 0 },
      r,
    );
    expect(cardToText(r.cards[0] as Card)).toMatch(/can't be decided from here/);
    await b.handle(message(threadA, "approve k3y9x0q2ab", "U0DEMOFIONA"), r);
    expect(decided).toEqual(["k3y9x0q2ab"]);
  });
});

describe("click router", () => {
  const approvals: ApprovalService = {
    requestApproval: async () => {
      throw new Error("not used");
    },
    get: async () => undefined,
    decide: async () => ({ kind: "not_found", notice: "No approval with that id." }),
  };

  it("refuses an unknown action with a notice and changes nothing", async () => {
    const route = createClickRouter({ approvals, logger: silentLogger });
    const result = await route(
      { actionId: "evil.action", value: "x", user: { platform: "slack", id: "U1" }, thread: threadA },
      recorder(),
    );
    expect(result).toEqual({ kind: "notice", text: "That action is not known." });
  });

  it("turns an approval the store does not know into a notice for the clicker", async () => {
    const route = createClickRouter({ approvals, logger: silentLogger });
    const result = await route(
      { actionId: "daybook.approval.approve", value: "nope", user: { platform: "slack", id: "U1" }, thread: threadA },
      recorder(),
    );
    expect(result).toEqual({ kind: "notice", text: "No approval with that id." });
  });
});
