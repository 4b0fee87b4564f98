/** The offline model's final reply, written from the turn's tool results only. */
import { extractRefs } from "../refs.ts";
import { renderReply } from "../render/index.ts";
import { focusResult, intentOf } from "./intents.ts";
import { intentTurn, type Plan, SHOWN_REFS_KEY } from "./plan.ts";
import { helpReply } from "./replies.ts";
import type { Ctx } from "./turn.ts";

export function composeReply(ctx: Ctx): Plan {
  const results = ctx.turn.results;
  if (results.length === 0)
    return { kind: "reply", text: helpReply(ctx, "I did not get anything back from the tools.") };
  const writes = results.filter((r) => ctx.tools.find((t) => t.name === r.tool)?.write);
  if (writes.length > 0) return { kind: "reply", text: writes.map((w) => w.content).join("\n") };
  // The last result answers the question; earlier ones were look-ups on the way.
  const last = results.at(-1) as (typeof results)[number];
  const tool = ctx.tools.find((t) => t.name === last.tool);
  const intent = intentOf(
    ctx.turn.question,
    ctx.tools.map((t) => t.name),
  );
  const focused = intent?.tool === last.tool ? focusResult(intent, last.value, intentTurn(ctx)) : undefined;
  const value = focused ?? last.value;
  const rendered = renderReply(
    last.tool,
    tool?.description ?? "",
    focused ? JSON.stringify(focused) : last.content,
    value,
    {
      now: ctx.turn.now,
      timeZone: ctx.turn.timeZone,
    },
  );
  const reply =
    focused && intent?.finish
      ? { ...rendered, text: intent.finish(rendered.text, focused, ctx.turn.question) }
      : rendered;
  // The agent numbers follow-ups ("the second one") by what the reply showed, in its order.
  // A narrowed answer showed only what it kept: "who owns it?" refers to those.
  const refs = reply.refs ?? (focused && intent?.refersToNarrowed ? extractRefs(focused) : undefined);
  return { kind: "reply", text: reply.text, ...(refs ? { data: { [SHOWN_REFS_KEY]: refs } } : {}) };
}
