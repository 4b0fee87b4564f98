import { guardFigures } from "./figure-guard.ts";

/** What the drafts need from a turn: where to show them and what the guard may count as sourced. */
export interface DraftSink {
  /** Responder.draft: shows the answer so far; the responder rate-limits it. */
  draft(text: string): void;
  userText: string[];
  context: string[];
}

/**
 * A LangChain callback handler that streams a language model's reply into the turn's drafts
 * (issue 14, item 6). `lc_prefer_streaming` makes BaseChatModel call the model's streaming
 * endpoint (ChatOpenAI: `stream: true`) instead of waiting for the whole completion; each
 * token arrives at handleLLMNewToken. Only the current model call's text is shown: a call that
 * ends in tool calls starts over on the next one.
 *
 * Decision 2 holds for drafts too: a draft is shown only while every figure in it is one a tool
 * returned this turn (or the asker said); the rest of the stream waits for the final answer,
 * which the agent guards as always. A figure cut mid-token ("$48" of "$48,450") may hold a
 * draft back for a token or two.
 */
export function draftStreamHandler(sink: DraftSink) {
  const toolResults: string[] = [];
  let run: string | undefined;
  let text = "";
  return {
    name: "daybook-draft-stream",
    lc_prefer_streaming: true,
    handleLLMNewToken(token: string, _idx: unknown, runId: string) {
      if (runId !== run) {
        run = runId;
        text = "";
      }
      text += token;
      const shown = text.trim();
      if (shown === "") return;
      const guarded = guardFigures(shown, { toolResults, userText: sink.userText, context: sink.context });
      if (guarded.ungrounded.length === 0) sink.draft(shown);
    },
    handleToolEnd(output: unknown) {
      toolResults.push(toolOutputText(output));
    },
  };
}

/** A tool's output as the model reads it: a ToolMessage's content, or the string itself. */
function toolOutputText(output: unknown): string {
  if (typeof output === "string") return output;
  const content = (output as { content?: unknown } | null)?.content;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (p as { text?: string }).text ?? "").join("");
  return "";
}
