/**
 * Writes the offline model's reply from a compact JSON tool result, the way a colleague would
 * put it in chat: a one-line answer first, then the few items that matter with their human
 * fields ($250,000, 85%, "waiting on another team", "this morning").
 *
 * Grounding (ARCHITECTURE.md, decision 2): every figure is a tool value shown in another form
 * (0.85 as 85%, 250000 as $250,000, "2026-11-24T14:00Z" as "tomorrow 2:00 PM UTC") or a count
 * of the items a tool returned. Nothing is estimated, summed or subtracted here; day counts
 * ("silent 5 days") are the tool's own fields, never computed from timestamps.
 *
 * Each domain lists its renderers next to its wording (jira.ts, crm.ts, accounting.ts): a new
 * tool's shape is one more entry there, and this file only joins the lists. A result no entry
 * recognises is laid out field by field (renderToolOutput), so a new tool answers from day one.
 */
import { accountingRenderers } from "./accounting.ts";
import { crmRenderers } from "./crm.ts";
import { currencyIn, Fields } from "./fields.ts";
import { fileRenderers } from "./files.ts";
import { financeRenderers } from "./finance.ts";
import { jiraRenderers } from "./jira.ts";
import type { ShapeRenderer } from "./shape.ts";
import { clip, isObj, label, upperFirst } from "./text.ts";
import type { Obj, RenderContext, RenderedReply } from "./types.ts";

export type { ShapeRenderer } from "./shape.ts";
export { label } from "./text.ts";
export type { RenderContext, RenderedReply } from "./types.ts";

/**
 * Every known shape, first match wins. The shapes are told apart by keys no other shape
 * carries (test/agent-render-registry.test.ts runs every read tool of both organisations and
 * checks that no result matches two entries).
 */
export const renderers: readonly ShapeRenderer[] = [
  ...fileRenderers,
  ...jiraRenderers,
  ...crmRenderers,
  ...accountingRenderers,
  ...financeRenderers,
];

/** The reply for one tool result; the shape of the result picks the wording. */
export function renderReply(
  tool: string,
  description: string,
  content: string,
  value: unknown,
  ctx: RenderContext,
): RenderedReply {
  // A tool's refusal or failure ({ error, code }) is already a user-safe sentence: say it as
  // a colleague would, without a heading or the error code.
  if (isObj(value) && typeof value.error === "string") return { text: clip(upperFirst(value.error)) };
  if (isObj(value) && !("error" in value)) {
    const specific = renderKnownShape(value, ctx);
    if (specific) {
      // A result read from a listing cut at a connector's safety cap says so, whatever its shape.
      const partial = Array.isArray(value.partial) ? value.partial.filter((p) => typeof p === "string") : [];
      const text = partial.length > 0 ? `${specific.text}\n_${upperFirst(partial.join("; "))}._` : specific.text;
      return { text: clip(text), ...(specific.refs ? { refs: specific.refs } : {}) };
    }
  }
  return { text: renderToolOutput(tool, description, content, value, ctx) };
}

/** A generic rendering: a heading, then the result's fields with human values. */
export function renderToolOutput(
  tool: string,
  _description: string,
  content: string,
  value: unknown,
  ctx: RenderContext = { now: Date.now() },
): string {
  const heading = `**${label(tool.replace(/^(jira|crm|accounting)_/, ""))}**`;
  if (value === undefined) return `${heading}\n${clip(content.trim())}`;
  const r = new Fields(ctx, currencyIn(value));
  const lines = [heading, ...r.value(value, 0)];
  return clip(lines.join("\n"));
}

function renderKnownShape(v: Obj, ctx: RenderContext): RenderedReply | undefined {
  const renderer = renderers.find((r) => r.matches(v));
  if (!renderer) return undefined;
  const out = renderer.render(v, new Fields(ctx, currencyIn(v)));
  return typeof out === "string" ? { text: out } : out;
}
