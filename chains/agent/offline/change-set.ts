/**
 * "log a call with <customer>: scheduled training Thursday 2pm, upsold the onboarding package
 * for $2K": the offline model's call to the change-set write (tools/crm/change-set.ts). The
 * sentence gives the customer, the call note, a follow-up (a scheduling verb and a time) and a
 * deal (a selling verb and an amount); which company, which instant in the requester's zone and
 * which pipeline stage are resolved by the action before its card is shown. A call note with
 * neither stays the plain crm_log_activity write.
 */
import { parseWhen } from "../../../src/core/local-time.ts";
import { amountIn } from "./filters.ts";

const TOOL = "crm_log_call_changes";
const logCall =
  /^(?:please\s+)?(?:log|record|note)\s+(?:a\s+|the\s+|my\s+)?call\s+with\s+([^:,;-]+?)\s*[:;,-]\s*(.+)$/i;
const schedules = /\b(scheduled|booked|set\s+up|arranged|planned|agreed)\b/i;
const sells = /\b(upsold|upsell|sold|signed|closed|bought|purchased|added|proposed|pitched|quoted|offered)\b/i;
const notYet = /\b(proposed|pitched|quoted|offered)\b/i;

function capital(text: string): string {
  const t = text.trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

function followUpIn(clause: string): { subject: string; when: string } | undefined {
  if (!schedules.test(clause)) return undefined;
  // The words only, so the zone does not matter here; the action reads them in the requester's.
  const when = parseWhen(clause, 0, "UTC");
  if (!when || when.matched.length === 0) return undefined;
  let subject = clause.replace(schedules, " ");
  for (const m of when.matched)
    subject = subject.replace(new RegExp(m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i"), " ");
  subject = subject
    .replace(/\b(?:a|an|the|for|on|at|next)\b/gi, " ")
    .replace(/\s+/g, " ")
    .trim();
  const words = clause.match(
    new RegExp(when.matched.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi"),
  );
  return { subject: capital(subject || "Follow-up"), when: (words ?? when.matched).join(" ").trim() };
}

function dealIn(clause: string): { name: string; amount: number; agreed: boolean } | undefined {
  const verb = sells.exec(clause);
  const amount = amountIn(clause);
  if (!verb || amount === undefined) return undefined;
  const after = clause.slice(verb.index + verb[0].length);
  const name = after
    .replace(/\s+(?:for|at|worth|of)\s+[$€£]?\s?[\d][\d,.]*\s*[kK]?.*$/i, "")
    .replace(/^\s*(?:them|him|her)?\s*(?:on|to|into)?\s*(?:the|a|an|our)\s+/i, "")
    .trim();
  if (name.length < 2) return undefined;
  return { name: capital(name), amount, agreed: !notYet.test(verb[0]) };
}

export function changeSetCall(
  question: string,
  boundTools: readonly string[],
): { tool: string; args: Record<string, unknown> } | undefined {
  if (!boundTools.includes(TOOL)) return undefined;
  const q = question.trim().replace(/[.!]+$/, "");
  const m = logCall.exec(q);
  if (!m) return undefined;
  const customer = m[1]!.trim();
  const rest = m[2]!.trim();
  let followUp: ReturnType<typeof followUpIn>;
  let deal: ReturnType<typeof dealIn>;
  for (const clause of rest.split(/\s*(?:;|,(?!\d)|\band\b|\bthen\b)\s*/i)) {
    followUp ??= followUpIn(clause);
    deal ??= dealIn(clause);
  }
  if (!followUp && !deal) return undefined;
  return {
    tool: TOOL,
    args: {
      customer,
      callNote: capital(rest),
      ...(followUp ? { followUp } : {}),
      ...(deal ? { deal } : {}),
    },
  };
}
