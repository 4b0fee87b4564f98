/**
 * Keeps each request to a token-billed model within a prompt budget (issue 13, item 5:
 * <= 3,000 prompt tokens per request for typical turns). Applied to what is sent, never to the
 * agent's state: the turn's refs, the figure guard and the offline model see full results.
 *
 * - History: the last exchanges are kept (long replies shortened); earlier user questions are
 *   summarised as one line of the system message, earlier replies dropped. A request still over
 *   the budget keeps fewer exchanges, shorter replies and smaller results (`levels`).
 * - Tool results: when the request would exceed the budget, each result of the turn is
 *   re-compacted (tools/shared/compact.ts: longest lists cut with a {"more": n} marker) to an
 *   equal share of what is left.
 *
 * Tokens are estimated as characters / 3.3, what compact tool results measure in o200k over the
 * demo catalog (English runs at about 4.5, so prose is over-counted); requests are fitted to
 * 95 % of the limit for text that tokenises worse (test/agent-openai-budget.test.ts measures).
 */
import { AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import { compactJson } from "../../tools/shared/compact.ts";

export const PROMPT_BUDGET_TOKENS = 3_000;
const MAX_SUMMARY_CHARS = 400;

/**
 * How hard a request is fitted, gentlest first: the earlier exchanges sent (question and
 * reply), how long each reply may be, and the floor under each tool result (2,000 characters
 * is about 600 tokens: enough rows and text to answer from). The first level that fits is used.
 */
const levels = [
  { exchanges: 2, replyChars: 600, minResultChars: 2_000 },
  { exchanges: 1, replyChars: 300, minResultChars: 1_400 },
  { exchanges: 0, replyChars: 0, minResultChars: 900 },
] as const;
type Level = (typeof levels)[number];
/** Role framing, ids and the JSON envelope of each message on the wire. */
const PER_MESSAGE_OVERHEAD = 12;

export function estimateTokens(text: string, charsPerToken = 3.3): number {
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
export function trimHistory(messages: BaseMessage[], level: Level = levels[0]): FittedRequest {
  const current = messages.findLastIndex((m) => m.getType() === "human");
  if (current <= 0) return { messages };
  const history = messages.slice(0, current);
  const starts = history.flatMap((m, i) => (m.getType() === "human" ? [i] : []));
  const keepFrom =
    level.exchanges === 0 ? history.length : starts.length > level.exchanges ? (starts.at(-level.exchanges) ?? 0) : 0;
  const older = history.slice(0, keepFrom).filter((m) => m.getType() === "human");
  const kept = history.slice(keepFrom).map((m) => {
    if (m.getType() !== "ai" || ((m as AIMessage).tool_calls ?? []).length > 0) return m;
    const text = textOf(m);
    return text.length > level.replyChars ? new AIMessage({ content: shorten(text, level.replyChars) }) : m;
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
export function fitResults(
  messages: BaseMessage[],
  fixedTokens: number,
  budget = PROMPT_BUDGET_TOKENS,
  level: Level = levels[0],
): BaseMessage[] {
  if (fixedTokens + cost(messages) <= budget) return messages;
  const results = messages.filter((m) => m.getType() === "tool");
  if (results.length === 0) return messages;
  const others = cost(messages.filter((m) => m.getType() !== "tool")) + results.length * PER_MESSAGE_OVERHEAD;
  const share = Math.max(level.minResultChars, Math.floor(((budget - fixedTokens - others) * 3.3) / results.length));
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

/**
 * What a request is fitted to: the estimate can run short on text with many non-ASCII letters
 * (names with umlauts and accents take more tokens per character), so a little under the limit.
 */
export function fitTarget(limit: number): number {
  return Math.floor(limit * 0.95);
}

/** The estimate of a fitted request: fixed part, the history summary and the messages. */
export function estimatedTotal(fitted: FittedRequest, fixedTokens: number): number {
  return fixedTokens + (fitted.summary ? estimateTokens(fitted.summary) : 0) + cost(fitted.messages);
}

/** Estimated tokens of messages on the wire. */
export function cost(list: BaseMessage[]): number {
  return list.reduce(
    (n, m) => n + estimateTokens(textOf(m)) + estimateTokens(toolCallsText(m)) + PER_MESSAGE_OVERHEAD,
    0,
  );
}

/**
 * History and results fitted at the gentlest level whose estimate is within the budget (the
 * hardest level when none is). `fixedTokens` are the system message's and tool schemas'.
 */
export function fitRequest(messages: BaseMessage[], fixedTokens: number, limit = PROMPT_BUDGET_TOKENS): FittedRequest {
  const budget = fitTarget(limit);
  let fitted: FittedRequest = { messages };
  for (const level of levels) {
    const trimmed = trimHistory(messages, level);
    const summaryTokens = trimmed.summary ? estimateTokens(trimmed.summary) : 0;
    fitted = { ...trimmed, messages: fitResults(trimmed.messages, fixedTokens + summaryTokens, budget, level) };
    if (fixedTokens + summaryTokens + cost(fitted.messages) <= budget) return fitted;
  }
  return fitted;
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
