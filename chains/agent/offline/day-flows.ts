/**
 * The offline model's multi-step flows for issue 16's account work: "draft the renewal email
 * for <customer>" reads the draft tool and quotes its draft; "... and log it" (or "log it" as
 * the next message) asks for the existing crm_log_activity write with the draft as the note,
 * which waits for an approval card like every write. Returns undefined for anything else.
 */
import { qbrFactsFromTools, qbrReply } from "../../digests/qbr.ts";
import { callPrepReply, renewalDraftNote, renewalDraftReply, retroReply, weekReply } from "./day-replies.ts";

const DRAFT_TOOL = "crm_renewal_email_draft";
const PREP_TOOL = "crm_call_prep";
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

const prepAsked =
  /\b(prep|prepare|brief)\b[^.?!]*\b(call|meeting|chat|conversation|check-?in|qbr)\b|\bcall prep\b|\bbefore (my|the|our) call with\b/i;

const RETRO_TOOL = "jira_sprint_retro";
const WEEK_TOOL = "jira_week_plan";
const retroAsked =
  /\b(retro|retrospective|velocity|carr(?:y|ies|ied)[- ]?overs?|blocked days|days (were we )?blocked)\b/i;
const kickoffAsked =
  /\b(monday )?kick-?off\b|\bthis week'?s priorities\b|\bwhat'?s on (for )?this week\b|\bpriorities (for )?this week\b|\b(finish|done|complete|ship)\w* last week\b/i;
const checkinAsked = /\bmid-?week\b|\bcheck-?in\b|\bon track this week\b/i;

/** A Jira rhythm question: its tool once, then the reply from what it returned. */
function rhythm(
  input: DayFlowInput,
  tool: string,
  args: Record<string, unknown>,
  reply: (v: Record<string, unknown>) => string,
) {
  if (!input.boundTools.includes(tool)) return undefined;
  const read = input.results.find((r) => r.tool === tool);
  if (!read) return { kind: "call" as const, tool, args };
  const v = typeof read.value === "object" && read.value !== null ? (read.value as Record<string, unknown>) : {};
  return { kind: "reply" as const, text: typeof v.error === "string" ? v.error : reply(v) };
}

export function planDayFlow(input: DayFlowInput): DayFlowPlan | undefined {
  const q = input.question;
  const qbr = planQbr(input);
  if (qbr) return qbr;
  const wantsJiraWrite = /^\s*(please\s+)?(create|file|open|raise|add|comment)\b/i.test(q);
  if (!wantsJiraWrite && !prepAsked.test(q)) {
    if (checkinAsked.test(q)) return rhythm(input, WEEK_TOOL, { view: "checkin" }, weekReply);
    if (kickoffAsked.test(q)) return rhythm(input, WEEK_TOOL, { view: "kickoff" }, weekReply);
    if (retroAsked.test(q)) return rhythm(input, RETRO_TOOL, {}, retroReply);
  }
  // Call prep for a name the model does not know whole ("Zephyr" for "Zephyr Bikes"): the tool
  // looks it up (intents.ts routes the known names).
  if (prepAsked.test(q) && !input.subject && input.boundTools.includes(PREP_TOOL)) {
    const read = input.results.find((r) => r.tool === PREP_TOOL);
    if (read) {
      const v = typeof read.value === "object" && read.value !== null ? (read.value as Record<string, unknown>) : {};
      return { kind: "reply", text: typeof v.error === "string" ? v.error : callPrepReply(v) };
    }
    const customer = nameAfterFor(q);
    return customer
      ? { kind: "call", tool: PREP_TOOL, args: { customer } }
      : { kind: "reply", text: "Which customer is the call with?" };
  }
  if (!input.boundTools.includes(DRAFT_TOOL)) return undefined;
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

/** "draft the renewal email for Foo Ltd", "prep me for my call with Foo": the name said, when the model knows no such record. */
function nameAfterFor(q: string): string | undefined {
  const end = String.raw`\s*(?:\band log\b|\b(?:call|meeting)\b|[.?!]|$)`;
  for (const word of ["with", "for", "to"]) {
    const m = new RegExp(String.raw`\b${word}\s+(?:the\s+)?([A-Za-z0-9][\w&.' -]{1,80}?)${end}`, "i").exec(q);
    const name = m?.[1]?.trim();
    if (name && !/^(my|our|me|us|the)$/i.test(name)) return name;
  }
  return undefined;
}

const QBR_TOOLS = ["accounting_qbr_finance", "crm_qbr_pipeline"] as const;
/** "QBR briefing", "prep the QBR", "quarterly business review"; "prep me for my QBR with X" is call prep. */
const qbrAsked = /\b(qbr|quarterly (business )?review)\b/i;

/**
 * The quarterly business review on demand: each of its tools the asker holds (one per system),
 * then the digest's own sections from their figures, and a line naming what was left out.
 */
function planQbr(input: DayFlowInput): DayFlowPlan | undefined {
  if (!qbrAsked.test(input.question) || /\bwith\b/i.test(input.question)) return undefined;
  const bound = QBR_TOOLS.filter((t) => input.boundTools.includes(t));
  if (bound.length === 0) return undefined;
  const next = bound.find((t) => !input.results.some((r) => r.tool === t));
  if (next) return { kind: "call", tool: next, args: {} };
  const value = (tool: string) => input.results.find((r) => r.tool === tool)?.value;
  const failed = bound
    .map(value)
    .find((v) => typeof v === "object" && v !== null && typeof (v as { error?: unknown }).error === "string");
  if (failed) return { kind: "reply", text: String((failed as { error: string }).error) };
  const facts = qbrFactsFromTools(value(QBR_TOOLS[0]), value(QBR_TOOLS[1]));
  return facts ? { kind: "reply", text: qbrReply(facts) } : undefined;
}
