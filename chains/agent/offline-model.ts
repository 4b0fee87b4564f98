import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel, type BindToolsInput } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { genericExamples } from "../../prompts/agent-offline.ts";
import { turnContextMarkers } from "../../prompts/agent-system.ts";
import type { Clock } from "../../src/core/clock.ts";
import { systemClock } from "../../src/core/clock.ts";
import type { ExampleQuestions } from "../../src/core/examples.ts";
import type { ToolDomain } from "../../src/core/principal.ts";
import { mentionedDomains } from "./domains.ts";
import { continuesPreviousTopic, topicOf } from "./follow-up.ts";
import type { KnownEntity } from "./known-entity.ts";
import { cannotDo } from "./offline/cannot.ts";
import { planDayFlow } from "./offline/day-flows.ts";
import { dueDateIn } from "./offline/due-date.ts";
import { exportCall, isExportTool } from "./offline/exports.ts";
import { readFilter } from "./offline/filters.ts";
import { focusResult, type IntentTurn, intentOf } from "./offline/intents.ts";
import { assigneeIn, personIn, withoutAssignment } from "./offline/people.ts";
import {
  ambiguousReply,
  escapeRe,
  findEntity,
  invoiceIn,
  monthIn,
  ordinalIn,
  periodIn,
  referenceIn,
  writeBody,
} from "./offline/slots.ts";
import { type ParamInfo, synonyms, type ToolInfo, terms, toolInfo } from "./offline/tool-info.ts";
import { correctTypos, vocabularyOf } from "./offline/typos.ts";
import { type EntityRef, extractRefs, isTurnData, parseToolOutput, type RefKind, type TurnData } from "./refs.ts";
import { renderReply, renderToolOutput } from "./render.ts";

export const OFFLINE_MODEL_LABEL = "offline model";

export type { KnownEntity } from "./known-entity.ts";

export interface OfflineModelOptions {
  clock?: Clock;
  entities?: KnownEntity[];
  /** Questions to suggest, from the organisation's own data (chains/agent/examples.ts). */
  examples?: ExampleQuestions;
}

/** Marks daybook's approval tools (set by the agent) so the offline model never mixes reads and writes. */
export { WRITE_TOOL_METADATA_KEY } from "./offline/tool-info.ts";

/**
 * Key in a final reply's `response_metadata.daybook` listing the entities in the order the
 * reply showed them (when it reordered or filtered the tool's list).
 */
export const SHOWN_REFS_KEY = "shownRefs";

type Plan =
  | { kind: "call"; tool: string; args: Record<string, unknown> }
  | { kind: "reply"; text: string; data?: Record<string, unknown> };

const domainLabel: Record<ToolDomain, string> = {
  jira: "Jira (sprints and issues)",
  crm: "the CRM (deals and customers)",
  accounting: "accounting (invoices, bank and the month-end close)",
};

const writeVerb =
  /\b(log|record|create|file|raise|open a|add a comment|comment on|add a note|note on|note that|mark|update|move|change|set|approve|reject|decline)\b/i;

// ---------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------

/**
 * A deterministic LangChain chat model for running daybook with no LLM (ARCHITECTURE.md,
 * decision 5). It routes the user's words to a bound tool by intent, fills arguments from
 * entities it recognises, and writes the final reply from the tool results only, so every
 * figure it prints was produced by a tool.
 */
export class OfflineChatModel extends BaseChatModel {
  readonly #clock: Clock;
  readonly #entities: KnownEntity[];
  readonly #options: OfflineModelOptions;
  readonly #tools: ToolInfo[];

  constructor(options: OfflineModelOptions = {}, tools: ToolInfo[] = []) {
    super({});
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#entities = options.entities ?? [];
    this.#tools = tools;
  }

  _llmType(): string {
    return "daybook-offline";
  }

  override bindTools(tools: BindToolsInput[]) {
    return new OfflineChatModel(this.#options, tools.map(toolInfo)).withConfig({});
  }

  async _generate(
    messages: BaseMessage[],
    _options: this["ParsedCallOptions"],
    _run?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    const plan = this.plan(messages);
    const message =
      plan.kind === "call"
        ? new AIMessage({
            content: "",
            tool_calls: [{ id: callId(messages, plan.tool), name: plan.tool, args: plan.args, type: "tool_call" }],
          })
        : new AIMessage({ content: plan.text, ...(plan.data ? { response_metadata: { daybook: plan.data } } : {}) });
    return { generations: [{ text: typeof message.content === "string" ? message.content : "", message }] };
  }

  /** Exposed for tests and the benchmark: the decision for a message list. */
  plan(messages: BaseMessage[]): Plan {
    const turn = readTurn(messages, this.#clock);
    const entities = [...this.#entities, ...turn.learned];
    // A write's text is posted as written; a question is read with its typos corrected.
    if (!writeVerb.test(turn.question))
      turn.question = correctTypos(turn.question, vocabularyFor(this.#tools, entities));
    const ctx: Ctx = {
      turn,
      entities,
      tools: this.#tools,
      examples: this.#options.examples ?? (() => genericExamples),
    };
    const wanted = planFirstCall(ctx);
    if (wanted.kind === "reply") return wanted;
    // Already called in this turn with the same arguments: answer from the results.
    const done = turn.calls.some((c) => c.name === wanted.tool && sameArgs(c.args, wanted.args));
    if (!done && turn.calls.length < 3) return wanted;
    return composeReply(ctx);
  }
}

/** The words the tools and the organisation's records use, for reading a question's typos. */
function vocabularyFor(tools: readonly ToolInfo[], entities: readonly KnownEntity[]): Set<string> {
  return vocabularyOf([
    ...tools.map(
      (t) =>
        `${t.name.replace(/_/g, " ")} ${t.description} ${t.params.map((p) => `${p.name} ${p.description} ${p.enum?.join(" ") ?? ""}`).join(" ")}`,
    ),
    ...entities.map((e) => e.name),
    ...synonyms.map(([re]) => re.source.replace(/\\[a-z]|[^a-z|]/gi, " ").replace(/\|/g, " ")),
  ]);
}

function callId(messages: BaseMessage[], tool: string): string {
  return `offline_${messages.length}_${tool}`;
}

function sameArgs(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ---------------------------------------------------------------------------------------
// Reading the conversation
// ---------------------------------------------------------------------------------------

interface Turn {
  /** The question with its typos corrected (offline/typos.ts); `said` is as written. */
  question: string;
  said: string;
  requesterName: string | undefined;
  today: string;
  /** The clock's now and the turn's timezone, for "this morning" and "tomorrow 2:00 PM". */
  now: number;
  timeZone: string;
  crmOwnerId: string | undefined;
  allowedDomains: ToolDomain[] | undefined;
  /** Data the agent stored with the previous assistant answers, newest last. */
  previous: TurnData[];
  /** Tool calls and results since the question. */
  calls: { name: string; args: Record<string, unknown>; id: string }[];
  results: { tool: string; content: string; value: unknown }[];
  learned: KnownEntity[];
}

interface Ctx {
  turn: Turn;
  entities: KnownEntity[];
  tools: ToolInfo[];
  examples: ExampleQuestions;
}

function textOf(message: BaseMessage): string {
  return typeof message.content === "string" ? message.content : message.text;
}

function readTurn(messages: BaseMessage[], clock: Clock): Turn {
  let lastHuman = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.getType() === "human") {
      lastHuman = i;
      break;
    }
  }
  const system = messages
    .filter((m) => m.getType() === "system")
    .map(textOf)
    .join("\n");
  const line = (marker: string) =>
    system
      .split("\n")
      .find((l) => l.startsWith(marker))
      ?.slice(marker.length)
      .trim();
  const owner = line(turnContextMarkers.crmOwner)?.split(/\s/)[0];
  const todayLine = line(turnContextMarkers.today);
  const today = todayLine?.slice(0, 10) ?? new Date(clock.now()).toISOString().slice(0, 10);
  const timeZone = /\(([A-Za-z0-9_+\-/]+)\)/.exec(todayLine ?? "")?.[1] ?? "UTC";
  const domainsLine = line(turnContextMarkers.domains);
  const allowedDomains =
    domainsLine === undefined
      ? undefined
      : (domainsLine.split(/[,\s]+/).filter((d) => d === "jira" || d === "crm" || d === "accounting") as ToolDomain[]);

  const previous: TurnData[] = [];
  const learned: KnownEntity[] = [];
  for (let i = 0; i < lastHuman; i++) {
    const m = messages[i] as BaseMessage;
    if (m.getType() !== "ai") continue;
    const data = (m.response_metadata as Record<string, unknown> | undefined)?.daybook;
    // An export does not change the topic: "why is it flagged?" after one is about what came before.
    if (isTurnData(data) && !(data.calls.length > 0 && data.calls.every((c) => isExportTool(c.tool)))) {
      previous.push(data);
      for (const r of data.refs)
        if (r.name) learned.push({ name: r.name, kind: r.kind, ...(r.id ? { id: r.id } : {}) });
    }
  }

  const calls: Turn["calls"] = [];
  const results: Turn["results"] = [];
  const nameById = new Map<string, string>();
  for (let i = lastHuman + 1; i < messages.length; i++) {
    const m = messages[i] as BaseMessage;
    if (m.getType() === "ai") {
      for (const c of (m as AIMessage).tool_calls ?? []) {
        const id = c.id ?? "";
        calls.push({ name: c.name, args: c.args as Record<string, unknown>, id });
        nameById.set(id, c.name);
      }
    } else if (m.getType() === "tool") {
      const content = textOf(m);
      const value = parseToolOutput(content);
      const toolCallId = (m as unknown as { tool_call_id?: string }).tool_call_id ?? "";
      results.push({ tool: nameById.get(toolCallId) ?? "", content, value });
      for (const r of extractRefs(value))
        if (r.name) learned.push({ name: r.name, kind: r.kind, ...(r.id ? { id: r.id } : {}) });
    }
  }
  return {
    question: lastHuman >= 0 ? textOf(messages[lastHuman] as BaseMessage) : "",
    said: lastHuman >= 0 ? textOf(messages[lastHuman] as BaseMessage) : "",
    requesterName: line(turnContextMarkers.requester),
    today,
    now: clock.now(),
    timeZone,
    crmOwnerId: owner && owner !== "none" ? owner : undefined,
    allowedDomains,
    previous,
    calls,
    results,
    learned,
  };
}

// ---------------------------------------------------------------------------------------
// Planning
// ---------------------------------------------------------------------------------------

function domainOfKind(kind: RefKind): ToolDomain | undefined {
  if (kind === "issue") return "jira";
  if (kind === "deal" || kind === "customer" || kind === "company") return "crm";
  if (kind === "invoice" || kind === "transaction") return "accounting";
  return undefined;
}

function questionDomains(text: string, subject: EntityRef | undefined, thread?: ToolDomain): ToolDomain[] {
  const d = subject ? domainOfKind(subject.kind) : thread;
  const out = mentionedDomains(text, d);
  if (d && !out.includes(d)) out.push(d);
  return out;
}

function preferredKinds(text: string): RefKind[] {
  if (/\b(risk|churn|health|usage|customer|account)\b/i.test(text)) return ["customer", "company", "deal"];
  if (/\b(deal|pipeline|stage|close date|amount)\b/i.test(text)) return ["deal", "company", "customer"];
  if (/\b(log|call|note)\b/i.test(text)) return ["company", "customer", "deal"];
  return ["customer", "deal", "company", "issue", "invoice"];
}

/** The entity a follow-up refers to, from the question or the thread's earlier turns. */
function resolveSubject(ctx: Ctx): { subject: EntityRef | undefined; viaFollowUp: boolean } {
  const q = ctx.turn.question;
  const reference = referenceIn(q, ctx.entities);
  if (reference?.kind === "issue") return { subject: { kind: "issue", id: reference.ref }, viaFollowUp: false };
  if (reference?.kind === "invoice") return { subject: { kind: "invoice", name: reference.ref }, viaFollowUp: false };
  const inv = invoiceIn(q);
  if (inv) return { subject: { kind: "invoice", name: inv }, viaFollowUp: false };
  const named = findEntity(q, ctx.entities, preferredKinds(q));
  if (named) {
    const subject: EntityRef = { kind: named.kind, name: named.name, ...(named.id ? { id: named.id } : {}) };
    // "the <company> deal" names a company but asks about its deal; the word, not the tool's
    // wording, decides which record the question is about.
    // A company that is no customer ("what's the latest on <prospect>?") is known through its deal.
    const prospect =
      named.kind === "company" &&
      !ctx.entities.some((e) => e.kind === "customer" && e.name.toLowerCase() === named.name.toLowerCase());
    const deal =
      named.kind !== "deal" && (prospect || /\bdeal\b/i.test(q))
        ? relatedEntity("deal", subject, ctx.entities)
        : undefined;
    return { subject: deal ?? subject, viaFollowUp: false };
  }
  const last = ctx.turn.previous.at(-1);
  if (!last) return { subject: undefined, viaFollowUp: false };
  const n = ordinalIn(q);
  if (n !== undefined && last.refs.length > 0) {
    const ref = n < 0 ? last.refs.at(-1) : last.refs[n];
    if (ref) return { subject: ref, viaFollowUp: true };
  }
  // A question with its own subject or intent starts clean (follow-up.ts), however short.
  if (continuesPreviousTopic(q)) {
    const carried = last.subject ?? (last.refs.length === 1 ? last.refs[0] : undefined);
    // "how is the sprint going?" after a customer question starts a new topic.
    const named = carried ? mentionedDomains(q, domainOfKind(carried.kind)) : mentionedDomains(q);
    if (carried && (named.length === 0 || named.includes(domainOfKind(carried.kind) as ToolDomain))) {
      return { subject: carried, viaFollowUp: true };
    }
  }
  return { subject: undefined, viaFollowUp: false };
}

function planFirstCall(ctx: Ctx): Plan {
  const q = ctx.turn.question.trim();
  if (q === "") return { kind: "reply", text: helpReply(ctx, "Ask me a question about your work.") };
  // "export the P&L to CSV": the export tool of those records (offline/exports.ts).
  const exported = exportCall(
    q,
    ctx.tools.map((t) => t.name),
    { now: ctx.turn.now, timeZone: ctx.turn.timeZone },
  );
  if (exported) return { kind: "call", tool: exported.tool, args: exported.args };
  // A request daybook has no tool for gets an honest answer, not a neighbouring one.
  const unable = cannotDo(ctx.turn.said) ?? cannotDo(q);
  if (unable) return { kind: "reply", text: unable };
  const reference = referenceIn(q, ctx.entities);
  if (reference?.kind === "ambiguous") return { kind: "reply", text: ambiguousReply(reference.ref) };
  const { subject, viaFollowUp } = resolveSubject(ctx);
  // Renewal drafts and logging them (offline/day-flows.ts) before the deal follow-up draft.
  const flow = planDayFlow({
    question: q,
    subject,
    boundTools: ctx.tools.map((t) => t.name),
    results: ctx.turn.results,
    previousCalls: ctx.turn.previous.at(-1)?.calls,
  });
  if (flow) return flow;
  if (/\bdraft\b/i.test(q) && subject) {
    const deal = subject.kind === "deal" ? subject : relatedEntity("deal", subject, ctx.entities);
    const draft = deal ? planDraft(ctx, deal) : undefined;
    if (draft) return draft;
  }
  const wantsWrite = writeVerb.test(q) && !/^\s*(what|which|why|how|who|when|is|are|show|list)\b/i.test(q);
  // A follow-up with no record to point at is still about the previous answer's system.
  const threadTool = continuesPreviousTopic(q)
    ? ctx.tools.find((t) => t.name === ctx.turn.previous.at(-1)?.calls.at(-1)?.tool)
    : undefined;
  const asked = questionDomains(q, subject, threadTool?.domain);
  const allowed = ctx.turn.allowedDomains;
  // Export tools answer only "export ... to CSV" (exportCall above), never a question sharing their words.
  const candidates = ctx.tools.filter((t) => t.write === wantsWrite && !isExportTool(t.name));

  const scored = candidates
    .map((t) => ({ tool: t, score: scoreTool(t, q, subject, viaFollowUp, ctx) }))
    .filter((s) => s.score > 0)
    .sort(
      (a, b) =>
        b.score - a.score || nameHits(b.tool, q) - nameHits(a.tool, q) || a.tool.name.localeCompare(b.tool.name),
    );

  // Refuse before guessing: a question about data the requester's roles do not cover gets
  // an explanation, even if some bound tool matches a word or two.
  if (allowed && asked.length > 0 && !asked.some((d) => allowed.includes(d))) {
    return { kind: "reply", text: refusal(asked, allowed, ctx) };
  }
  // A question that names one answer precisely (offline/intents.ts) goes to its tool.
  const intent = wantsWrite
    ? undefined
    : intentOf(
        q,
        ctx.tools.map((t) => t.name),
      );
  const intentTool = intent ? ctx.tools.find((t) => t.name === intent.tool) : undefined;
  if (intent && intentTool) {
    const filled = fillArgs(intentTool, ctx, subject);
    if (filled.ok)
      return {
        kind: "call",
        tool: intentTool.name,
        args: { ...filled.value, ...intent.args?.(q, intentTurn(ctx)) },
      };
  }
  // "when does it close?", "what should I do?" about the record just shown: the same look-up
  // again, whose reply carries the attribute, rather than another tool sharing a word.
  const shown = ctx.turn.previous.at(-1)?.calls.at(-1);
  const shownTool = shown ? ctx.tools.find((t) => t.name === shown.tool && !t.write) : undefined;
  if (
    shown &&
    shownTool &&
    viaFollowUp &&
    subject &&
    topicOf(q).kind === "follow-up" &&
    callIsAbout(shown.args, subject) &&
    (scored[0]?.tool.domain ?? shownTool.domain) === shownTool.domain
  )
    return { kind: "call", tool: shownTool.name, args: shown.args };
  // "why is it flagged?", "who's the vendor?" about a bill just listed: that bill's own record.
  const bill = ctx.tools.find((t) => !t.write && t.params.some((p) => p.name === "invoiceNumber"));
  if (bill && viaFollowUp && subject?.kind === "invoice" && topicOf(q).kind === "follow-up") {
    const filled = fillArgs(bill, ctx, subject);
    if (filled.ok && filled.value.invoiceNumber !== undefined)
      return { kind: "call", tool: bill.name, args: { invoiceNumber: filled.value.invoiceNumber } };
  }
  // "why?", "how come?" with nothing in the thread to point at: the previous answer's own
  // reasons, asked again, not another tool that explains something else.
  const elliptical = topicOf(q);
  if (!subject && shown && shownTool && elliptical.kind === "follow-up" && elliptical.reason === "elliptical")
    return { kind: "call", tool: shownTool.name, args: shown.args };
  const top = scored[0];
  // "and November?": nothing in the words picks a tool, so the previous question is asked
  // again with what this one changed (follow-up.ts decided it continues the topic).
  const previousCall = ctx.turn.previous.at(-1)?.calls.at(-1);
  const again =
    previousCall && !top && continuesPreviousTopic(q)
      ? ctx.tools.find((t) => t.name === previousCall.tool && !t.write)
      : undefined;
  if (again && previousCall) {
    const filled = fillArgs(again, ctx, subject);
    if (filled.ok) return { kind: "call", tool: again.name, args: { ...previousCall.args, ...filled.value } };
  }
  if (!top) {
    const missing = asked.filter((d) => !ctx.tools.some((t) => t.domain === d));
    if (missing.length > 0 && allowed && !missing.some((d) => allowed.includes(d))) {
      return { kind: "reply", text: refusal(missing, allowed, ctx) };
    }
    return {
      kind: "reply",
      text: helpReply(
        ctx,
        wantsWrite
          ? "I could not match that to a change I can request."
          : "I could not match that to a question I can answer.",
      ),
    };
  }
  const filledArgs = fillArgs(top.tool, ctx, subject);
  // A follow-up answered by the same tool keeps what the previous question asked ("P&L for
  // October" then "what was net profit?" is October's), with what this one says on top.
  const args =
    filledArgs.ok && previousCall?.tool === top.tool.name && continuesPreviousTopic(q)
      ? { ok: true as const, value: { ...previousCall.args, ...filledArgs.value } }
      : filledArgs;
  if (!args.ok) {
    return {
      kind: "reply",
      text: `To do that I need ${args.missing.map((m) => `the ${humanize(m)}`).join(" and ")}. Could you say it again with that?`,
    };
  }
  return { kind: "call", tool: top.tool.name, args: args.value };
}

function intentTurn(ctx: Ctx): IntentTurn {
  return {
    requester: ctx.turn.requesterName,
    question: ctx.turn.question,
    now: ctx.turn.now,
    timeZone: ctx.turn.timeZone,
    previous: ctx.turn.previous.at(-1)?.calls.at(-1),
  };
}

/** True when a call's arguments name the subject (its id or its name). */
function callIsAbout(args: Record<string, unknown>, subject: EntityRef): boolean {
  const values = JSON.stringify(args).toLowerCase();
  return [subject.id, subject.name].some((v) => v !== undefined && values.includes(JSON.stringify(v.toLowerCase())));
}

/**
 * "Draft a follow-up for the <company> deal (and log it as a note)": read the deal, write the
 * draft from what the read returned, then request the note's approval when asked to log it.
 */
function planDraft(ctx: Ctx, subject: EntityRef): Plan | undefined {
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

function humanize(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/_/g, " ")
    .toLowerCase();
}

/**
 * Breaks a tie between tools that matched the same words: the one named for them wins
 * ("invoices from <vendor>" is accounting_invoices, not the close exceptions whose examples
 * mention duplicate invoices), so no organisation's names in the examples are needed to decide.
 */
function nameHits(tool: ToolInfo, q: string): number {
  let hits = 0;
  for (const term of terms(q, false)) if (tool.nameTerms.has(term)) hits++;
  return hits;
}

function scoreTool(tool: ToolInfo, q: string, subject: EntityRef | undefined, viaFollowUp: boolean, ctx: Ctx): number {
  const qTerms = terms(q, true);
  let score = 0;
  for (const term of qTerms) {
    if (!tool.terms.has(term)) continue;
    const df = ctx.tools.filter((t) => t.terms.has(term)).length;
    score += Math.log(1 + ctx.tools.length / df);
  }
  if (subject) {
    const paramNames = tool.params
      .map((p) => p.name)
      .join(" ")
      .toLowerCase();
    const paramText = tool.params
      .map((p) => p.description)
      .join(" ")
      .toLowerCase();
    const kindWords: Record<RefKind, RegExp> = {
      issue: /\b(key|issue)/,
      deal: /deal/,
      customer: /(customer|company|account)/,
      company: /(company|customer|account|target)/,
      invoice: /invoice/,
      transaction: /transaction/,
      other: /$^/,
    };
    // A parameter named for the entity ("customer", "dealId", "key") beats one whose
    // description merely mentions it ("Deal or company name").
    if (kindWords[subject.kind].test(paramNames)) score += viaFollowUp ? 3 : 1.5;
    else if (kindWords[subject.kind].test(paramText)) score += viaFollowUp ? 1 : 0.5;
    else if (tool.params.some((p) => tool.required.has(p.name))) score -= 1;
    // "and the second one?" asks for the detail of a listed item.
    if (viaFollowUp && /(detail|get|lookup|find)/.test(tool.name)) score += 0.5;
  }
  if (subject === undefined && [...tool.required].some((r) => /(id|key|name|customer|deal|company)$/i.test(r)))
    score -= 1;
  // "last month's close" names accounting; a CRM tool about closed deals shares words, not the topic.
  const about = subject ? domainOfKind(subject.kind) : undefined;
  const said = mentionedDomains(q, about);
  // A question about a record with no system word ("what's the latest on <company>?") is about that record's system.
  const named = said.length === 0 && about ? [about] : said;
  if (named.length > 0 && tool.domain && !named.includes(tool.domain)) score -= 2;
  return score;
}

type Filled = { ok: true; value: Record<string, unknown> } | { ok: false; missing: string[] };

function fillArgs(tool: ToolInfo, ctx: Ctx, subject: EntityRef | undefined): Filled {
  const q = ctx.turn.question;
  const value: Record<string, unknown> = {};
  const missing: string[] = [];
  const lower = q.toLowerCase();
  for (const p of tool.params) {
    const n = p.name.toLowerCase();
    const required = tool.required.has(p.name);
    // The agent fills who a write is for from the requester (agent.ts), never the question.
    if (p.name === "onBehalfOf") continue;
    let v: unknown;
    // Filters a person says ("unreconciled", "awaiting approval", "from <vendor>"): offline/filters.ts.
    const filter = tool.write ? undefined : readFilter(p, q);
    if (filter !== undefined) {
      value[p.name] = filter;
      continue;
    }
    if (p.enum) {
      v = p.enum.find((e) => new RegExp(`\\b${escapeRe(e.toLowerCase())}\\b`).test(lower));
      if (v === undefined && required && subject && /kind|type/.test(n)) v = enumForSubject(p.enum, subject);
      if (v === undefined && required && !p.hasDefault) v = p.enum[0];
      if (v === undefined && p.hasDefault) continue;
    } else if (p.type === "object" && p.properties) {
      const onDeal = /\bdeal\b/i.test(q) && subject && subject.kind !== "deal";
      v = fillTarget(p, (onDeal && relatedEntity("deal", subject, ctx.entities)) || subject);
    } else if (n === "period") {
      v = periodIn(q, ctx.turn);
    } else if (/month/.test(n)) {
      v = monthIn(q, ctx.turn) ?? (required ? ctx.turn.today.slice(0, 7) : undefined);
    } else if (/owner/.test(n)) {
      if (/\b(my|me|mine|i)\b/i.test(q) && ctx.turn.crmOwnerId) v = ctx.turn.crmOwnerId;
      else v = personIn(q, ctx.entities)?.id;
    } else if (tool.write && /due/.test(n)) {
      v = dueDateIn(q, ctx.turn.today);
    } else if (/assignee/.test(n)) {
      v = (tool.write ? assigneeIn(q, ctx.entities, ctx.turn.requesterName) : personIn(q, ctx.entities))?.name;
    } else if (tool.write && /(body|text|note|comment|summary|description|message|reason)/.test(n)) {
      v = writeBody(
        tool.write && /summary|title|description/.test(n) ? withoutAssignment(q, assigneeIn(q, ctx.entities)) : q,
        n,
      );
    } else if (/(^|_)(issue)?key$|issuekey/.test(n)) {
      v = subject?.kind === "issue" ? subject.id : undefined;
    } else if (/invoice|number/.test(n)) {
      v = subject?.kind === "invoice" ? (subject.name ?? subject.id) : invoiceIn(q);
    } else if (tool.write && n === "stage") {
      v = /\b(?:to|as|into)\s+([A-Za-z][A-Za-z ]{1,40})$/i.exec(q.trim().replace(/[.!?]+$/, ""))?.[1]?.trim();
    } else if (p.type === "string" && /id$/.test(n)) {
      const ref = subject && !kindMatches(n, subject.kind) ? relatedEntity(n, subject, ctx.entities) : subject;
      v = ref && kindMatches(n, ref.kind) ? (ref.id ?? ref.name) : undefined;
    } else if (p.type === "string" && /(name|customer|deal|company|account|query|search|target|text)/.test(n)) {
      v =
        subject && (subject.kind !== "issue" || /text|query|search/.test(n)) ? (subject.name ?? subject.id) : undefined;
    } else if ((p.type === "number" || p.type === "integer") && /days?$/.test(n)) {
      const m = /\b(\d{1,3})\s*days?\b/.exec(lower);
      v = m ? Number(m[1]) : undefined;
    }
    if (v === undefined || v === "") {
      if (required) missing.push(p.name);
      continue;
    }
    value[p.name] = v;
  }
  // A description that only repeats the summary says nothing more.
  if (tool.write && value.description !== undefined && value.description === value.summary) delete value.description;
  return missing.length > 0 ? { ok: false, missing } : { ok: true, value };
}

/** "move <company> to Closed Won": the company was named, the tool wants its (only) open deal. */
function relatedEntity(paramName: string, subject: EntityRef, entities: KnownEntity[]): EntityRef | undefined {
  if (!/deal/.test(paramName) || !subject.name) return undefined;
  const prefix = subject.name.toLowerCase();
  const deals = entities.filter((e) => e.kind === "deal" && e.name.toLowerCase().startsWith(prefix));
  const unique = [...new Map(deals.map((d) => [d.id ?? d.name, d])).values()];
  const only = unique.length === 1 ? unique[0] : undefined;
  return only ? { kind: "deal", name: only.name, ...(only.id ? { id: only.id } : {}) } : undefined;
}

function kindMatches(paramName: string, kind: RefKind): boolean {
  if (/deal/.test(paramName)) return kind === "deal";
  if (/(customer|company|account)/.test(paramName)) return kind === "customer" || kind === "company";
  if (/issue/.test(paramName)) return kind === "issue";
  if (/invoice/.test(paramName)) return kind === "invoice";
  return true;
}

function enumForSubject(options: string[], subject: EntityRef): string | undefined {
  const want = subject.kind === "customer" ? "company" : subject.kind;
  return options.find((o) => o.toLowerCase() === want);
}

/** Fills a `{ kind, id }`-style target object from the subject. */
function fillTarget(p: ParamInfo, subject: EntityRef | undefined): Record<string, unknown> | undefined {
  if (!subject || !p.properties) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(p.properties)) {
    if (s.enum) {
      const e = enumForSubject(s.enum, subject);
      if (e) out[name] = e;
    } else if (/id$/i.test(name)) {
      if (subject.id) out[name] = subject.id;
    } else if (/name/i.test(name)) {
      if (subject.name) out[name] = subject.name;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

// ---------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------

function refusal(asked: ToolDomain[], allowed: ToolDomain[], ctx: Ctx): string {
  const what = asked.map((d) => domainLabel[d]).join(" or ");
  const lines = [`Sorry, I can't look at ${what} for you: your roles don't include access to it.`];
  if (allowed.length > 0) {
    lines.push(`You can ask me about ${allowed.map((d) => domainLabel[d]).join(" and ")}, for example:`);
    for (const example of examplesFor(allowed, ctx)) lines.push(`- _${example}_`);
  } else {
    lines.push("Your account has no data access configured yet; an administrator can add roles for you.");
  }
  return lines.join("\n");
}

function helpReply(ctx: Ctx, lead: string): string {
  const allowed =
    ctx.turn.allowedDomains ?? ([...new Set(ctx.tools.map((t) => t.domain).filter(Boolean))] as ToolDomain[]);
  const examples = examplesFor(allowed, ctx);
  if (examples.length === 0) return `${lead} Your account has no data access configured yet.`;
  return [`${lead} You can ask me, for example:`, ...examples.map((e) => `- _${e}_`)].join("\n");
}

function examplesFor(domains: ToolDomain[], ctx: Ctx): string[] {
  const all = ctx.examples();
  return domains.flatMap((d) =>
    all
      .filter((e) => e.domain === d)
      .slice(0, 2)
      .map((e) => e.text),
  );
}

function composeReply(ctx: Ctx): Plan {
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
