/**
 * Keeps each request to a token-billed model within a prompt budget (issue 13, item 5:
 * <= 3,000 prompt tokens per request for typical turns). Applied to what is sent, never to the
 * agent's state: the turn's refs, the figure guard and the offline model see full results.
 *
 * - History: the last exchanges are kept (long replies shortened); earlier user questions are
 *   summarised as one line of the system message, earlier replies dropped.
 * - Tool results: when the request would exceed the budget, each result of the turn is
 *   re-compacted (tools/shared/compact.ts: longest lists cut with a {"more": n} marker) to an
 *   equal share of what is left.
 *
 * Tokens are estimated as characters / 3, which over-counts compact JSON (about 3 characters a
 * token in o200k) and English (about 4), so an estimate within budget is within budget.
 */
import { AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import { compactJson } from "../../tools/shared/compact.ts";

export const PROMPT_BUDGET_TOKENS = 3_000;
/** Exchanges (question + reply) of earlier turns sent in full. */
const KEEP_EXCHANGES = 2;
const MAX_HISTORY_REPLY_CHARS = 600;
const MAX_SUMMARY_CHARS = 400;
/** A result is never cut below this (about 600 tokens): enough rows and text to answer from. */
const MIN_RESULT_CHARS = 2_000;
/** Role framing, ids and the JSON envelope of each message on the wire. */
const PER_MESSAGE_OVERHEAD = 12;

export function estimateTokens(text: string, charsPerToken = 3): number {
  return Math.ceil(text.length / charsPerToken);
}

function textOf(m: BaseMessage): string {
  return typeof m.content === "string" ? m.content : m.text;
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface FittedRequest {
  messages: BaseMessage[];
  /** One line for the system message about earlier questions, when history was summarised. */
  summary?: string;
}

/** Earlier turns: the last exchanges kept (replies shortened), the rest summarised. */
export function trimHistory(messages: BaseMessage[]): FittedRequest {
  const current = messages.findLastIndex((m) => m.getType() === "human");
  if (current <= 0) return { messages };
  const history = messages.slice(0, current);
  const starts = history.flatMap((m, i) => (m.getType() === "human" ? [i] : []));
  const keepFrom = starts.length > KEEP_EXCHANGES ? (starts.at(-KEEP_EXCHANGES) ?? 0) : 0;
  const older = history.slice(0, keepFrom).filter((m) => m.getType() === "human");
  const kept = history.slice(keepFrom).map((m) => {
    if (m.getType() !== "ai" || ((m as AIMessage).tool_calls ?? []).length > 0) return m;
    const text = textOf(m);
    return text.length > MAX_HISTORY_REPLY_CHARS
      ? new AIMessage({ content: shorten(text, MAX_HISTORY_REPLY_CHARS) })
      : m;
  });
  const summary =
    older.length > 0
      ? shorten(
          `Earlier in this thread the person asked: ${older.map((m) => `"${textOf(m)}"`).join("; ")}.`,
          MAX_SUMMARY_CHARS,
        )
      : undefined;
  return { messages: [...kept, ...messages.slice(current)], ...(summary ? { summary } : {}) };
}

/**
 * The messages with this turn's tool results re-compacted so that `fixedTokens` (system
 * message and tool schemas) plus the messages stay within the budget.
 */
export function fitResults(messages: BaseMessage[], fixedTokens: number, budget = PROMPT_BUDGET_TOKENS): BaseMessage[] {
  const cost = (list: BaseMessage[]) =>
    list.reduce((n, m) => n + estimateTokens(textOf(m)) + estimateTokens(toolCallsText(m)) + PER_MESSAGE_OVERHEAD, 0);
  if (fixedTokens + cost(messages) <= budget) return messages;
  const results = messages.filter((m) => m.getType() === "tool");
  if (results.length === 0) return messages;
  const others = cost(messages.filter((m) => m.getType() !== "tool")) + results.length * PER_MESSAGE_OVERHEAD;
  const share = Math.max(MIN_RESULT_CHARS, Math.floor(((budget - fixedTokens - others) * 3) / results.length));
  return messages.map((m) => {
    if (m.getType() !== "tool") return m;
    const text = textOf(m);
    if (text.length <= share) return m;
    const t = m as ToolMessage;
    return new ToolMessage({
      content: recompact(text, share),
      tool_call_id: t.tool_call_id,
      ...(t.name ? { name: t.name } : {}),
      ...(t.status ? { status: t.status } : {}),
    });
  });
}

function toolCallsText(m: BaseMessage): string {
  const calls = m.getType() === "ai" ? ((m as AIMessage).tool_calls ?? []) : [];
  return calls.length > 0 ? JSON.stringify(calls.map((c) => ({ id: c.id, name: c.name, args: c.args }))) : "";
}

function recompact(text: string, maxChars: number): string {
  try {
    return compactJson(JSON.parse(text), maxChars);
  } catch {
    return shorten(text, maxChars);
  }
}
