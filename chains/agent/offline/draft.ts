/** The offline follow-up email draft for a deal, from the deal's own fields, and logging it as a note. */
import type { EntityRef } from "../refs.ts";
import { renderToolOutput } from "../render/index.ts";
import { fillArgs, fillTarget } from "./fill.ts";
import type { Plan } from "./plan.ts";
import type { Ctx } from "./turn.ts";

/**
 * "Draft a follow-up for the <company> deal (and log it as a note)": read the deal, write the
 * draft from what the read returned, then request the note's approval when asked to log it.
 */
export function planDraft(ctx: Ctx, subject: EntityRef): Plan | undefined {
  const q = ctx.turn.question;
  const detail = ctx.tools.find((t) => !t.write && /deal/.test(t.name) && /detail/.test(t.name));
  if (!detail) return undefined;
  const read = ctx.turn.results.find((r) => r.tool === detail.name);
  if (!read) {
    const args = fillArgs(detail, ctx, subject);
    return args.ok ? { kind: "call", tool: detail.name, args: args.value } : undefined;
  }
  const deal = read.value && typeof read.value === "object" ? (read.value as Record<string, unknown>) : undefined;
  if (!deal || "error" in deal || typeof deal.name !== "string") {
    return {
      kind: "reply",
      text: renderToolOutput(read.tool, detail.description, read.content, read.value, {
        now: ctx.turn.now,
        timeZone: ctx.turn.timeZone,
      }),
    };
  }
  const draft = draftFollowUp(deal, ctx.turn.requesterName);
  const log = /\b(log|note|record)\b/i.test(q)
    ? ctx.tools.find((t) => t.write && /log_activity/.test(t.name))
    : undefined;
  const logged = log ? ctx.turn.results.find((r) => r.tool === log.name) : undefined;
  if (log && !logged && subject.id) {
    const args: Record<string, unknown> = {};
    for (const p of log.params) {
      if (p.type === "object" && p.properties) args[p.name] = fillTarget(p, { ...subject, kind: "deal" });
      else if (p.enum?.includes("note")) args[p.name] = "note";
      else if (/(body|text|note|summary)/i.test(p.name)) args[p.name] = draft;
    }
    return { kind: "call", tool: log.name, args };
  }
  const lines = [`Here is a draft follow-up for **${deal.name}**:`, "", ...draft.split("\n").map((l) => `> ${l}`)];
  if (logged) lines.push("", logged.content);
  return { kind: "reply", text: lines.join("\n") };
}

/** A short follow-up email built only from the deal's own fields (no invented facts or figures). */
function draftFollowUp(deal: Record<string, unknown>, requester: string | undefined): string {
  const contacts = Array.isArray(deal.contacts) ? (deal.contacts as { name?: unknown }[]) : [];
  const contact = typeof contacts[0]?.name === "string" ? contacts[0].name.split(" ")[0] : undefined;
  const activities = Array.isArray(deal.activities) ? (deal.activities as Record<string, unknown>[]) : [];
  const inbound = activities.find((a) => a.direction === "inbound" && typeof a.summary === "string");
  const company = typeof deal.company === "string" ? deal.company : String(deal.name);
  return [
    `Subject: Next steps for ${company}`,
    `Hi ${contact ?? "there"},`,
    inbound
      ? `Thank you for your message ("${String(inbound.summary)}"). I want to make sure we cover it properly.`
      : `Thank you for your time on ${company}'s evaluation so far.`,
    "Would you have time for a short call this week to agree the next steps?",
    `Best regards,${requester ? `\n${requester}` : ""}`,
  ].join("\n");
}
