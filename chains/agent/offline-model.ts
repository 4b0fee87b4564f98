import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel, type BindToolsInput } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { genericExamples } from "../../prompts/agent-offline.ts";
import type { Clock } from "../../src/core/clock.ts";
import { systemClock } from "../../src/core/clock.ts";
import type { ExampleQuestions } from "../../src/core/examples.ts";
import { continuesPreviousTopic, onlyChangesPeriod, topicOf } from "./follow-up.ts";
import type { KnownEntity } from "./known-entity.ts";
import { bankCodingCall } from "./offline/bank-coding.ts";
import { cannotDo } from "./offline/cannot.ts";
import { changeSetCall } from "./offline/change-set.ts";
import { chartCall, isChartTool } from "./offline/charts.ts";
import { composeReply } from "./offline/compose.ts";
import { planDayFlow } from "./offline/day-flows.ts";
import { planDraft } from "./offline/draft.ts";
import { exportCall, isExportTool } from "./offline/exports.ts";
import { fillArgs, humanize, nameHits, relatedEntity, scoreTool } from "./offline/fill.ts";
import { intentOf } from "./offline/intents.ts";
import { planMeetingPrep } from "./offline/meeting-prep.ts";
import { callIsAbout, intentTurn, type Plan } from "./offline/plan.ts";
import { planProposal } from "./offline/proposals.ts";
import { helpReply, refusal } from "./offline/replies.ts";
import { ambiguousReply, referenceIn } from "./offline/slots.ts";
import { questionDomains, resolveSubject } from "./offline/subject.ts";
import { synonyms, type ToolInfo, toolInfo } from "./offline/tool-info.ts";
import { type Ctx, readTurn } from "./offline/turn.ts";
import { correctTypos, vocabularyOf } from "./offline/typos.ts";

/** Write tools whose arguments are prose a language model drafts; the offline model never picks them. */
const modelDraftedTools = new Set(["jira_create_story"]);
/**
 * Chosen only when its own sentence reader recognises the request (offline/change-set.ts,
 * offline/day-flows.ts for the QBR), never by word scores: a plain "log a call on <customer>: ..."
 * stays the single-write crm_log_activity, "revenue this quarter" the P&L.
 */
const sentenceOnlyTools = new Set(["crm_log_call_changes", "accounting_qbr_finance", "crm_qbr_pipeline"]);

export { SHOWN_REFS_KEY } from "./offline/plan.ts";

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

function planFirstCall(ctx: Ctx): Plan {
  const q = ctx.turn.question.trim();
  if (q === "") return { kind: "reply", text: helpReply(ctx, "Ask me a question about your work.") };
  // "show me the burndown chart": the chart tool of that system, a PNG in the thread (offline/charts.ts).
  const chart = chartCall(
    q,
    ctx.tools.map((t) => t.name),
    { now: ctx.turn.now, timeZone: ctx.turn.timeZone },
  );
  if (chart) return { kind: "call", tool: chart.tool, args: chart.args };
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
  // "prep me for the <company> demo": the deal's pain points, competitors, stakeholders (offline/meeting-prep.ts).
  const meeting = planMeetingPrep(
    q,
    subject,
    ctx.tools.map((t) => t.name),
    ctx.turn.results,
  );
  if (meeting) return meeting;
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
  // Export and chart tools answer only "export ... to CSV" / "... chart" (exportCall, chartCall above), never a question sharing their words.
  // A drafted story's parts (story, criteria, security, sub-tasks) are prose only a language
  // model writes: offline, "write a user story" gets a skeleton (cannot.ts), and "create a Jira
  // issue ..." stays jira_create_issue instead of asking for parts nobody here can fill.
  const candidates = ctx.tools.filter(
    (t) =>
      t.write === wantsWrite &&
      !isExportTool(t.name) &&
      !isChartTool(t.name) &&
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
  if (intent && intentTool && (!intent.aboutRecord || subject)) {
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
  // "and November?": nothing in the words picks a tool, or they name only another period, so the
  // previous question is asked again with what this one changed (follow-up.ts decided it continues the topic).
  const previousCall = ctx.turn.previous.at(-1)?.calls.at(-1);
  const again =
    previousCall && (!top || onlyChangesPeriod(q)) && continuesPreviousTopic(q)
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
