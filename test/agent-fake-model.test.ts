import type { BindToolsInput } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { tool } from "@langchain/core/tools";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type AgentToolCatalog, createAgentAnswerer } from "../chains/agent/agent.ts";
import type { Approval, ApprovalRequest } from "../src/core/approval.ts";
import { fixedClock } from "../src/core/clock.ts";
import { createLogger, silentLogger } from "../src/core/logger.ts";
import { agentCatalog, askAs, contextLine, demoNow, demoPrincipals, replyText } from "./agent-fixtures.ts";

const clock = fixedClock(demoNow);

/** fakeModel() plus a record of the tool names each turn bound (what the model was shown). */
function scriptedModel() {
  const model = fakeModel();
  const bound: string[][] = [];
  const bindTools = model.bindTools.bind(model);
  model.bindTools = (tools: BindToolsInput[]) => {
    bound.push(tools.map((t) => (t as { name: string }).name));
    return bindTools(tools as Parameters<typeof bindTools>[0]);
  };
  return { model, bound };
}

function toolNamed(catalog: AgentToolCatalog, pattern: RegExp): string {
  const hit = catalog.read.find((r) => pattern.test(r.tool.name));
  if (!hit) throw new Error(`no read tool matches ${pattern}: ${catalog.read.map((r) => r.tool.name).join(", ")}`);
  return hit.tool.name;
}

function noApprovals() {
  const requests: ApprovalRequest[] = [];
  return {
    requests,
    service: {
      async requestApproval(request: ApprovalRequest) {
        requests.push(request);
        return { id: `apr${requests.length}` } as Approval;
      },
    },
  };
}

describe("the agent with a scripted fake model", () => {
  it("runs the tool the model picked and replies with the model's answer", async () => {
    const catalog = agentCatalog();
    const sprintTool = toolNamed(catalog, /sprint/);
    const { model } = scriptedModel();
    model.respondWithTools([{ name: sprintTool, args: {}, id: "c1" }]).respond(new AIMessage("Sprint answer."));
    const answerer = createAgentAnswerer({
      model,
      modelLabel: "fake",
      catalog,
      approvals: noApprovals().service,
      logger: silentLogger,
      clock,
    });

    const { answer } = await askAs(answerer, demoPrincipals, "alex", "what's blocking the sprint?");

    expect(replyText(answer.card)).toBe("Sprint answer.");
    expect(contextLine(answer.card)).toBe("fake · sources: jira");
    const second = model.calls[1]?.messages ?? [];
    const toolResult = second.find((m: BaseMessage) => m.getType() === "tool");
    expect(toolResult?.content).toBeTruthy();
    expect(answer.data).toMatchObject({ calls: [{ tool: sprintTool, args: {} }] });
  });

  it("gives the model the thread's earlier turns, with the listed ids, on a follow-up", async () => {
    const catalog = agentCatalog();
    const { model } = scriptedModel();
    model.respond(new AIMessage("Second answer."));
    const answerer = createAgentAnswerer({
      model,
      modelLabel: "fake",
      catalog,
      approvals: noApprovals().service,
      logger: silentLogger,
      clock,
    });
    const history = [
      { role: "user" as const, text: "which deals need me today?", at: 1 },
      {
        role: "assistant" as const,
        text: "1. Acme Corp 2. TechStart Inc",
        at: 2,
        data: {
          calls: [],
          refs: [
            { kind: "deal", id: "1001" },
            { kind: "deal", id: "1002" },
          ],
        },
      },
    ];

    await askAs(answerer, demoPrincipals, "alex", "and the second one?", { history });

    const seen = model.calls[0]?.messages ?? [];
    expect(seen.map((m: BaseMessage) => m.getType())).toEqual(["system", "human", "ai", "human"]);
    expect(seen[2]?.content).toBe("1. Acme Corp 2. TechStart Inc");
    expect(seen[2]?.response_metadata).toMatchObject({ daybook: { refs: [{ id: "1001" }, { id: "1002" }] } });
    expect(seen[3]?.content).toBe("and the second one?");
  });

  it("never shows an engineer the CRM or accounting tools", async () => {
    const catalog = agentCatalog();
    const { model, bound } = scriptedModel();
    model.respond(new AIMessage("ok"));
    const answerer = createAgentAnswerer({
      model,
      modelLabel: "fake",
      catalog,
      approvals: noApprovals().service,
      logger: silentLogger,
      clock,
    });

    await askAs(answerer, demoPrincipals, "maria", "what's left for the November close?");

    const names = bound.flat();
    expect(names.length).toBeGreaterThan(0);
    const jiraNames = new Set([
      ...catalog.read.filter((r) => r.domain === "jira").map((r) => r.tool.name),
      ...catalog.actions.filter((a) => a.domain === "jira").map((a) => a.name),
    ]);
    expect(names.every((n) => jiraNames.has(n))).toBe(true);
    expect(names).not.toContain("accounting_approve_invoice");
  });

  it("cannot run a tool outside the requester's roles even if the model asks for it", async () => {
    const catalog = agentCatalog();
    const approvals = noApprovals();
    const { model } = scriptedModel();
    model
      .respondWithTools([{ name: "accounting_approve_invoice", args: { invoiceId: "INV-4729" }, id: "c1" }])
      .respond(new AIMessage("done"));
    const answerer = createAgentAnswerer({
      model,
      modelLabel: "fake",
      catalog,
      approvals: approvals.service,
      logger: silentLogger,
      clock,
    });

    await askAs(answerer, demoPrincipals, "maria", "approve invoice INV-4729");

    expect(approvals.requests).toEqual([]);
    const toolMessage = model.calls[1]?.messages.find((m: BaseMessage) => m.getType() === "tool");
    expect(String(toolMessage?.content)).toMatch(/not a valid tool|not found|error/i);
  });

  it("stops a turn that exceeds the tool-call limit with a readable message and a logged trace id", async () => {
    const catalog = agentCatalog();
    const sprintTool = toolNamed(catalog, /sprint/);
    const { model } = scriptedModel();
    model
      .respondWithTools([{ name: sprintTool, args: {}, id: "c1" }])
      .respondWithTools([{ name: sprintTool, args: {}, id: "c2" }])
      .respondWithTools([{ name: sprintTool, args: {}, id: "c3" }]);
    const lines: string[] = [];
    const answerer = createAgentAnswerer({
      model,
      modelLabel: "fake",
      catalog,
      approvals: noApprovals().service,
      logger: createLogger({ level: "warn", write: (l) => lines.push(l) }),
      clock,
      limits: { maxToolCalls: 2 },
    });

    const { answer } = await askAs(answerer, demoPrincipals, "alex", "loop", { traceId: "trace-loop" });

    expect(replyText(answer.card)).toContain("more than 2 lookups");
    expect(contextLine(answer.card)).toContain("trace trace-loop");
    const logged = lines.map((l) => JSON.parse(l) as { traceId?: string; code?: string });
    expect(logged).toContainEqual(expect.objectContaining({ traceId: "trace-loop", code: "limit_exceeded" }));
  });

  it("stops a turn that runs past its time budget", async () => {
    const slow = tool(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        return "too late";
      },
      { name: "jira_slow_report", description: "A report that takes long.", schema: z.object({}) },
    );
    const { model } = scriptedModel();
    model.respondWithTools([{ name: "jira_slow_report", args: {}, id: "c1" }]).respond(new AIMessage("never"));
    const answerer = createAgentAnswerer({
      model,
      modelLabel: "fake",
      catalog: { read: [{ domain: "jira", tool: slow }], actions: [] },
      approvals: noApprovals().service,
      logger: silentLogger,
      clock,
      limits: { maxTurnMs: 50 },
    });

    const started = Date.now();
    const { answer } = await askAs(answerer, demoPrincipals, "alex", "slow question", { traceId: "trace-slow" });

    expect(Date.now() - started).toBeLessThan(1_500);
    expect(replyText(answer.card)).toContain("took too long");
    expect(contextLine(answer.card)).toContain("trace trace-slow");
  });
});
