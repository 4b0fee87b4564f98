/** What the offline model decides for a message list: call one tool, or reply. */
import type { EntityRef } from "../refs.ts";
import type { IntentTurn } from "./intents.ts";
import type { Ctx } from "./turn.ts";

export type Plan =
  | { kind: "call"; tool: string; args: Record<string, unknown> }
  | { kind: "reply"; text: string; data?: Record<string, unknown> };

/**
 * Key in a final reply's `response_metadata.daybook` listing the entities in the order the
 * reply showed them (when it reordered or filtered the tool's list).
 */
export const SHOWN_REFS_KEY = "shownRefs";

export function intentTurn(ctx: Ctx): IntentTurn {
  return {
    requester: ctx.turn.requesterName,
    question: ctx.turn.question,
    now: ctx.turn.now,
    timeZone: ctx.turn.timeZone,
    previous: ctx.turn.previous.at(-1)?.calls.at(-1),
    people: ctx.entities.filter((e) => e.person).map((e) => ({ name: e.name, id: e.id })),
  };
}

/** True when a call's arguments name the subject (its id or its name). */
export function callIsAbout(args: Record<string, unknown>, subject: EntityRef): boolean {
  const values = JSON.stringify(args).toLowerCase();
  return [subject.id, subject.name].some((v) => v !== undefined && values.includes(JSON.stringify(v.toLowerCase())));
}
