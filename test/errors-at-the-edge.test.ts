import { AIMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { describe, expect, it } from "vitest";
import { createAgentAnswerer } from "../chains/agent/agent.ts";
import { loadKnownEntities } from "../chains/agent/entities.ts";
import { createChatModel } from "../chains/agent/model-factory.ts";
import { Bot } from "../src/bot/bot.ts";
import { createClickRouter } from "../src/bot/clicks.ts";
import { ThreadHistory } from "../src/bot/thread-history.ts";
import type { Approval, ApprovalService } from "../src/core/approval.ts";
import { type Card, cardToText } from "../src/core/card.ts";
import type { Responder } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { DaybookError } from "../src/core/errors.ts";
import { createLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { Conversation, contextLine, demoNow, demoPrincipals, demoWorld, testThread } from "./agent-fixtures.ts";
import { replyViolations } from "./support/output-scan.ts";

const clock = fixedClock(demoNow);

interface LogLine {
  level: string;
  msg: string;
  traceId?: string;
  component?: string;
  tool?: string;
  code?: string;
  error?: { name: string; message: string; stack?: string };
  [key: string]: unknown;
}

function capture() {
  const lines: LogLine[] = [];
  const logger = createLogger({ level: "debug", write: (l) => lines.push(JSON.parse(l) as LogLine) });
  return { lines, logger };
}

async function offlineAgent(logger = capture().logger, world = demoWorld(clock)) {
  const { model, label } = await createChatModel({ clock, entities: await loadKnownEntities(world.ports) });
  const answerer = createAgentAnswerer({
    model,
    modelLabel: label,
    catalog: world.catalog,
    approvals: { requestApproval: async () => ({ id: "apr0000001" }) as Approval },
    logger,
    clock,
  });
  return { answerer, world };
}

describe("errors at the edge", () => {
  it("answers 'draft an email to them' after a churn answer without a stack, a path or a library name", async () => {
    const { lines, logger } = capture();
    const { answerer } = await offlineAgent(logger);
    const alex = new Conversation(answerer, "alex");
    await alex.ask("which customers might churn?");

    const turn = await alex.ask("draft an email to them");

    expect(replyViolations(cardToText(turn.answer.card))).toEqual([]);
    expect(turn.text).not.toMatch(/Error invoking tool|Please fix|kwargs|node_modules/);
    // "them" is several customers: the offline model asks which one instead of calling a tool
    // with arguments it does not have (the coded sentence for bad arguments is tested below).
    expect(turn.text).toMatch(/^To do that I need the customer\b/);
    // Nothing went wrong: no tool refused its arguments, nothing logged as a fault.
    expect(lines.filter((l) => l.msg === "tool arguments rejected" && l.level !== "info")).toEqual([]);
    expect(lines.filter((l) => l.level === "error")).toEqual([]);
  });

  it("gives the model a short coded sentence when a tool's arguments fail its schema", async () => {
    const world = demoWorld(clock);
    const model = fakeModel()
      .respondWithTools([{ name: "crm_deal_detail", args: { limit: "many" }, id: "c1" }])
      .respond(new AIMessage("I could not look that deal up."));
    const { lines, logger } = capture();
    const answerer = createAgentAnswerer({
      model,
      modelLabel: "fake",
      catalog: world.catalog,
      approvals: { requestApproval: async () => ({ id: "apr0000001" }) as Approval },
      logger,
      clock,
    });

    const { trace } = await answerer.answerWithTrace({
      message: { thread: testThread, user: { platform: "console", id: "alex" }, text: "deal?", receivedAt: 0 },
      principal: demoPrincipals.resolve({ platform: "console", id: "alex" }),
      history: [],
      traceId: "trace-args",
      responder: { reply: async () => ({ thread: testThread, messageId: "m1" }) },
    });

    const result = trace.toolResults.find((r) => r.tool === "crm_deal_detail")?.content ?? "";
    // Arguments the model got wrong are its mistake, not a fault: info, once, with the tool's name.
    expect(lines.filter((l) => l.msg === "tool arguments rejected")).toEqual([
      expect.objectContaining({ level: "info", tool: "crm_deal_detail", code: "bad_request", traceId: "trace-args" }),
    ]);
    expect(JSON.parse(result)).toEqual({
      error: expect.stringMatching(/^That lookup \(crm_deal_detail\)/),
      code: "bad_request",
    });
    expect(result.length).toBeLessThan(300);
    expect(replyViolations(result)).toEqual([]);
  });

  it("logs an unexpected error inside a tool once, at error, with its stack, trace id and component", async () => {
    const { lines, logger } = capture();
    const world = demoWorld(clock);
    // What HubSpot's searchAll did with a null search body.
    world.ports.crm.listOpenDeals = async () => {
      const body = null as unknown as { results: never[] };
      return body.results;
    };
    const { answerer } = await offlineAgent(logger, world);
    const alex = new Conversation(answerer, "alex");

    const turn = await alex.ask("which deals need me today?", { traceId: "trace-null" });

    const errors = lines.filter((l) => l.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      msg: "tool failed",
      traceId: "trace-null",
      component: "tool",
      tool: "crm_deals_by_priority",
      code: "internal",
    });
    expect(errors[0]?.error?.stack).toMatch(/TypeError: Cannot read properties of null \(reading 'results'\)\n\s+at /);
    // The person gets daybook's sentence and the trace id that finds the line above.
    expect(turn.text).toMatch(/Something went wrong on daybook's side/);
    expect(contextLine(turn.answer.card)).toContain("trace trace-null");
    expect(replyViolations(cardToText(turn.answer.card))).toEqual([]);
  });

  it("turns a failed turn into the user's sentence and the trace id it logged at error", async () => {
    const { lines, logger } = capture();
    const replies: Card[] = [];
    const responder: Responder = {
      reply: async (card) => {
        replies.push(card);
        return { thread: testThread, messageId: `m${replies.length}` };
      },
    };
    const bot = new Bot({
      answerer: {
        answer: async () => {
          throw new TypeError("Cannot read properties of undefined (reading 'card')");
        },
      },
      history: new ThreadHistory(new MemoryStore()),
      principals: demoPrincipals,
      logger,
    });

    await bot.handle(
      { thread: testThread, user: { platform: "console", id: "alex" }, text: "hello there", receivedAt: 0 },
      responder,
    );

    const text = replies.map(cardToText).join("\n");
    const traceId = /trace (\w{8})/.exec(text)?.[1];
    expect(text).toContain("Something went wrong on daybook's side.");
    expect(replyViolations(text)).toEqual([]);
    const errors = lines.filter((l) => l.level === "error");
    expect(errors).toEqual([
      expect.objectContaining({ msg: "turn failed", traceId, component: "bot", code: "internal" }),
    ]);
    expect(errors[0]?.error?.stack).toMatch(/TypeError[\s\S]*\n\s+at /);
  });

  describe("button clicks", () => {
    const approvals = {} as ApprovalService;
    const click = (value: string) => ({
      actionId: "daybook.digest.draft_followup",
      value,
      user: { platform: "slack" as const, id: "U1" },
      thread: testThread,
    });
    const responder: Responder = { reply: async () => ({ thread: testThread, messageId: "m1" }) };

    it("never logs a button's value, only its length and a hash", async () => {
      const { lines, logger } = capture();
      const value = "deal-4242<script>please-do-not-log-me</script>";
      const route = createClickRouter({
        approvals,
        logger,
        handlers: {
          "daybook.digest.draft_followup": async (c) => {
            throw new DaybookError("not_found", `deal ${c.value} not found`);
          },
        },
      });

      const result = await route(click(value), responder);

      expect(result).toEqual({ kind: "notice", text: "I could not find that." });
      expect(JSON.stringify(lines)).not.toContain("please-do-not-log-me");
      expect(lines).toEqual([
        expect.objectContaining({
          level: "info",
          msg: "button click failed",
          actionId: "daybook.digest.draft_followup",
          value: { length: value.length, sha256: expect.stringMatching(/^[0-9a-f]{12}$/) },
        }),
      ]);
    });

    it("logs an unexpected failure at error with its stack and tells the clicker the trace id", async () => {
      const { lines, logger } = capture();
      const route = createClickRouter({
        approvals,
        logger,
        handlers: {
          "daybook.digest.draft_followup": async () => {
            throw new TypeError("Cannot read properties of null (reading 'results')");
          },
        },
      });

      const result = await route(click("5001"), responder);

      expect(result).toEqual({
        kind: "notice",
        text: expect.stringMatching(/^Something went wrong on daybook's side\. \(trace \w{8}\)$/),
      });
      const traceId = /trace (\w{8})/.exec(result.kind === "notice" ? result.text : "")?.[1];
      expect(lines).toEqual([expect.objectContaining({ level: "error", traceId, component: "clicks" })]);
      expect(lines[0]?.error?.stack).toMatch(/TypeError[\s\S]*\n\s+at /);
    });
  });
});
