import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { type AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { agentSystemPrompt, agentTurnContext } from "../../prompts/agent-system.ts";
import type { AnyWriteAction } from "../../src/core/actions.ts";
import type { Answer, Answerer, AnswerInput } from "../../src/core/answerer.ts";
import type { ApprovalService } from "../../src/core/approval.ts";
import type { Clock } from "../../src/core/clock.ts";
import { systemClock } from "../../src/core/clock.ts";
import { DaybookError, toDaybookError } from "../../src/core/errors.ts";
import type { FileShelf } from "../../src/core/files.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { Metrics } from "../../src/core/metrics.ts";
import type { ToolDomain } from "../../src/core/principal.ts";
import { writesRefusedNotice } from "../../src/core/store-outage.ts";
import { inSpan } from "../../src/core/tracing.ts";
import { reportError, withErrorScope } from "../../src/core/user-facing-error.ts";
import { approvalTool } from "./approval-tool.ts";
import { historyMessages, localDate } from "./history.ts";
import { OfflineChatModel } from "./offline-model.ts";
import { type EntityRef, extractRefs, isTurnData, parseToolOutput, type TurnData } from "./refs.ts";
import { withoutRawErrors } from "./relayed-errors.ts";
import { draftStreamHandler } from "./stream-drafts.ts";
import { toolErrorHandling } from "./tool-errors.ts";
import { focusDomains, ROUTER_TOOL, selectTools, type ToolSelection } from "./tool-selection.ts";
import { countTurn } from "./turn-metrics.ts";
import { filesOf, groundedText, messageText, replyCard, shownRefs, subjectOf } from "./turn-reply.ts";
import { wireMiddleware } from "./wire-middleware.ts";

/** The catalog shape tools/catalog.ts provides (structural, so this file compiles on its own). */
export interface AgentToolCatalog {
  read: { domain: ToolDomain; tool: StructuredToolInterface }[];
  actions: AnyWriteAction[];
}

export interface AgentLimits {
  /** Tool calls one turn may make (org.agent.maxToolCalls). */
  maxToolCalls: number;
  /** Wall-clock budget of one turn (org.agent.maxTurnMs). */
  maxTurnMs: number;
}

export interface AgentAnswererOptions {
  model: BaseChatModel;
  /** Shown in the context line: "offline model" or the model name. */
  modelLabel: string;
  catalog: AgentToolCatalog;
  approvals: Pick<ApprovalService, "requestApproval">;
  logger: Logger;
  limits?: Partial<AgentLimits>;
  clock?: Clock;
  /** IANA timezone for "today" in the prompt; UTC by default. */
  timezone?: string;
  /**
   * Bind only the tools of the systems a question names (and the thread's last turn used);
   * default true. Never widens beyond the requester's domains.
   */
  focusTools?: boolean;
  /** Counts tool calls by tool and outcome, and model tokens (docs/metrics.md). */
  metrics?: Pick<Metrics, "countToolCall" | "countModelTokens">;
  /** Where tools leave the files they make (exports); the answer carries them to the thread. */
  files?: Pick<FileShelf, "get">;
}

export interface TurnTrace {
  /** Messages the model received on its last call, for tests and the token benchmark. */
  toolResults: { tool: string; content: string }[];
}

const defaultLimits: AgentLimits = { maxToolCalls: 6, maxTurnMs: 60_000 };

type LangChain = typeof import("langchain");
let langchain: Promise<LangChain> | undefined;
/**
 * `langchain` (createAgent and the LangGraph runtime under it) is imported on the first turn,
 * not at start-up: it is the largest single import (about 60 MB and a few hundred ms; issue 15,
 * bench/start-up.bench.ts), and a replica that only posts digests or serves health checks
 * never needs it. The first question pays the import once.
 */
function loadLangChain(): Promise<LangChain> {
  langchain ??= import("langchain");
  return langchain;
}

/**
 * The conversational brain: a LangChain v1 `createAgent` over the read tools the requester's
 * roles allow plus one approval-request tool per allowed write (ARCHITECTURE.md decision 1:
 * a write tool call never executes here; it becomes an Approval a person decides).
 */
export function createAgentAnswerer(options: AgentAnswererOptions): Answerer & {
  answerWithTrace(input: AnswerInput): Promise<Answer & { trace: TurnTrace }>;
} {
  const limits: AgentLimits = { ...defaultLimits, ...options.limits };
  const clock = options.clock ?? systemClock;
  const timezone = options.timezone ?? "UTC";

  async function answerWithTrace(input: AnswerInput): Promise<Answer & { trace: TurnTrace }> {
    const started = clock.now();
    const { principal, traceId } = input;
    const log = options.logger.child({ traceId, component: "agent" });
    const allowed = new Set(principal.domains);
    const requested: string[] = [];
    /** Write calls refused because the store is down (nothing recorded, nothing run). */
    const refused: string[] = [];

    // Least privilege: the model is never shown a tool the requester may not use. Within
    // that, a question that names its system gets only that system's tools (fewer prompt
    // tokens, fewer wrong picks); anything else gets every allowed tool.
    // A model billed by the token (ChatOpenAI) is registered every allowed tool and offered, per
    // request, the ones tool-selection.ts picks; the offline model reads every tool it is bound.
    const onWire = !(options.model instanceof OfflineChatModel);
    const shown = options.focusTools === false || onWire ? allowed : focusDomains(input, allowed, options.catalog);
    const readTools = options.catalog.read.filter((r) => shown.has(r.domain));
    const writeActions = options.catalog.actions.filter((a) => shown.has(a.domain));
    const domainOf = new Map<string, ToolDomain>();
    for (const r of readTools) domainOf.set(r.tool.name, r.domain);
    for (const a of writeActions) domainOf.set(a.name, a.domain);
    const tools = [
      ...readTools.map((r) => r.tool),
      ...writeActions.map((a) => approvalTool(a, input, options.approvals, { requested, refused }, log)),
    ];
    let selection: ToolSelection | undefined;
    if (onWire) {
      const names = new Set(tools.map((t) => t.name));
      selection =
        options.focusTools === false
          ? { bound: () => names, router: undefined }
          : selectTools({
              input,
              allowed,
              catalog: options.catalog,
              domainOf,
              writes: new Set(writeActions.map((a) => a.name)),
            });
      if (selection.router) tools.push(selection.router);
    }

    const systemPrompt =
      agentSystemPrompt +
      agentTurnContext({
        requesterName: principal.name,
        ...(principal.crmOwnerId ? { crmOwnerId: principal.crmOwnerId } : {}),
        today: localDate(clock.now(), timezone),
        timezone,
        domains: [...allowed],
      });

    const lc = await loadLangChain();
    const { createAgent, toolCallLimitMiddleware, ToolCallLimitExceededError } = lc;
    const agent = createAgent({
      model: options.model,
      tools,
      systemPrompt,
      middleware: [
        toolCallLimitMiddleware({ runLimit: limits.maxToolCalls, exitBehavior: "error" }),
        ...(selection
          ? [wireMiddleware(lc, { selection, domainOf, registered: new Set(tools.map((t) => t.name)) })]
          : []),
        ...toolErrorHandling(lc, log, traceId),
      ],
    });

    const messages: BaseMessage[] = [...historyMessages(input.history), new HumanMessage(input.message.text)];
    // A language model's reply streams into the turn's placeholder where the responder can show
    // drafts (src/bot/turn-worker.ts); the offline model answers at once, so it has nothing to stream.
    const responder = input.responder;
    const drafts =
      onWire && typeof responder.draft === "function"
        ? [
            draftStreamHandler({
              draft: (text) => responder.draft?.(text),
              userText: [input.message.text, ...input.history.filter((h) => h.role === "user").map((h) => h.text)],
              context: [localDate(clock.now(), timezone)],
            }),
          ]
        : undefined;
    let result: { messages: BaseMessage[] };
    try {
      result = (await withErrorScope({ log, traceId, component: "agent" }, () =>
        agent.invoke(
          { messages },
          {
            signal: AbortSignal.timeout(limits.maxTurnMs),
            // Each tool round is two graph steps; the tool-call limit fires first, this is a backstop.
            recursionLimit: limits.maxToolCalls * 2 + 5,
            ...(drafts ? { callbacks: drafts } : {}),
          },
        ),
      )) as { messages: BaseMessage[] };
    } catch (error) {
      const err = reportError(log, classify(error, limits, ToolCallLimitExceededError), {
        msg: "agent turn failed",
        component: "agent",
        traceId,
        fields: { ms: clock.now() - started },
      });
      const approvalsNote = requested.length > 0 ? ` (approval requested: ${requested.join(", ")})` : "";
      const refusedNote = refused.length > 0 ? `\n${writesRefusedNotice}` : "";
      return {
        card: replyCard(`${err.text}${approvalsNote}${refusedNote}`, `${options.modelLabel} · trace ${traceId}`),
        data: { calls: [], refs: [], ...(requested.length > 0 ? { approvals: requested } : {}) } satisfies TurnData,
        trace: { toolResults: [] },
      };
    }

    const turn = result.messages.slice(messages.length);
    const calls: TurnData["calls"] = [];
    const toolResults: TurnTrace["toolResults"] = [];
    const nameById = new Map<string, string>();
    for (const m of turn) {
      if (m.getType() === "ai") {
        for (const c of (m as AIMessage).tool_calls ?? []) {
          // Opening a system's tools is plumbing, not a lookup the next turn should repeat.
          if (c.name !== ROUTER_TOOL) calls.push({ tool: c.name, args: c.args as Record<string, unknown> });
          if (c.id) nameById.set(c.id, c.name);
        }
      } else if (m.getType() === "tool") {
        const id = (m as unknown as { tool_call_id?: string }).tool_call_id ?? "";
        toolResults.push({ tool: nameById.get(id) ?? "", content: messageText(m) });
      }
    }
    countTurn(options.metrics, options.modelLabel, turn, nameById, domainOf);
    const final = [...turn]
      .reverse()
      .find((m) => m.getType() === "ai" && ((m as AIMessage).tool_calls ?? []).length === 0);
    let text = (final ? messageText(final) : "").trim() || "I have no answer for that.";
    if (onWire) text = groundedText(withoutRawErrors(text), input, toolResults, localDate(clock.now(), timezone), log);
    // A model may word a requested write as done; the reply always says what is pending.
    const unmentioned = requested.filter((id) => !text.includes(id));
    if (unmentioned.length > 0) {
      text += `\n_Nothing has been changed yet: approval ${unmentioned.map((id) => `\`${id}\``).join(", ")} is waiting for a person._`;
    }
    // Whatever the model made of the refusal, the reply says it in daybook's own words.
    if (refused.length > 0 && !text.includes(writesRefusedNotice)) text += `\n${writesRefusedNotice}`;

    // What the reply showed comes first, in its order, so "the second one" is the second
    // item the person saw; the rest of the tools' entities follow for later look-ups.
    const refs: EntityRef[] = shownRefs(final);
    for (const r of toolResults) {
      if (writeActions.some((a) => a.name === r.tool)) continue;
      extractRefs(parseToolOutput(r.content), refs);
    }
    const previous = [...input.history].reverse().find((h) => isTurnData(h.data))?.data as TurnData | undefined;
    const subject = subjectOf(calls, refs, previous?.refs ?? [], shownRefs(final));
    const data: TurnData = {
      calls,
      refs,
      ...(subject ? { subject } : {}),
      ...(requested.length > 0 ? { approvals: requested } : {}),
    };
    const sources = [
      ...new Set(calls.map((c) => domainOf.get(c.tool)).filter((d): d is ToolDomain => d !== undefined)),
    ];
    const sourced = sources.length > 0 ? `${options.modelLabel} · sources: ${sources.join(", ")}` : options.modelLabel;
    // A tool failed and the model relayed its sentence: the trace id lets support find the log line.
    const context = toolResults.some((r) => r.content.startsWith('{"error":'))
      ? `${sourced} · trace ${traceId}`
      : sourced;
    log.info("agent turn", { tools: calls.map((c) => c.tool), approvals: requested, ms: clock.now() - started });
    const files = await filesOf(toolResults, options.files);
    return {
      ...(files.length > 0 ? { files } : {}),
      card: replyCard(text, context),
      data: data as unknown as Record<string, unknown>,
      // The reply may show whatever the tools returned (and the writes it asked for).
      domains: sources,
      trace: { toolResults },
    };
  }

  // One span per agent run (docs/tracing.md); tool calls are its children.
  const tracedAnswer = (input: AnswerInput) =>
    inSpan("agent", { attributes: { "gen_ai.request.model": options.modelLabel } }, () => answerWithTrace(input));
  return {
    answerWithTrace: tracedAnswer,
    async answer(input: AnswerInput): Promise<Answer> {
      const { card, data, domains, files } = await tracedAnswer(input);
      return {
        card,
        ...(data ? { data } : {}),
        ...(domains && domains.length > 0 ? { domains } : {}),
        ...(files ? { files } : {}),
      };
    },
  };
}

function classify(
  error: unknown,
  limits: AgentLimits,
  limitError: LangChain["ToolCallLimitExceededError"],
): DaybookError {
  if (error instanceof limitError) {
    return new DaybookError("limit_exceeded", `tool call limit ${limits.maxToolCalls} exceeded`, {
      cause: error,
      userMessage: `That needed more than ${limits.maxToolCalls} lookups, which is more than one answer may use. Try a narrower question.`,
    });
  }
  const name = error instanceof Error ? error.name : "";
  if (name === "AbortError" || name === "TimeoutError" || /abort/i.test(error instanceof Error ? error.message : "")) {
    return new DaybookError("timeout", `turn exceeded ${limits.maxTurnMs} ms`, {
      cause: error,
      userMessage: "That took too long to answer; please try again or ask something narrower.",
    });
  }
  if (name === "GraphRecursionError") {
    return new DaybookError("limit_exceeded", "agent recursion limit reached", { cause: error });
  }
  const err = toDaybookError(error, "model_error");
  return err;
}
