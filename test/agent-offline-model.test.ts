import { type AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { loadKnownEntities } from "../chains/agent/entities.ts";
import { OfflineChatModel } from "../chains/agent/offline-model.ts";
import { agentSystemPrompt, agentTurnContext } from "../prompts/agent-system.ts";
import { fixedClock } from "../src/core/clock.ts";
import { demoNow, demoWorld } from "./agent-fixtures.ts";

const clock = fixedClock(demoNow);

async function ask(text: string, domains = ["jira", "crm", "accounting"], crmOwnerId?: string) {
  const { ports, catalog } = demoWorld(clock);
  const model = new OfflineChatModel({ clock, entities: await loadKnownEntities(ports) });
  const tools = catalog.read.filter((r) => domains.includes(r.domain)).map((r) => r.tool);
  const system =
    agentSystemPrompt +
    agentTurnContext({
      requesterName: "Test User",
      ...(crmOwnerId ? { crmOwnerId } : {}),
      today: "2026-11-23",
      timezone: "UTC",
      domains,
    });
  const reply = (await model.bindTools(tools).invoke([new SystemMessage(system), new HumanMessage(text)])) as AIMessage;
  return { call: reply.tool_calls?.[0], text: typeof reply.content === "string" ? reply.content : "" };
}

describe("the offline model's choices", () => {
  it("reads 'December' in November as last December", async () => {
    const { call } = await ask("P&L for December");

    expect(call).toMatchObject({ name: "accounting_profit_and_loss", args: { month: "2025-12" } });
  });

  it("reads 'last month' relative to today", async () => {
    const { call } = await ask("what's left for last month's close?");

    expect(call).toMatchObject({ name: "accounting_close_exceptions", args: { month: "2026-10" } });
  });

  it("fills 'my' with the requester's CRM owner id, and leaves it out without one", async () => {
    const mine = await ask("which deals need me today?", ["crm"], "owner-sam");
    const anyone = await ask("which deals need me today?", ["crm"]);

    expect(mine.call).toMatchObject({ name: "crm_deals_by_priority", args: { ownerId: "owner-sam" } });
    expect(anyone.call?.name).toBe("crm_deals_by_priority");
    expect(anyone.call?.args).not.toHaveProperty("ownerId");
  });

  it("looks an issue up by the key in the question", async () => {
    const { call } = await ask("what is the status of ENG-147?", ["jira"]);

    expect(call).toMatchObject({ name: "jira_get_issue", args: { key: "ENG-147" } });
  });

  it("answers a question about data outside the requester's systems with a refusal, not a tool call", async () => {
    const { call, text } = await ask("why is BrightTech at risk?", ["jira"]);

    expect(call).toBeUndefined();
    expect(text).toContain("can't look at the CRM");
  });
});
