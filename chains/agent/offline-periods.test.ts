/**
 * Which period the offline model fills into the accounting tools' month and period
 * parameters, on dates where the naive answer is wrong: the first of a month, a year end and
 * an evening where the organisation's calendar is a day behind UTC.
 */
import { type AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { agentSystemPrompt, agentTurnContext } from "../../prompts/agent-system.ts";
import { fixedClock } from "../../src/core/clock.ts";
import { localToday } from "../../src/core/period.ts";
import { createToolCatalog } from "../../tools/catalog.ts";
import { createDemoPorts } from "../../tools/demo/demo-ports.ts";
import { OfflineChatModel } from "./offline-model.ts";

async function firstCall(text: string, now: string, timezone = "UTC") {
  const clock = fixedClock(now);
  const ports = createDemoPorts({ clock });
  const catalog = createToolCatalog(ports, { clock, timeZone: timezone, warmLabels: false });
  const tools = catalog.read.filter((r) => r.domain === "accounting").map((r) => r.tool);
  const model = new OfflineChatModel({ clock, entities: [] });
  const system =
    agentSystemPrompt +
    agentTurnContext({
      requesterName: "Test User",
      today: localToday(clock.now(), timezone),
      timezone,
      domains: ["accounting"],
    });
  const reply = (await model.bindTools(tools).invoke([new SystemMessage(system), new HumanMessage(text)])) as AIMessage;
  return reply.tool_calls?.[0];
}

describe("the offline model's periods", () => {
  it.each([
    [
      "what's left for the November close?",
      "2026-12-01T09:00:00Z",
      "UTC",
      "accounting_close_exceptions",
      { month: "2026-11" },
    ],
    [
      "what's left for the December close?",
      "2026-12-01T09:00:00Z",
      "UTC",
      "accounting_close_exceptions",
      { month: "2026-12" },
    ],
    ["show the P&L for October", "2026-12-01T09:00:00Z", "UTC", "accounting_profit_and_loss", { month: "2026-10" }],
    ["P&L for January", "2026-12-01T09:00:00Z", "UTC", "accounting_profit_and_loss", { month: "2026-01" }],
    ["P&L for last month", "2027-01-01T09:00:00Z", "UTC", "accounting_profit_and_loss", { month: "2026-12" }],
    [
      "P&L for this month",
      "2026-12-01T03:00:00Z",
      "America/New_York",
      "accounting_profit_and_loss",
      { month: "2026-11" },
    ],
    [
      "P&L for this month",
      "2026-11-30T12:00:00Z",
      "Pacific/Auckland",
      "accounting_profit_and_loss",
      { month: "2026-12" },
    ],
    ["show the P&L for Q3", "2026-12-01T09:00:00Z", "UTC", "accounting_profit_and_loss", { period: "Q3 2026" }],
    ["P&L this quarter", "2026-12-01T09:00:00Z", "UTC", "accounting_profit_and_loss", { period: "Q4 2026" }],
    ["P&L YTD", "2026-12-01T09:00:00Z", "UTC", "accounting_profit_and_loss", { period: "YTD" }],
    ["P&L for last year", "2026-12-01T09:00:00Z", "UTC", "accounting_profit_and_loss", { period: "2025" }],
  ])("reads %j on %s (%s) as %s %j", async (text, now, zone, tool, args) => {
    const call = await firstCall(text, now, zone);
    expect(call?.name).toBe(tool);
    expect(call?.args).toEqual(args);
  });

  it("reads 'what's left for the close?' on 1 December as November, the month being closed", async () => {
    const call = await firstCall("what's left for the close?", "2026-12-01T09:00:00Z");
    expect(call?.name).toBe("accounting_close_exceptions");
    expect(call?.args).toEqual({ month: "2026-11" });
  });
});
