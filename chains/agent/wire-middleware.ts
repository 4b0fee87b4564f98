/**
 * createAgent middleware for a model reached over the wire (ChatOpenAI): what each request
 * offers and carries (tool-selection.ts, prompt-budget.ts), and the tool calls such a model
 * gets wrong. The offline model reads full results and every tool, so it runs without this.
 *
 * - Arguments that are not JSON: @langchain/openai puts such a call in `invalid_tool_calls`,
 *   which the agent loop ignores, so the turn would end with an empty reply and the model never
 *   learn why. The call is kept as a tool call marked malformed and answered with a sentence.
 * - A tool name that was never registered, or of a system the request did not offer (a model
 *   obeying text inside a tool result): answered with daybook's `{"error", "code"}` shape
 *   instead of running, counted and relayed like any other failed lookup. A write of an offered
 *   system that was itself not offered still only becomes an approval request.
 */
import { AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import { toolErrorResult } from "../../src/core/user-facing-error.ts";
import { WRITE_TOOL_METADATA_KEY } from "./offline-model.ts";
import { estimatedTotal, estimateTokens, fitRequest, fitTarget, PROMPT_BUDGET_TOKENS } from "./prompt-budget.ts";
import { isFrontDoor, ROUTER_TOOL, type ToolSelection } from "./tool-selection.ts";

type LangChain = typeof import("langchain");

const MALFORMED = "__daybook_malformed_arguments";

/** Schema tokens by tool name and description: approval tools are rebuilt every turn. */
const schemaTokens = new Map<string, number>();

function toolTokens(t: unknown): number {
  const named = t as { name?: string; description?: string };
  const key = `${named.name}\u0000${named.description}`;
  let n = schemaTokens.get(key);
  if (n === undefined) {
    // JSON schemas run at about 4.06 characters a token in o200k (measured over the catalog).
    n = estimateTokens(JSON.stringify(convertToOpenAITool(t as Parameters<typeof convertToOpenAITool>[0])), 3.9);
    if (schemaTokens.size > 500) schemaTokens.clear();
    schemaTokens.set(key, n);
  }
  return n;
}

function nameOf(t: unknown): string {
  return (t as { name?: string }).name ?? "";
}

function isWrite(t: unknown): boolean {
  return (t as { metadata?: Record<string, unknown> }).metadata?.[WRITE_TOOL_METADATA_KEY] === true;
}

/** Tools the model called since the turn's question. */
function calledThisTurn(messages: BaseMessage[]): Set<string> {
  const start = messages.findLastIndex((m) => m.getType() === "human");
  const names = new Set<string>();
  for (const m of messages.slice(start + 1)) for (const c of (m as AIMessage).tool_calls ?? []) names.add(c.name);
  return names;
}

function malformedAsCalls(message: AIMessage): AIMessage {
  const invalid = message.invalid_tool_calls ?? [];
  if (invalid.length === 0) return message;
  return new AIMessage({
    content: message.content,
    id: message.id,
    response_metadata: message.response_metadata,
    ...(message.usage_metadata ? { usage_metadata: message.usage_metadata } : {}),
    tool_calls: [
      ...(message.tool_calls ?? []),
      ...invalid.map((c, i) => ({
        id: c.id ?? `malformed_${i}`,
        name: c.name ?? "unnamed",
        args: { [MALFORMED]: true },
        type: "tool_call" as const,
      })),
    ],
  });
}

export function wireMiddleware(
  lc: LangChain,
  options: { selection: ToolSelection; domainOf: Map<string, string>; registered: Set<string>; budget?: number },
) {
  const budget = options.budget ?? PROMPT_BUDGET_TOKENS;
  /** The systems (and the router) the latest request offered: a call outside them does not run. */
  let offered = new Set<string>();
  return lc.createMiddleware({
    name: "DaybookWire",
    wrapModelCall: async (request, handler) => {
      const bound = options.selection.bound();
      let tools = request.tools.filter((t) => bound.has(nameOf(t)));
      offered = new Set([...bound].map((n) => options.domainOf.get(n) ?? n));
      const messages = request.messages as BaseMessage[];
      const fixedFor = (list: typeof tools) =>
        estimateTokens(request.systemMessage.text) +
        list.reduce((sum, t) => sum + toolTokens(t), 0) +
        12 * (1 + list.length);
      let fitted = fitRequest(messages, fixedFor(tools), budget);
      // Still over with history and results at their smallest: offer fewer read tools, largest
      // first and a system's front door last, never one this turn has called, a write or the router.
      const called = calledThisTurn(messages);
      while (estimatedTotal(fitted, fixedFor(tools)) > fitTarget(budget)) {
        const prunable = tools.filter((t) => !called.has(nameOf(t)) && nameOf(t) !== ROUTER_TOOL && !isWrite(t));
        const rank = (t: unknown) => (isFrontDoor(nameOf(t)) ? -1e6 : 0) + toolTokens(t);
        const largest = prunable.sort((a, b) => rank(b) - rank(a))[0];
        if (!largest) break;
        tools = tools.filter((t) => t !== largest);
        fitted = fitRequest(messages, fixedFor(tools), budget);
      }
      const systemMessage = fitted.summary
        ? request.systemMessage.concat(`\n${fitted.summary}`)
        : request.systemMessage;
      const reply = await handler({ ...request, tools, messages: fitted.messages, systemMessage });
      return malformedAsCalls(reply);
    },
    wrapToolCall: async (request, handler) => {
      const { toolCall } = request;
      const args = toolCall.args as Record<string, unknown> | undefined;
      const refuse = (text: string) =>
        new ToolMessage({
          content: toolErrorResult({ code: "bad_request", text }),
          tool_call_id: toolCall.id ?? "",
          name: toolCall.name,
          status: "error",
        });
      if (args?.[MALFORMED] === true) {
        return refuse(
          `That lookup (${toolCall.name}) was sent arguments that are not valid JSON; send them again as one JSON object.`,
        );
      }
      if (!options.registered.has(toolCall.name)) {
        return refuse(`${toolCall.name} is not a valid tool; use one of the tools offered.`);
      }
      if (!offered.has(options.domainOf.get(toolCall.name) ?? toolCall.name)) {
        return refuse(
          `${toolCall.name} is not a valid tool for this question (it was not offered); use one of the tools offered.`,
        );
      }
      return handler(request);
    },
  });
}
