import { describe, expect, it } from "vitest";
import { createAgentAnswerer } from "../chains/agent/agent.ts";
import { loadKnownEntities } from "../chains/agent/entities.ts";
import { createChatModel } from "../chains/agent/model-factory.ts";
import { Approvals } from "../src/approvals/approvals.ts";
import { Bot } from "../src/bot/bot.ts";
import { ThreadHistory } from "../src/bot/thread-history.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { type Card, cardButtons, cardToText } from "../src/core/card.ts";
import type { Responder } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { Conversation, contextLine, demoNow, demoPrincipals, demoWorld, testThread } from "./agent-fixtures.ts";

/**
 * Numbers as a reader sees them, normalised so "$250K", "250,000" and "250000" compare equal.
 * Signs are dropped (a "-65%" change may be described as "down 65%"); digits inside ids
 * ("apr1x", "ENG-145" counts 145) are not separate figures.
 */
function figures(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?<![A-Za-z0-9_.])(\d[\d,]*(?:\.\d+)?)\s*([kKmM])?(?![\w])/g)) {
    const raw = Number((m[1] as string).replace(/,/g, ""));
    if (!Number.isFinite(raw)) continue;
    const scale = m[2] === "k" || m[2] === "K" ? 1_000 : m[2] === "m" || m[2] === "M" ? 1_000_000 : 1;
    out.add(String(Math.round(raw * scale * 1000) / 1000));
  }
  return out;
}

/** Figures in the reply that no tool output of the turn contains. */
function ungrounded(reply: string, toolOutputs: string[]): string[] {
  const known = figures(toolOutputs.join("\n"));
  return [...figures(reply)].filter((f) => !known.has(f));
}

async function offlineAgent() {
  const clock = fixedClock(demoNow);
  const { ports, catalog } = demoWorld(clock);
  const { model, label } = createChatModel({ clock, entities: await loadKnownEntities(ports) });
  const answerer = createAgentAnswerer({
    model,
    modelLabel: label,
    catalog,
    approvals: { requestApproval: async () => Promise.reject(new Error("no writes expected")) },
    logger: silentLogger,
    clock,
  });
  return { answerer, ports, catalog, clock };
}

const demoQuestions = [
  "what's blocking the sprint?",
  "how is the sprint going?",
  "which deals need me today?",
  "why is BrightTech at risk?",
  "what's left for the November close?",
];

describe("the offline model on the demo organisation", () => {
  it("answers the sprint question with the blocked stories and their owners", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");

    const turn = await alex.ask("what's blocking the sprint?");

    expect(turn.text).toContain("ENG-145");
    expect(turn.text).toContain("Maria Garcia");
    expect(turn.text).toContain("Expired AWS credentials");
    expect(contextLine(turn.answer.card)).toBe("offline model · sources: jira");
  });

  it("lists Alex's deals for today with the hot Acme deal first", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");

    const turn = await alex.ask("which deals need me today?");

    expect(turn.answer.data).toMatchObject({
      calls: [{ tool: "crm_deals_by_priority", args: { ownerId: "owner-alex" } }],
    });
    const acme = turn.text.indexOf("Acme Corp");
    expect(acme).toBeGreaterThan(-1);
    expect(acme).toBeLessThan(turn.text.indexOf("TechStart Inc"));
    expect(turn.text).toContain("250,000");
  });

  it("explains why BrightTech is at risk from its usage drop and ticket", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");

    const turn = await alex.ask("why is BrightTech at risk?");

    expect(turn.text).toContain("BrightTech Inc");
    expect(turn.text).toContain("usage down 65% over 14 days");
    expect(turn.text).toContain("Too complicated");
  });

  it("lists the November close exceptions with the invoice lacking a PO and the duplicate", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");

    const turn = await alex.ask("what's left for the November close?");

    expect(turn.answer.data).toMatchObject({
      calls: [{ tool: "accounting_close_exceptions", args: { month: "2026-11" } }],
    });
    expect(turn.text).toContain("4729");
    expect(turn.text).toContain("Acme Consulting");
    expect(turn.text).toContain("4801");
    expect(turn.text).toContain("Duplicate of: 4756");
  });

  it("resolves 'and the second one?' against the deals it listed in the same thread", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");
    const first = await alex.ask("which deals need me today?");
    const listed = (first.answer.data as { refs: { id: string; name: string }[] }).refs;

    const second = await alex.ask("and the second one?");

    expect(second.answer.data).toMatchObject({ calls: [{ tool: "crm_deal_detail", args: { dealId: listed[1]?.id } }] });
    expect(second.text).toContain(listed[1]?.name);
    expect(second.text).not.toContain(listed[0]?.name);
  });

  it("resolves 'why is it at risk?' to the customer the thread is about", async () => {
    const { answerer } = await offlineAgent();
    const alex = new Conversation(answerer, "alex");
    await alex.ask("which customers might churn?");
    await alex.ask("tell me about the second one");

    const turn = await alex.ask("why is it at risk?");

    expect(turn.answer.data).toMatchObject({
      calls: [{ tool: "crm_account_health", args: { customer: "DataFlow Corp" } }],
    });
    expect(turn.text).toContain("DataFlow Corp");
  });

  it("refuses an engineer's accounting question politely and names what she can ask", async () => {
    const { answerer } = await offlineAgent();
    const maria = new Conversation(answerer, "maria");

    const turn = await maria.ask("what's left for the November close?");

    expect(turn.answer.data).toMatchObject({ calls: [] });
    expect(turn.text).toMatch(/^Sorry, I can't look at accounting/);
    expect(turn.text).toContain("your roles don't include");
    expect(turn.text).toContain("what's blocking the sprint?");
  });

  it("tells a person with no roles that they have no data access instead of guessing", async () => {
    const { answerer } = await offlineAgent();
    const stranger = new Conversation(answerer, "nobody-configured");

    const turn = await stranger.ask("which deals need me today?");

    expect(turn.answer.data).toMatchObject({ calls: [] });
    expect(turn.text).toContain("no data access configured");
  });

  it("keeps every figure of every demo answer inside that turn's tool outputs", async () => {
    const { answerer } = await offlineAgent();
    for (const question of demoQuestions) {
      const result = await answerer.answerWithTrace({
        message: {
          thread: testThread,
          user: { platform: "console", id: "alex" },
          text: question,
          receivedAt: Date.parse(demoNow),
        },
        principal: demoPrincipals.resolve({ platform: "console", id: "alex" }),
        history: [],
        traceId: "grounding",
        responder: { reply: async () => ({ thread: testThread, messageId: "m" }) },
      });
      const reply = cardToText(result.card);
      const outputs = result.trace.toolResults.map((r) => r.content);
      expect(outputs.length, question).toBeGreaterThan(0);
      expect(figures(reply).size, question).toBeGreaterThan(0);
      expect(ungrounded(reply, outputs), question).toEqual([]);
    }
  });

  it("flags a reply that invents a figure (the grounding check can fail)", () => {
    const outputs = ['{"name":"Acme Corp","amount":250000,"probability":0.85}'];
    expect(ungrounded("Acme Corp: $250K at 0.85", outputs)).toEqual([]);
    expect(ungrounded("Acme Corp: 250,000 at 0.85", outputs)).toEqual([]);
    expect(ungrounded("Acme Corp: $260K at 0.85", outputs)).toEqual(["260000"]);
    expect(ungrounded("Acme Corp: 250,000 at 0.9, 3 calls", outputs)).toEqual(["0.9", "3"]);
  });
});

describe("the sales digest's draft follow-up through the offline model", () => {
  it("drafts from the deal's own activity and asks approval to log it as a note", async () => {
    const clock = fixedClock(demoNow);
    const { ports, catalog } = demoWorld(clock);
    const requested: { tool: string; args: Record<string, unknown> }[] = [];
    const { model, label } = createChatModel({ clock, entities: await loadKnownEntities(ports) });
    const answerer = createAgentAnswerer({
      model,
      modelLabel: label,
      catalog,
      approvals: {
        async requestApproval(request) {
          requested.push({ tool: request.tool, args: request.args });
          return { id: "aprdraft1" } as Awaited<ReturnType<Approvals["requestApproval"]>>;
        },
      },
      logger: silentLogger,
      clock,
    });
    const alex = new Conversation(answerer, "alex");

    // The text chains/digests/buttons.ts sends for the "Draft follow-up" button.
    const turn = await alex.ask(
      "Draft a follow-up email for the Acme Corp - Platform rollout deal (deal 1001) and log it as a note on the deal.",
    );

    expect(requested).toHaveLength(1);
    expect(requested[0]).toMatchObject({
      tool: "crm_log_activity",
      args: { target: { kind: "deal", id: "1001" }, type: "note" },
    });
    expect(String(requested[0]?.args.body)).toContain("asking for pricing for 500 users");
    expect(turn.text).toContain("Here is a draft follow-up for **Acme Corp - Platform rollout**");
    expect(turn.text).toContain("Approval aprdraft1 requested");
    expect(ungrounded(turn.text, [JSON.stringify((await ports.crm.getDeal("1001")).activities)])).toEqual([]);
  });
});

describe("a write through the offline model and the real approvals", () => {
  it("posts an approval card, executes nothing until approved, then logs the call once and shows it", async () => {
    const clock = fixedClock(demoNow);
    const { ports, catalog } = demoWorld(clock);
    const store = new MemoryStore({ clock });
    const posted: Card[] = [];
    const responder: Responder = {
      async reply(card) {
        posted.push(card);
        return { thread: testThread, messageId: `m${posted.length}` };
      },
    };
    let logged = 0;
    const logActivity = ports.crm.logActivity.bind(ports.crm);
    ports.crm.logActivity = async (input, options) => {
      logged++;
      return logActivity(input, options);
    };
    const approvals = new Approvals({
      store,
      actions: catalog.actions,
      policies: demoOrg.approvals,
      principals: demoPrincipals,
      clock,
      logger: silentLogger,
      post: async (_thread, card) => responder.reply(card),
    });
    const { model, label } = createChatModel({ clock, entities: await loadKnownEntities(ports) });
    const answerer = createAgentAnswerer({ model, modelLabel: label, catalog, approvals, logger: silentLogger, clock });
    const bot = new Bot({
      answerer,
      history: new ThreadHistory(store),
      principals: demoPrincipals,
      logger: silentLogger,
      approvals,
      clock,
    });
    const say = async (text: string) => {
      const before = posted.length;
      await bot.handle(
        { thread: testThread, user: { platform: "console", id: "alex" }, text, receivedAt: clock.now() },
        responder,
      );
      return posted.slice(before);
    };

    const requested = await say("log a call on BrightTech: discussed onboarding");

    const card = requested.find((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID));
    expect(card, requested.map(cardToText).join("\n---\n")).toBeDefined();
    const approvalId = cardButtons(card as Card).find((b) => b.actionId === APPROVE_ACTION_ID)?.value as string;
    expect(cardToText(card as Card)).toContain("discussed onboarding");
    expect(cardToText(requested.at(-1) as Card)).toContain(`Approval ${approvalId} requested`);
    expect(logged).toBe(0);
    expect((await approvals.get(approvalId))?.status).toBe("pending");

    await say(`approve ${approvalId}`);
    await say(`approve ${approvalId}`);

    expect(logged).toBe(1);
    expect((await approvals.get(approvalId))?.status).toBe("approved");
    const customer = await ports.crm.getCustomer("5001");
    expect(customer.activities.filter((a) => a.summary === "discussed onboarding")).toHaveLength(1);

    const followUp = await say("why is BrightTech at risk?");

    expect(cardToText(followUp.at(-1) as Card)).toContain("discussed onboarding");
  });
});
