/**
 * The offline model's multi-step flows for issue 16's account work: "draft the renewal email
 * for <customer>" reads the draft tool and quotes its draft; "... and log it" (or "log it" as
 * the next message) asks for the existing crm_log_activity write with the draft as the note,
 * which waits for an approval card like every write. Returns undefined for anything else.
 */
import { renewalDraftNote, renewalDraftReply } from "./day-replies.ts";

const DRAFT_TOOL = "crm_renewal_email_draft";
const LOG_TOOL = "crm_log_activity";

export interface DayFlowInput {
  question: string;
  subject: { kind: string; id?: string; name?: string } | undefined;
  boundTools: readonly string[];
  /** Tool results since the question, in order. */
  results: readonly { tool: string; content: string; value: unknown }[];
  /** The previous answer's tool calls, when there was one. */
  previousCalls: readonly { tool: string; args: Record<string, unknown> }[] | undefined;
}

export type DayFlowPlan =
  | { kind: "call"; tool: string; args: Record<string, unknown> }
  | { kind: "reply"; text: string };

const draftAsked = /\b(draft|write|prepare|compose)\b[^.?!]*\brenewal\b|\brenewal (e-?mail|note|letter)\b/i;
const logAsked = /\b(log|record|save)\b/i;
/** "log it", "log that on the record", "save the draft to the CRM": the previous draft. */
const logPrevious = /^\s*(please\s+)?(log|record|save)\s+(it|that|this|the (draft|e-?mail|renewal e-?mail))\b/i;

export function planDayFlow(input: DayFlowInput): DayFlowPlan | undefined {
  if (!input.boundTools.includes(DRAFT_TOOL)) return undefined;
  const q = input.question;
  let draftArgs: Record<string, unknown> | undefined;
  if (draftAsked.test(q) && !logPrevious.test(q)) {
    const customer = input.subject?.name ?? input.subject?.id ?? nameAfterFor(q);
    if (!customer) return { kind: "reply", text: "Which customer is the renewal email for?" };
    draftArgs = { customer };
  } else if (logPrevious.test(q)) {
    draftArgs = input.previousCalls?.find((c) => c.tool === DRAFT_TOOL)?.args;
  }
  if (!draftArgs) return undefined;
  const read = input.results.find((r) => r.tool === DRAFT_TOOL);
  if (!read) return { kind: "call", tool: DRAFT_TOOL, args: draftArgs };
  const value = typeof read.value === "object" && read.value !== null ? (read.value as Record<string, unknown>) : {};
  if (typeof value.error === "string") return { kind: "reply", text: value.error };
  const wantsLog = logAsked.test(q) && input.boundTools.includes(LOG_TOOL);
  const logged = input.results.find((r) => r.tool === LOG_TOOL);
  if (wantsLog && !logged && typeof value.id === "string")
    return {
      kind: "call",
      tool: LOG_TOOL,
      args: { target: { kind: "company", id: value.id }, type: "note", body: renewalDraftNote(value) },
    };
  const text = logPrevious.test(q) ? "" : renewalDraftReply(value);
  if (logged) return { kind: "reply", text: [text, logged.content].filter(Boolean).join("\n\n") };
  const hint = input.boundTools.includes(LOG_TOOL)
    ? '\n\nSay "log it" to save it as a note on the CRM record (it waits for approval).'
    : "";
  return { kind: "reply", text: `${text}${hint}` };
}

/** "draft the renewal email for Foo Ltd" when Foo Ltd is not a name the model knows yet. */
function nameAfterFor(q: string): string | undefined {
  const m = /\b(?:for|to|with)\s+([A-Z0-9][\w&.' -]{1,80}?)\s*(?:\band log\b|[.?!]|$)/.exec(q);
  return m?.[1]?.trim();
}
