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
import { renderReply } from "./render/index.ts";

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

describe("replies about periods", () => {
  const ctx = { now: Date.parse("2026-12-01T09:00:00Z"), timeZone: "UTC" };
  const reply = (tool: string, value: Record<string, unknown>) =>
    renderReply(tool, "", JSON.stringify(value), value, ctx).text;
  const totals = { currency: "USD", totalIncome: 300, totalExpenses: 200, netProfit: 100, income: [], expenses: [] };

  it("names a quarter and the quarter it is compared with", () => {
    const text = reply("accounting_profit_and_loss", {
      period: "Q3 2026",
      comparedTo: "Q2 2026",
      netProfitPrevious: 80,
      ...totals,
    });
    expect(text.split("\n")[0]).toBe("Q3 2026: net profit $100 on $300 income and $200 expenses ($80 in Q2 2026).");
  });

  it("states a missing comparison and missing months in one line each", () => {
    const text = reply("accounting_profit_and_loss", {
      period: "Q1 2026",
      noFiguresFor: "January 2026",
      comparison: "No figures for Q4 2025 to compare with.",
      ...totals,
    });
    expect(text.split("\n").slice(0, 3)).toEqual([
      "Q1 2026: net profit $100 on $300 income and $200 expenses.",
      "No figures for January 2026: the totals cover the other months.",
      "No figures for Q4 2025 to compare with.",
    ]);
    const month = reply("accounting_profit_and_loss", {
      month: "2026-11",
      comparison: "No figures for October 2026 to compare with.",
      ...totals,
    });
    expect(month).toContain("November 2026: net profit $100");
    expect(month).toContain("No figures for October 2026 to compare with.");
  });

  it("ends a close answer with the missing comparison", () => {
    const text = reply("accounting_close_exceptions", {
      month: "2026-11",
      comparison: "No figures for October 2026 to compare with.",
      counts: { exceptions: 0 },
      invoicesWithoutPo: [],
      duplicates: [],
      unmatchedBank: [],
      variances: [],
    });
    expect(text).toBe(
      "Nothing is left for the November 2026 close: no exceptions.\nNo figures for October 2026 to compare with.",
    );
  });
});
