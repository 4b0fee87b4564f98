/** Tool calls by tool and outcome, and model tokens, for one turn (docs/metrics.md). */
import type { AIMessage, BaseMessage } from "@langchain/core/messages";
import type { Metrics } from "../../src/core/metrics.ts";
import { parseToolOutput } from "./refs.ts";
import { messageText } from "./turn-reply.ts";

/**
 * Tool results of one turn by outcome (a failed call comes back as `{"error", "code"}`, the
 * shape runTool and tool-errors.ts give the model) and the tokens the model reported.
 */
export function countTurn(
  metrics: Pick<Metrics, "countToolCall" | "countModelTokens"> | undefined,
  model: string,
  turn: BaseMessage[],
  nameById: Map<string, string>,
  known: Map<string, unknown>,
): void {
  if (!metrics) return;
  for (const m of turn) {
    if (m.getType() === "ai") {
      const usage = (m as AIMessage).usage_metadata;
      metrics.countModelTokens(model, "input", usage?.input_tokens ?? 0);
      metrics.countModelTokens(model, "output", usage?.output_tokens ?? 0);
    } else if (m.getType() === "tool") {
      const id = (m as unknown as { tool_call_id?: string }).tool_call_id ?? "";
      const parsed = parseToolOutput(messageText(m));
      const failed = typeof parsed === "object" && parsed !== null && "error" in parsed;
      // Only the catalog's names: a name the model made up must not become a new series.
      const name = nameById.get(id) ?? "";
      metrics.countToolCall(known.has(name) ? name : "unknown", failed ? "error" : "ok");
    }
  }
}
