import type { Answerer } from "../core/answerer.ts";
import type { ApprovalService } from "../core/approval.ts";
import { type Card, cardToText, textCard } from "../core/card.ts";
import type { IncomingMessage, MessageHandler, MessageRef, Responder } from "../core/chat.ts";
import type { Clock } from "../core/clock.ts";
import { systemClock } from "../core/clock.ts";
import { DaybookError, toDaybookError } from "../core/errors.ts";
import type { ExampleQuestions } from "../core/examples.ts";
import type { ChatFile } from "../core/files.ts";
import type { Logger } from "../core/logger.ts";
import type { Principal, PrincipalResolver, ToolDomain } from "../core/principal.ts";
import {
  decisionsRefusedNotice,
  historyNotSavedNote,
  historyUnavailableNote,
  isStoreUnavailable,
  writesRefusedNotice,
} from "../core/store-outage.ts";
import type { Platform } from "../core/thread.ts";
import { inSpan, markError } from "../core/tracing.ts";
import { newTraceId, reportError } from "../core/user-facing-error.ts";
import { type AudiencePolicy, beyond, notDeliveredNote, privateContext, sentPrivatelyNote } from "./audience.ts";
import { helpText, helpTextFor } from "./help-answerer.ts";
import type { RecentQuestions } from "./recent-questions.ts";
import type { Reminders } from "./reminders.ts";
import type { ThreadHistory } from "./thread-history.ts";

export interface BotOptions {
  answerer: Answerer;
  history: ThreadHistory;
  principals: PrincipalResolver;
  logger: Logger;
  /** Enables the `approve <id>` / `reject <id> [reason]` text fallback. */
  approvals?: ApprovalService;
  /**
   * Whether a platform's identities may decide approvals by text. The console's `--as` is not
   * authenticated, so main.ts allows it only while every system is the demo organisation.
   */
  textDecisions?: (platform: Platform) => boolean;
  clock?: Clock;
  /** Example questions for `help`, from the organisation's own data; generic ones without it. */
  examples?: ExampleQuestions;
  /**
   * The channel audience policy (src/bot/audience.ts): answers showing domains the thread's
   * readers may not see go to the asker privately. Absent: every answer goes in the thread
   * (unit tests of other behaviour; the server always sets it).
   */
  audience?: AudiencePolicy;
  /** "remind me about ... tomorrow at 9", "my reminders", "cancel reminder 2" (src/bot/reminders.ts). */
  reminders?: Pick<Reminders, "handle">;
  /** Each question a person asks, for their App Home (src/bot/recent-questions.ts). */
  recentQuestions?: Pick<RecentQuestions, "remember">;
}

/** `approve <id>`, `reject <id> [reason]`, and `retry <id>` (a change set's failed steps). */
const decisionCommand = /^\s*(approve|reject|retry)\s+([A-Za-z0-9_-]{4,64})(?:\s+(.+))?\s*$/i;
/** Approval ids are 10 lowercase letters and digits (src/approvals/approvals.ts). */
const approvalIdShape = /^[a-z0-9]{10}$/;

/**
 * Platform-neutral message handling: text commands, thread memory, and the answerer. Every
 * adapter (console, Slack, Teams) calls `handle`; errors become a short readable reply with
 * a trace id, never a stack trace.
 */
export class Bot {
  readonly #o: BotOptions;
  readonly #clock: Clock;

  constructor(options: BotOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
  }

  // One span per turn (docs/tracing.md); its trace id is the one the person and the logs see.
  readonly handle: MessageHandler = (message, responder) =>
    inSpan("turn", { attributes: { "daybook.platform": message.thread.platform } }, async (span) => {
      const traceId = newTraceId();
      const log = this.#o.logger.child({ traceId, platform: message.thread.platform });
      const files: ChatFile[] = [];
      try {
        const card = await this.#route(message, responder, traceId, files);
        await responder.reply(card);
        for (const file of files) await this.#postFile(responder, file);
      } catch (error) {
        const facing = reportError(log, error, { msg: "turn failed", component: "bot", traceId });
        markError(span, facing.code);
        await responder
          .reply(textCard(facing.text, `trace ${traceId}`))
          .catch((e: unknown) =>
            reportError(log, e, { msg: "could not post the error reply", component: "bot", traceId }),
          );
      }
    });

  /**
   * "approve invoice 1234" is a request for the agent, not the `approve <id>` fallback: only a
   * stored approval id, or a bare id-shaped word with nothing after it, is a decision.
   */
  async #isDecision(match: RegExpExecArray): Promise<boolean> {
    const [, , id, rest] = match as unknown as [string, string, string, string | undefined];
    if (await this.#o.approvals?.get(id)) return true;
    return rest === undefined && approvalIdShape.test(id);
  }

  /** A file in the thread, or its text where the platform carries no files. */
  async #postFile(responder: Responder, file: ChatFile): Promise<void> {
    if (typeof responder.replyFile === "function") await responder.replyFile(file);
    else await responder.reply(textCard(`**${file.title}**\n${file.fallbackText}`));
  }

  async #route(message: IncomingMessage, responder: Responder, traceId: string, files: ChatFile[]): Promise<Card> {
    const text = message.text.trim();
    if (text === "" || /^(help|\?)$/i.test(text))
      return textCard(this.#o.examples ? helpTextFor(this.#o.examples()) : helpText);

    const decision = decisionCommand.exec(text);
    if (decision && this.#o.approvals) {
      try {
        const card = await this.#decide(message, decision);
        if (card) return card;
      } catch (error) {
        // Unrecordable either way: a decision needs the stored approval, and "approve invoice
        // 1234" (a write request for the agent) needs a new one.
        if (isStoreUnavailable(error)) {
          return textCard(approvalIdShape.test(decision[2] ?? "") ? decisionsRefusedNotice : writesRefusedNotice);
        }
        throw error;
      }
    }

    const log = this.#o.logger.child({ traceId, platform: message.thread.platform });
    const principal = this.#o.principals.resolve(message.user);
    // Best effort: a lost entry only shortens the person's App Home list.
    await this.#o.recentQuestions
      ?.remember(message.user, { text, at: message.receivedAt, thread: message.thread })
      .catch((error: unknown) => log.warn("could not remember the question for App Home", { error }));
    // Reminders are daybook's own records, answered the same with any model.
    const reminded = await this.#o.reminders?.handle(text, principal, message.thread);
    if (reminded) return reminded;
    const history = await this.#o.history.tryLoad(message.thread);
    if (!history.available) log.warn("thread memory unavailable; answering without it", { code: "store_unavailable" });
    if (typeof responder.typing === "function") await responder.typing().catch(() => {});
    const answer = await this.#o.answerer.answer({
      message,
      principal,
      history: history.entries,
      traceId,
      responder,
      post: (card, domains) => this.#postChecked(message, principal, responder, card, domains, "approval request"),
    });
    // An answer the thread may not see goes to the asker; the thread (and its memory, which the
    // next person asking there gets as context) keeps only the note.
    const hidden = await this.#beyondAudience(message, principal, responder, answer.domains);
    let card = answer.card;
    let remembered: { text: string; data?: Record<string, unknown> } = {
      text: cardToText(answer.card).slice(0, 4_000),
      ...(answer.data ? { data: answer.data } : {}),
    };
    if (hidden.length > 0) {
      // A private answer is a card; its files are not sent along, and the card says where to get them.
      const privately = answer.files?.length
        ? withNote(answer.card, "The file is not attached here: ask again in a direct message with daybook to get it.")
        : answer.card;
      card = textCard(await this.#deliverPrivately(message, responder, privately, hidden, "answer", log));
      remembered = { text: cardToText(card) };
    } else {
      // Files show the same data as the answer, so they go only where the answer may.
      files.push(...(answer.files ?? []));
    }
    if (!history.available) return withNote(card, historyUnavailableNote);
    const now = this.#clock.now();
    const saved = await this.#o.history.tryAppend(
      message.thread,
      { role: "user", text, at: message.receivedAt, by: principal.id },
      { role: "assistant", at: now, ...remembered },
    );
    if (saved) return card;
    log.warn("thread memory not saved", { code: "store_unavailable" });
    return withNote(card, historyNotSavedNote);
  }

  /** The domains `shown` that the thread's readers may not see; none without a policy. */
  async #beyondAudience(
    message: IncomingMessage,
    principal: Principal,
    responder: Responder,
    shown: ToolDomain[] | undefined,
  ): Promise<ToolDomain[]> {
    if (!this.#o.audience || !shown || shown.length === 0) return [];
    const lookup = typeof responder.audience === "function" ? () => responder.audience!() : undefined;
    const allowed = await this.#o.audience.allowedIn(message.thread, lookup, principal);
    return beyond(shown, allowed);
  }

  /** Sends `card` to the asker alone; returns the note for the thread (sent, or could not be). */
  async #deliverPrivately(
    message: IncomingMessage,
    responder: Responder,
    card: Card,
    hidden: ToolDomain[],
    what: "answer" | "approval request",
    log: Logger,
  ): Promise<string> {
    const ref = await this.#sendPrivately(message, responder, card).catch((error: unknown) => {
      log.warn("could not deliver privately; the thread gets only a note", { code: toDaybookError(error).code });
      return undefined;
    });
    log.info("delivered privately: beyond the thread's audience", { what, domains: hidden, delivered: !!ref });
    return ref ? sentPrivatelyNote(what, hidden) : notDeliveredNote(what, hidden);
  }

  async #sendPrivately(message: IncomingMessage, responder: Responder, card: Card): Promise<MessageRef | undefined> {
    if (typeof responder.replyPrivately !== "function") return undefined;
    return responder.replyPrivately(message.user, withNote(card, privateContext));
  }

  /**
   * A card posted mid-turn (an approval card shows the write's arguments): into the thread when
   * its readers may see `domains`, else to the asker with a note in the thread. The approval
   * then lives where the card went: its buttons, updates and result are in the private chat.
   */
  async #postChecked(
    message: IncomingMessage,
    principal: Principal,
    responder: Responder,
    card: Card,
    domains: ToolDomain[],
    what: "approval request",
  ): Promise<MessageRef> {
    const hidden = await this.#beyondAudience(message, principal, responder, domains);
    if (hidden.length === 0) return responder.reply(card);
    const ref = await this.#sendPrivately(message, responder, card).catch(() => undefined);
    if (!ref) {
      // The agent turns this into its reply; the unposted approval stays pending and unseen.
      throw new DaybookError("forbidden", "the card could not be delivered privately", {
        userMessage: notDeliveredNote(what, hidden),
      });
    }
    await responder.reply(textCard(sentPrivatelyNote(what, hidden)));
    return ref;
  }

  /** The `approve <id>` / `reject <id>` fallback; undefined when the text is not a decision. */
  async #decide(message: IncomingMessage, decision: RegExpExecArray): Promise<Card | undefined> {
    if (!this.#o.approvals || !(await this.#isDecision(decision))) return undefined;
    const [, verb, id, reason] = decision as unknown as [string, string, string, string | undefined];
    if (this.#o.textDecisions && !this.#o.textDecisions(message.thread.platform)) {
      return textCard(
        "Approvals can't be decided from here while real systems are connected: use the buttons in Slack or Teams.",
      );
    }
    const approvals = this.#o.approvals;
    if (verb.toLowerCase() === "retry") {
      if (!approvals.retryFailedSteps) return textCard("Retrying failed steps is not available here.");
      const retried = await approvals.retryFailedSteps(id, message.user);
      // The retry's result card: every step again, the ones that ran now marked done.
      return retried.kind === "decided" ? retried.card : textCard(retried.notice);
    }
    const result = await approvals.decide(
      id,
      message.user,
      verb.toLowerCase() === "approve" ? "approve" : "reject",
      reason,
    );
    switch (result.kind) {
      case "decided": {
        // The approvals service already replaced the approval card and posted the outcome in
        // the thread; repeating the whole card here would show it three times.
        const { status, decidedBy, id: approvalId } = result.approval;
        return textCard(
          `${status === "approved" ? "Approved" : "Rejected"} by ${decidedBy?.name ?? "you"} (approval ${approvalId}).`,
        );
      }
      case "already_decided":
      case "expired":
      case "not_allowed":
      case "not_found":
        return textCard(result.notice);
    }
  }
}

/** The answer as it is, with a context line saying what the turn had to do without. */
function withNote(card: Card, note: string): Card {
  return { ...card, blocks: [...card.blocks, { type: "context", text: note }] };
}
