/**
 * The pieces of a turn's answer besides the model's words: the files tools made, the reply
 * with its ungrounded figures removed, the entities it showed and what it was about, the card.
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { AnswerInput } from "../../src/core/answerer.ts";
import type { Card } from "../../src/core/card.ts";
import { type ChatFile, type FileShelf, TOOL_FILES_KEY } from "../../src/core/files.ts";
import type { Logger } from "../../src/core/logger.ts";
import { guardFigures } from "./figure-guard.ts";
import { SHOWN_REFS_KEY } from "./offline/plan.ts";
import { type EntityRef, parseToolOutput, type TurnData } from "./refs.ts";

/** The files tools put on the shelf this turn (`{"files": [{"id"}]}` in their results), in order. */
export async function filesOf(
  results: readonly { content: string }[],
  shelf: Pick<FileShelf, "get"> | undefined,
): Promise<ChatFile[]> {
  if (!shelf) return [];
  const out: ChatFile[] = [];
  for (const r of results) {
    const parsed = parseToolOutput(r.content);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) continue;
    const listed = (parsed as Record<string, unknown>)[TOOL_FILES_KEY];
    if (!Array.isArray(listed)) continue;
    for (const entry of listed) {
      const id = typeof entry === "object" && entry !== null ? (entry as { id?: unknown }).id : undefined;
      const file = typeof id === "string" ? await shelf.get(id) : undefined;
      if (file) out.push(file);
    }
  }
  return out;
}

/** The model's reply without the statements whose figures no tool returned (figure-guard.ts). */
export function groundedText(
  text: string,
  input: AnswerInput,
  toolResults: readonly { content: string }[],
  today: string,
  log: Logger,
): string {
  const guarded = guardFigures(text, {
    toolResults: toolResults.map((r) => r.content),
    userText: [input.message.text, ...input.history.filter((h) => h.role === "user").map((h) => h.text)],
    context: [today],
  });
  // The count only: the figures are message content (house rule: bodies never reach logs).
  if (guarded.ungrounded.length > 0) log.warn("reply figures not from any tool", { count: guarded.ungrounded.length });
  return guarded.text;
}

export function shownRefs(final: BaseMessage | undefined): EntityRef[] {
  const meta = (final?.response_metadata as Record<string, unknown> | undefined)?.daybook as
    | Record<string, unknown>
    | undefined;
  const shown = meta?.[SHOWN_REFS_KEY];
  if (!Array.isArray(shown)) return [];
  return shown.filter(
    (r): r is EntityRef => typeof r === "object" && r !== null && typeof (r as EntityRef).kind === "string",
  );
}

export function replyCard(text: string, context: string): Card {
  return {
    blocks: [
      { type: "text", text },
      { type: "context", text: context },
    ],
  };
}

export function messageText(m: BaseMessage): string {
  return typeof m.content === "string" ? m.content : m.text;
}

/** What the turn was about: an entity named in a call's arguments (this turn's or the last turn's refs). */
export function subjectOf(
  calls: TurnData["calls"],
  refs: EntityRef[],
  previousRefs: EntityRef[],
  shown: EntityRef[] = [],
): EntityRef | undefined {
  const known = [...refs, ...previousRefs];
  for (const c of calls) {
    for (const v of Object.values(c.args)) {
      if (typeof v !== "string" || v.length < 2) continue;
      const lower = v.toLowerCase();
      const hit = known.find(
        (r) => r.id === v || r.name?.toLowerCase() === lower || r.name?.toLowerCase().includes(lower),
      );
      if (hit) return hit;
      if (/^[A-Z][A-Z0-9]+-\d+$/.test(v)) return { kind: "issue", id: v };
    }
  }
  // A reply that showed one record ("what's ready for review?" narrowed to one issue) is about it.
  if (shown.length === 1) return shown[0];
  return refs.length === 1 ? refs[0] : undefined;
}
