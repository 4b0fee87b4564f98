import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel, type BindToolsInput } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import { genericExamples } from "../../prompts/agent-offline.ts";
import { turnContextMarkers } from "../../prompts/agent-system.ts";
import type { Clock } from "../../src/core/clock.ts";
import { systemClock } from "../../src/core/clock.ts";
import type { ExampleQuestions } from "../../src/core/examples.ts";
import { resolvePeriod } from "../../src/core/period.ts";
import type { ToolDomain } from "../../src/core/principal.ts";
import { domainWords, mentionedDomains } from "./domains.ts";
import { continuesPreviousTopic, topicOf } from "./follow-up.ts";
import type { KnownEntity } from "./known-entity.ts";
import { cannotDo } from "./offline/cannot.ts";
import { planDayFlow } from "./offline/day-flows.ts";
import { dueDateIn } from "./offline/due-date.ts";
import { exportCall, isExportTool } from "./offline/exports.ts";
import { readFilter } from "./offline/filters.ts";
import { focusResult, type IntentTurn, intentOf } from "./offline/intents.ts";
import { assigneeIn, personIn, withoutAssignment } from "./offline/people.ts";
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
export const WRITE_TOOL_METADATA_KEY = "daybookWrite";

/**
 * Key in a final reply's `response_metadata.daybook` listing the entities in the order the
 * reply showed them (when it reordered or filtered the tool's list).
 */
export const SHOWN_REFS_KEY = "shownRefs";

interface ParamInfo {
  name: string;
  type?: string;
  hasDefault: boolean;
  enum?: string[];
  properties?: Record<string, { type?: string; enum?: string[] }>;
  description: string;
}

interface ToolInfo {
  name: string;
  description: string;
  params: ParamInfo[];
  required: Set<string>;
  write: boolean;
  domain: ToolDomain | undefined;
  terms: Set<string>;
  /** Words of the tool's own name ("invoices" for accounting_invoices): its topic, not an example. */
  nameTerms: Set<string>;
}

type Plan =
  | { kind: "call"; tool: string; args: Record<string, unknown> }
  | { kind: "reply"; text: string; data?: Record<string, unknown> };

// ---------------------------------------------------------------------------------------
// Words. Synonyms map what people say onto the vocabulary tool names/descriptions use.
// ---------------------------------------------------------------------------------------

const synonyms: [RegExp, string[]][] = [
  [/\b(block\w*|stuck|impediment\w*|waiting on)\b/, ["blocker", "blocked"]],
  [/\b(sprint|standup|stand-up|iteration)\b/, ["sprint"]],
  [/\b(deals?|pipeline|opportunit\w*)\b/, ["deal"]],
  [/\b(need me|needs me|today|priorit\w*|focus|follow[ -]?up|hot)\b/, ["priority", "today", "urgent"]],
  [
    /\b(risk\w*|churn\w*|health\w*|unhappy|at risk|about to (walk|leave|cancel)|walk away|likely to (leave|cancel))\b/,
    ["churn", "risk", "health"],
  ],
  [/\b(close|month[- ]end|closing)\b/, ["close", "exception"]],
  [/\b(exception\w*|left|outstanding|missing)\b/, ["exception"]],
  [/\b(invoices?|bills?)\b/, ["invoice"]],
  [/\b(p&l|p and l|profit|loss|income statement)\b/, ["pnl", "profit", "loss"]],
  [/\b(bank|transactions?|wire|refund|fee)\b/, ["bank", "transaction"]],
  [/\b(issues?|tickets?|stor(y|ies)|bugs?)\b/, ["issue"]],
  [/\b(customers?|accounts?|clients?)\b/, ["customer"]],
  [/\b(log|record)\b/, ["log", "activity"]],
  [/\b(call|note)\b/, ["activity"]],
  [/\b(comment)\b/, ["comment"]],
  [/\b(stage)\b/, ["stage"]],
  [/\b(create|file|open|raise)\b/, ["create"]],
  [/\b(approve)\b/, ["approve"]],
  [/\b(reject|decline)\b/, ["reject"]],
];

const stopwords = new Set(
  "a an the is are was were be been what whats which who whom me my i we our us you your to for of on in at and or with do does did it its that this these those about show tell give list please can could would should will there their how any all some from by as into than then".split(
    " ",
  ),
);

function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length > 4 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith("ed")) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("er")) w = w.slice(0, -2);
  return w;
}

function terms(text: string, expand: boolean): Set<string> {
  const lower = text.toLowerCase().replace(/_/g, " ");
  const out = new Set<string>();
  for (const word of lower.split(/[^a-z0-9&]+/)) {
    if (word.length < 2 || stopwords.has(word)) continue;
    out.add(stem(word));
  }
  if (expand) {
    for (const [pattern, words] of synonyms) if (pattern.test(lower)) for (const w of words) out.add(stem(w));
  }
  return out;
}

const domainLabel: Record<ToolDomain, string> = {
  jira: "Jira (sprints and issues)",
  crm: "the CRM (deals and customers)",
  accounting: "accounting (invoices, bank and the month-end close)",
};

const writeVerb =
  /\b(log|record|create|file|raise|open a|add a comment|comment on|add a note|note on|note that|mark|update|move|change|set|approve|reject|decline)\b/i;

const ordinals: [RegExp, number][] = [
  [/\b(first|1st|top one)\b/, 0],
  [/\b(second|2nd)\b/, 1],
  [/\b(third|3rd)\b/, 2],
  [/\b(fourth|4th)\b/, 3],
  [/\b(fifth|5th)\b/, 4],
  [/\b(sixth|6th)\b/, 5],
  [/\b(seventh|7th)\b/, 6],
  [/\b(eighth|8th)\b/, 7],
  [/\b(ninth|9th)\b/, 8],
  [/\b(tenth|10th)\b/, 9],
  // "the last one", not "in the last 30 days" (a period).
  [/\b(last one|the last(?!\s+(\d|few|couple|several|week|month|quarter|year|days?|hours?|sprint|close)))\b/, -1],
];

const legalSuffix = /\s+(inc\.?|llc|ltd\.?|corp\.?|corporation|gmbh|co\.?|plc|ag|sa)$/i;

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

// Converting a zod schema to JSON schema costs more than the rest of a turn's planning, and
// the same tools are bound every turn: keep the parsed form by name and description.
const toolInfoCache = new Map<string, ToolInfo>();

function toolInfo(input: BindToolsInput): ToolInfo {
  const named = input as { name?: unknown; description?: unknown; metadata?: Record<string, unknown> };
  const cacheKey =
    typeof named.name === "string" && typeof named.description === "string"
      ? `${named.name}\u0000${named.description}\u0000${named.metadata?.[WRITE_TOOL_METADATA_KEY] === true}`
      : undefined;
  const cached = cacheKey ? toolInfoCache.get(cacheKey) : undefined;
  if (cached) return cached;
  const info = parseToolInfo(input);
  if (cacheKey) {
    if (toolInfoCache.size > 500) toolInfoCache.clear();
    toolInfoCache.set(cacheKey, info);
  }
  return info;
}

function parseToolInfo(input: BindToolsInput): ToolInfo {
  const spec = convertToOpenAITool(input as Parameters<typeof convertToOpenAITool>[0]);
  const fn = spec.function;
  const parameters = (fn.parameters ?? {}) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  const params: ParamInfo[] = Object.entries(parameters.properties ?? {}).map(([name, s]) => ({
    name,
    ...(typeof s.type === "string" ? { type: s.type } : {}),
    hasDefault: "default" in s,
    ...(Array.isArray(s.enum) ? { enum: s.enum as string[] } : {}),
    ...(s.properties && typeof s.properties === "object"
      ? { properties: s.properties as Record<string, { type?: string; enum?: string[] }> }
      : {}),
    description: typeof s.description === "string" ? s.description : "",
  }));
  const metadata = (input as { metadata?: Record<string, unknown> }).metadata;
  const description = fn.description ?? "";
  const write = metadata?.[WRITE_TOOL_METADATA_KEY] === true;
  return {
    name: fn.name,
    description,
    params,
    required: new Set(parameters.required ?? []),
    write,
    domain: domainOfTool(fn.name, description),
    terms: terms(`${fn.name} ${description}`, true),
    nameTerms: terms(fn.name.replace(/^(jira|crm|accounting)_/, ""), false),
  };
}

function domainOfTool(name: string, description: string): ToolDomain | undefined {
  const prefix = /^(jira|crm|accounting)_/.exec(name)?.[1];
  if (prefix) return prefix as ToolDomain;
  const text = `${name.replace(/_/g, " ")} ${description}`;
  let best: ToolDomain | undefined;
  let bestHits = 0;
  for (const d of Object.keys(domainWords) as ToolDomain[]) {
    const hits = text.match(new RegExp(domainWords[d].source, "gi"))?.length ?? 0;
    if (hits > bestHits) {
      best = d;
      bestHits = hits;
    }
  }
  return best;
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
// Entities in the question
// ---------------------------------------------------------------------------------------

function variants(name: string): string[] {
  const lower = name.toLowerCase().trim();
  const out = [lower];
  const bare = lower.replace(legalSuffix, "");
  if (bare !== lower && bare.length >= 3) out.push(bare);
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The longest known name mentioned in the text; ties prefer `preferKind`. */
function findEntity(text: string, entities: KnownEntity[], preferKind?: RefKind[]): KnownEntity | undefined {
  const lower = text.toLowerCase();
  let best: KnownEntity | undefined;
  let bestLen = 0;
  let bestPref = -1;
  for (const e of entities) {
    if (e.prefix || e.person) continue;
    for (const v of variants(e.name)) {
      // A plain substring test first: hundreds of names, and almost none are in the question.
      if (v.length < 3 || !lower.includes(v)) continue;
      if (!new RegExp(`(^|[^a-z0-9])${escapeRe(v)}($|[^a-z0-9])`).test(lower)) continue;
      const pref = preferKind ? preferKind.length - Math.max(-1, preferKind.indexOf(e.kind)) : 0;
      const prefScore = preferKind?.includes(e.kind) ? pref : 0;
      if (v.length > bestLen || (v.length === bestLen && prefScore > bestPref)) {
        best = e;
        bestLen = v.length;
        bestPref = prefScore;
      }
    }
  }
  return best;
}

/** What a "PREFIX-123" reference in the question is: an issue, an invoice, or a question back. */
type Reference = { kind: "issue" | "invoice"; ref: string } | { kind: "ambiguous"; ref: string };

/**
 * A reference shaped like an issue key ("NW-2231") read with the organisation's formats: its
 * prefix is the Jira project's ("OPS-"), the accounting system's invoice numbering ("NW-"), both
 * or neither. The question's own word ("invoice", "bill" / "issue", "ticket") decides first; a
 * prefix both systems use with no such word is asked about, not guessed.
 */
function referenceIn(text: string, entities: readonly KnownEntity[]): Reference | undefined {
  const m = /\b([A-Za-z][A-Za-z0-9]*-\d+)\b/.exec(text);
  if (!m?.[1]) return undefined;
  const ref = m[1].toUpperCase();
  const prefix = ref.replace(/\d+$/, "");
  const known = (kind: RefKind) => entities.some((e) => e.prefix && e.kind === kind && e.name.toUpperCase() === prefix);
  const jira = known("issue");
  const invoice = known("invoice") || prefix === "INV-";
  // "top-5" is no reference; an upper-case key or a prefix one of the systems uses is.
  if (!jira && !invoice && !/^[A-Z][A-Z0-9]+-\d+$/.test(m[1])) return undefined;
  const sayInvoice = /\b(invoices?|bills?)\b/i.test(text);
  const sayIssue = /\b(issues?|tickets?|story|stories|bugs?|tasks?|epics?|jira)\b/i.test(text);
  if (sayInvoice !== sayIssue) return { kind: sayInvoice ? "invoice" : "issue", ref };
  if (jira && invoice) return { kind: "ambiguous", ref };
  if (invoice) return { kind: "invoice", ref };
  if (jira) return { kind: "issue", ref };
  // A prefix neither system is known to use (formats not loaded, another Jira project linked
  // from a blocker): an upper-case key is read as Jira's, as before.
  return { kind: "issue", ref };
}

function ambiguousReply(ref: string): string {
  return `Is ${ref} a Jira issue or an invoice? Say "issue ${ref}" or "invoice ${ref}".`;
}

function invoiceIn(text: string): string | undefined {
  const m =
    /\b(INV-\d+)\b/i.exec(text) ?? /#(\d{3,})\b/.exec(text) ?? /\binvoice\s+(?:number\s+)?(\d{3,})\b/i.exec(text);
  return m?.[1]?.toUpperCase();
}

/**
 * The month a question names for a month parameter ("the November close", "last month",
 * "what's left for the close?" early in December = November), in the turn's timezone.
 * A quarter, a year or a week is not a month: the tool's own default applies.
 */
function monthIn(text: string, turn: Pick<Turn, "now" | "timeZone">): string | undefined {
  const period = resolvePeriod(text, { now: turn.now, timeZone: turn.timeZone });
  return period?.kind === "month" ? period.from.slice(0, 7) : undefined;
}

/** A period parameter: several months said in words ("Q3", "YTD", "last year"), canonical for the tool. */
function periodIn(text: string, turn: Pick<Turn, "now" | "timeZone">): string | undefined {
  const period = resolvePeriod(text, { now: turn.now, timeZone: turn.timeZone });
  if (period?.kind === "ytd") return "YTD";
  return period?.kind === "quarter" || period?.kind === "year" ? period.label : undefined;
}

function ordinalIn(text: string): number | undefined {
  const lower = text.toLowerCase();
  for (const [re, n] of ordinals) if (re.test(lower)) return n;
  const hash = /\b(?:number|no\.?|#)\s*(\d{1,2})\b/.exec(lower);
  if (hash && !invoiceIn(text)) return Number(hash[1]) - 1;
  return undefined;
}

/** Free text for a write: what follows a colon, or "saying"/"that". */
function writeBody(text: string, paramName: string): string | undefined {
  const colon = text.indexOf(":");
  if (colon >= 0 && colon < text.length - 1) return text.slice(colon + 1).trim();
  const said = /\b(?:saying|that says|with text|because)\s+(.+)$/i.exec(text) ?? /\bthat\s+(.+)$/i.exec(text);
  if (said?.[1]) return said[1].trim();
  const comma = /,\s*(.+)$/.exec(text);
  if (comma?.[1]) return comma[1].trim();
  // "create a ticket to renew the AWS credentials": the summary is what follows "to".
  if (/summary|title/.test(paramName)) return /\b(?:to|for|about)\s+(.+)$/i.exec(text)?.[1]?.trim();
  return undefined;
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
