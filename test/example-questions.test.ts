/**
 * Example questions people are shown (help, Slack suggested prompts, the offline model's
 * suggestions) come from the organisation's own data, or are generic: never the demo's names
 * in another organisation.
 */
import { describe, expect, it } from "vitest";
import { suggestedPromptsFrom } from "../adapters/slack/listeners/assistant.ts";
import { createAgentAnswerer } from "../chains/agent/agent.ts";
import { loadKnownEntities } from "../chains/agent/entities.ts";
import { buildExamples, ExampleSource } from "../chains/agent/examples.ts";
import { createChatModel } from "../chains/agent/model-factory.ts";
import { genericExamples } from "../prompts/agent-offline.ts";
import { Bot } from "../src/bot/bot.ts";
import { helpText } from "../src/bot/help-answerer.ts";
import { ThreadHistory } from "../src/bot/thread-history.ts";
import { type Card, cardToText } from "../src/core/card.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { Ports } from "../src/core/domain/ports.ts";
import type { ExampleQuestion } from "../src/core/examples.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { generateDemoOrg, scenario } from "../tools/demo/generate.ts";
import { Conversation, demoNow, demoPrincipals, testThread } from "./agent-fixtures.ts";

const clock = fixedClock(demoNow);

function demoPorts(rename?: [string, string]) {
  const org = generateDemoOrg({ now: clock.now() });
  if (!rename) return createDemoPorts({ clock, org });
  return createDemoPorts({ clock, org: JSON.parse(JSON.stringify(org).replaceAll(rename[0], rename[1])) });
}

function unavailable(): Pick<Ports, "jira" | "crm"> {
  const down = () => Promise.reject(new Error("connect ECONNREFUSED"));
  return {
    jira: new Proxy({}, { get: () => down }) as Ports["jira"],
    crm: new Proxy({}, { get: () => down }) as Ports["crm"],
  };
}

const texts = (examples: readonly ExampleQuestion[]) => examples.map((e) => e.text);

describe("example questions", () => {
  it("asks about the organisation's own customer most at risk of churning, by the name people say", async () => {
    const ports = demoPorts();
    const declining = (await ports.crm.getCustomer(scenario.customers.brightTech)).name.replace(/ Inc$/, "");

    const examples = await buildExamples(ports, { clock });

    expect(texts(examples)).toContain(`why is ${declining} at risk?`);
    expect(texts(examples)).toContain(`how is ${ports.org.jira.sprint.name} going?`);
  });

  it("names another organisation's customer, never the demo's, when its customers have other names", async () => {
    const ports = demoPorts(["BrightTech", "Harrow Metrics"]);

    const examples = await buildExamples(ports, { clock });

    expect(texts(examples)).toContain("why is Harrow Metrics at risk?");
    expect(JSON.stringify(examples)).not.toContain("BrightTech");
  });

  it("falls back to the generic questions, and reports why, when Jira and the CRM cannot be read", async () => {
    const errors: unknown[] = [];

    const examples = await buildExamples(unavailable(), { clock, onError: (e) => errors.push(e) });

    expect(texts(examples)).toEqual(texts(genericExamples));
    expect(errors).toHaveLength(3);
  });

  it("answers every example question it suggests without an error, on the demo and on a renamed organisation", async () => {
    for (const rename of [undefined, ["BrightTech", "Harrow Metrics"] as [string, string]]) {
      const ports = demoPorts(rename);
      const { model, label } = await createChatModel({ clock, entities: await loadKnownEntities(ports) });
      const answerer = createAgentAnswerer({
        model,
        modelLabel: label,
        catalog: createToolCatalog(ports, { clock }),
        approvals: { requestApproval: async () => Promise.reject(new Error("no writes expected")) },
        logger: silentLogger,
        clock,
      });
      for (const { text } of await buildExamples(ports, { clock })) {
        const turn = await new Conversation(answerer, "alex").ask(text);
        const calls = (turn.answer.data as { calls?: unknown[] } | undefined)?.calls ?? [];
        expect(calls.length, text).toBeGreaterThan(0);
        expect(turn.text, text).not.toMatch(/\bError\b|could not match|I could not find|No (deal|customer) matches/);
      }
    }
  });

  it("answers from the last build and reads the ports again only once the examples are an hour old", async () => {
    const moving = fixedClock(demoNow);
    const ports = demoPorts();
    let reads = 0;
    const counted = {
      jira: ports.jira,
      crm: {
        ...ports.crm,
        listCustomers: () => {
          reads++;
          return ports.crm.listCustomers();
        },
      },
    };
    const source = new ExampleSource(counted, { clock: moving });

    expect(texts(source.current())).toEqual(texts(genericExamples));
    await source.refresh();
    expect(reads).toBe(1);
    expect(texts(source.current())).toContain("why is BrightTech at risk?");

    moving.advance(59 * 60_000);
    source.current();
    expect(reads).toBe(1);
    moving.advance(2 * 60_000);
    source.current();
    await source.refresh();
    expect(reads).toBe(2);
  });
});

describe("help and suggested prompts", () => {
  async function help(bot: Bot): Promise<string> {
    const cards: Card[] = [];
    await bot.handle(
      { thread: testThread, user: { platform: "console", id: "alex" }, text: "help", receivedAt: clock.now() },
      {
        reply: async (card) => {
          cards.push(card);
          return { thread: testThread, messageId: "m1" };
        },
      },
    );
    return cards.map(cardToText).join("\n");
  }

  it("help suggests the organisation's own questions when it has them", async () => {
    const examples = await buildExamples(demoPorts(["BrightTech", "Harrow Metrics"]), { clock });
    const bot = new Bot({
      answerer: { answer: async () => Promise.reject(new Error("help must not reach the agent")) },
      history: new ThreadHistory(new MemoryStore({ clock })),
      principals: demoPrincipals,
      logger: silentLogger,
      clock,
      examples: () => examples,
    });

    const text = await help(bot);

    expect(text).toContain("- why is Harrow Metrics at risk?");
    expect(text).toContain("approve <id>");
  });

  it("help without organisation data names no company at all", () => {
    expect(helpText).toContain("- _which customers might churn?_");
    expect(helpText).toContain("- _what's left for the close?_");
    expect(helpText).not.toMatch(/why is [A-Z]/);
  });

  it("Slack gets the four featured examples as prompts, capitalised as the manifest writes them", async () => {
    const examples = await buildExamples(demoPorts(["BrightTech", "Harrow Metrics"]), { clock });

    const prompts = suggestedPromptsFrom(examples);

    expect(prompts).toEqual([
      { title: "Sprint blockers", message: "What's blocking the sprint?" },
      { title: "My deals today", message: "Which deals need me today?" },
      { title: "Churn risk", message: "Why is Harrow Metrics at risk?" },
      { title: "Month-end close", message: "What's left for the close?" },
    ]);
  });
});
