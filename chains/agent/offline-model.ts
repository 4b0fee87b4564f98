import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel, type BindToolsInput } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { genericExamples } from "../../prompts/agent-offline.ts";
import type { Clock } from "../../src/core/clock.ts";
import { systemClock } from "../../src/core/clock.ts";
import type { ExampleQuestions } from "../../src/core/examples.ts";
import type { ToolDomain } from "../../src/core/principal.ts";
import { mentionedDomains } from "./domains.ts";
import { continuesPreviousTopic, topicOf } from "./follow-up.ts";
import type { KnownEntity } from "./known-entity.ts";
import { bankCodingCall } from "./offline/bank-coding.ts";
import { cannotDo } from "./offline/cannot.ts";
import { changeSetCall } from "./offline/change-set.ts";
import { planDayFlow } from "./offline/day-flows.ts";
import { exportCall, isExportTool } from "./offline/exports.ts";
import { domainOfKind, fillArgs, fillTarget, humanize, nameHits, relatedEntity, scoreTool } from "./offline/fill.ts";
import { focusResult, type IntentTurn, intentOf } from "./offline/intents.ts";
import { planProposal } from "./offline/proposals.ts";
import { helpReply, refusal } from "./offline/replies.ts";
import { ambiguousReply, findEntity, invoiceIn, ordinalIn, referenceIn } from "./offline/slots.ts";
import { synonyms, type ToolInfo, toolInfo } from "./offline/tool-info.ts";
import { type Ctx, readTurn } from "./offline/turn.ts";
import { correctTypos, vocabularyOf } from "./offline/typos.ts";
import { type EntityRef, extractRefs, type RefKind } from "./refs.ts";
import { renderReply, renderToolOutput } from "./render/index.ts";

/** Write tools whose arguments are prose a language model drafts; the offline model never picks them. */
const modelDraftedTools = new Set(["jira_create_story"]);
/**
 * Chosen only when its own sentence reader recognises the request (offline/change-set.ts), never
 * by word scores: a plain "log a call on <customer>: ..." stays the single-write crm_log_activity.
 */
const sentenceOnlyTools = new Set(["crm_log_call_changes"]);

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
// Planning
// ---------------------------------------------------------------------------------------

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
  // "proposal for <company>, 500 users, annual": priced by the tool, sent as files (offline/proposals.ts).
  const proposal = planProposal(
    q,
    ctx.tools.map((t) => t.name),
    ctx.turn.results,
  );
  if (proposal) return proposal;
  // "the $2,100 wire is the legal settlement": code that bank line (offline/bank-coding.ts).
  const coding = bankCodingCall(
    q,
    ctx.tools.map((t) => t.name),
  );
  if (coding) return { kind: "call", ...coding };
  // "log a call with <customer>: scheduled ..., upsold ... for $2K": one change set (offline/change-set.ts).
  const changes = changeSetCall(
    q,
    ctx.tools.map((t) => t.name),
  );
  if (changes) return { kind: "call", ...changes };
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
  // A drafted story's parts (story, criteria, security, sub-tasks) are prose only a language
  // model writes: offline, "write a user story" gets a skeleton (cannot.ts), and "create a Jira
  // issue ..." stays jira_create_issue instead of asking for parts nobody here can fill.
  const candidates = ctx.tools.filter(
    (t) =>
      t.write === wantsWrite &&
      !isExportTool(t.name) &&
      !modelDraftedTools.has(t.name) &&
      !sentenceOnlyTools.has(t.name),
  );

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
