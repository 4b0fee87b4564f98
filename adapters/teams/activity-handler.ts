import {
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ChannelAccount,
  type ConversationReference,
  TeamsActivityHandler,
  TurnContext,
} from "botbuilder";
import type {
  ButtonClick,
  ChatUser,
  ClickHandler,
  ClickResult,
  IncomingMessage,
  MessageHandler,
  Responder,
} from "../../src/core/chat.ts";
import type { Clock } from "../../src/core/clock.ts";
import { FallbackDedup } from "../../src/core/dedup-fallback.ts";
import { type DaybookError, toDaybookError } from "../../src/core/errors.ts";
import type { RequestContext } from "../../src/core/http.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { Store } from "../../src/core/store.ts";
import type { ThreadRef } from "../../src/core/thread.ts";
import { reportError, withTrace } from "../../src/core/user-facing-error.ts";

import type { ConversationReferences } from "./conversation-references.ts";
import { type AdaptiveCard, adaptiveCardContentType, REFRESH_VERB, withNotice } from "./format/adaptive-card.ts";
import { normaliseTeamsText } from "./format/inbound.ts";
import { TeamsMemberNames } from "./member-names.ts";
import type { RenderedCards } from "./rendered-cards.ts";
import type { TeamsChatAdapter } from "./teams-chat-adapter.ts";
import { splitConversationId, teamsThread } from "./thread-ref.ts";

/** turnState key under which the route puts the HTTP request's RequestContext. */
export const requestContextKey = Symbol("daybook.teams.requestContext");

/** Teams may redeliver an activity it timed out on; one id is handled once. */
const dedupTtlMs = 10 * 60 * 1000;

export interface ActivityHandlerOptions {
  store: Store;
  references: ConversationReferences;
  cards: RenderedCards;
  adapter: TeamsChatAdapter;
  handle: MessageHandler;
  /**
   * `handle` queues the turn durably and refuses a redelivered message by its key (src/bot/intake.ts
   * turnKey). Then the HTTP answer waits for that enqueue and no dedup mark is written before it:
   * a mark written first and a process killed before the enqueue would drop the redelivery as a
   * duplicate and lose the message (issue 11).
   */
  handOffDeduplicates: boolean;
  onClick: ClickHandler;
  clock: Clock;
  logger: Logger;
  /**
   * How long a card click may run inside the invoke before it is answered with a "working on
   * it" card and finished in the background. Teams expects an invoke answer within a few
   * seconds and shows the clicker an error otherwise
   * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/conversation-messages#status-codes-from-bot-conversational-apis).
   */
  invokeAnswerMs: number;
}

export interface AdmissionOptions {
  /** Accept the Bot Framework Emulator's "emulator" channel (TEAMS_DEV_SKIP_AUTH only). */
  allowEmulator: boolean;
  /** When non-empty, only activities from these Entra tenants are handled. */
  allowedTenants: readonly string[];
}

function tenantsOf(activity: Partial<Activity>): string[] {
  const channelTenant = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  return [activity.conversation?.tenantId, channelTenant].filter((t): t is string => typeof t === "string" && t !== "");
}

/**
 * Why an authenticated activity is still not for daybook, or undefined when it is. Every Azure
 * Bot also has the Web Chat and Direct Line channels, whose activities carry a valid Bot
 * Framework token but a client-chosen `from.id`/`from.aadObjectId`
 * (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-direct-line-3-0-send-activity),
 * so anyone holding a Direct Line secret could pose as an approver. Only Teams vouches for
 * the user's identity, so only the "msteams" channel is trusted, from the allowed tenants.
 */
export function admissionRefusal(activity: Partial<Activity>, options: AdmissionOptions): string | undefined {
  if (activity.channelId === "emulator" && options.allowEmulator) return undefined;
  if (activity.channelId !== "msteams") return "not the Microsoft Teams channel";
  if (options.allowedTenants.length === 0) return undefined;
  const tenants = tenantsOf(activity);
  if (tenants.length === 0) return "no tenant id";
  if (tenants.some((t) => !options.allowedTenants.includes(t))) return "tenant not allowed";
  return undefined;
}

function tenantOf(context: TurnContext): string {
  return tenantsOf(context.activity)[0] ?? "";
}

function userOf(context: TurnContext) {
  const activity = context.activity;
  const from = activity.from;
  const id = from?.aadObjectId ?? from?.id ?? "unknown";
  const { timeZone, locale } = clientTimeOf(activity);
  return {
    platform: "teams" as const,
    // The AAD object id is stable across chats; the org config may list it or the 29: id
    // (which Teams sends alongside it for every user), so both identify the person.
    id,
    ...(from?.id && from.id !== id ? { aliases: [from.id] } : {}),
    ...(from?.name ? { name: from.name } : {}),
    ...(timeZone ? { timeZone } : {}),
    ...(locale ? { locale } : {}),
  };
}

/**
 * The sender's zone and locale as their client reports them: the activity's `localTimezone`
 * and `locale` (Bot Framework activity schema), else Teams' `clientInfo` entity, which carries
 * `timezone` and `locale` on messages and invokes alike.
 */
function clientTimeOf(activity: TurnContext["activity"]): { timeZone?: string; locale?: string } {
  const clientInfo = (activity.entities ?? []).find((e) => e.type === "clientInfo") as
    | { timezone?: unknown; locale?: unknown }
    | undefined;
  const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined);
  const timeZone = text(activity.localTimezone) ?? text(clientInfo?.timezone);
  const locale = text(activity.locale) ?? text(clientInfo?.locale);
  return { ...(timeZone ? { timeZone } : {}), ...(locale ? { locale } : {}) };
}

/**
 * 1:1 chats, group chats and channel messages that @mention daybook; installs and
 * conversation updates (to store references); Action.Execute invokes from our cards.
 */
export class DaybookActivityHandler extends TeamsActivityHandler {
  readonly #o: ActivityHandlerOptions;
  /** Falls back to this process's memory while the store is down (src/core/dedup-fallback.ts). */
  readonly #dedup: FallbackDedup;
  /** Names of senders whose activity carries none (member-names.ts). */
  readonly #names: TeamsMemberNames;

  constructor(options: ActivityHandlerOptions) {
    super();
    this.#o = options;
    this.#names = new TeamsMemberNames({ store: options.store, logger: options.logger });
    this.#dedup = new FallbackDedup({
      store: options.store,
      clock: options.clock,
      onStoreError: (_key, error) =>
        options.logger.warn("activity dedup store unavailable; deduplicating in this process only", {
          code: toDaybookError(error, "store_unavailable").code,
        }),
    });
    this.onMessage(async (context, next) => {
      await this.#onMessage(context);
      await next();
    });
    this.onConversationUpdate(async (context, next) => {
      await this.#onConversationUpdate(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.#saveReference(context);
      await next();
    });
  }

  async #saveReference(context: TurnContext): Promise<Partial<ConversationReference>> {
    const reference = TurnContext.getConversationReference(context.activity);
    const saved = await this.#o.references.save(reference, tenantOf(context));
    if (saved) {
      // The id is what `channels.<name>.teams` in the org config names for digests.
      this.#o.logger.info("stored Teams conversation reference", {
        conversationId: splitConversationId(context.activity.conversation.id).base,
        conversationType: context.activity.conversation?.conversationType ?? "personal",
      });
    }
    return reference;
  }

  async #onConversationUpdate(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const botId = activity.recipient?.id;
    const isBot = (m: ChannelAccount) => m.id === botId;
    if ((activity.membersRemoved ?? []).some(isBot)) {
      await this.#o.references.delete(activity.conversation.id);
      return;
    }
    if ((activity.membersAdded ?? []).some(isBot)) await this.#saveReference(context);
  }

  async #onMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const conversationType = activity.conversation?.conversationType ?? "personal";
    const mentioned = TurnContext.getMentions(activity).some((m) => m.mentioned?.id === activity.recipient?.id);
    // Outside 1:1 chats Teams delivers messages that @mention the bot; anything else is not for us.
    if (conversationType !== "personal" && !mentioned) return;
    // A legacy card's Action.Submit arrives as a message with a value and no text; ours use Action.Execute.
    if (!activity.text?.trim() && activity.value !== undefined) return;
    if (activity.id && !this.#o.handOffDeduplicates) {
      // Channel message ids are timestamps, unique only within a conversation.
      const key = `teams:activity:${encodeURIComponent(splitConversationId(activity.conversation.id).base)}:${activity.id}`;
      if (!(await this.#dedup.markOnce(key, dedupTtlMs)).first) return;
    }
    // Mentions as names (the bot's own removed), entities decoded, HTML to text: format/inbound.ts.
    const text = normaliseTeamsText(typeof activity.text === "string" ? activity.text : "", {
      mentions: TurnContext.getMentions(activity),
      botId: activity.recipient?.id,
    });
    // The reply needs only this activity's reference; storing it (for digests) is best-effort
    // so a question is still answered while the store is down.
    const reference = await this.#saveReference(context).catch((error: unknown) => {
      this.#o.logger.warn("could not store the Teams conversation reference", {
        code: toDaybookError(error, "store_unavailable").code,
      });
      return TurnContext.getConversationReference(activity);
    });
    const thread = teamsThread(
      tenantOf(context),
      activity.conversation.id,
      conversationType === "channel" ? activity.id : undefined,
    );
    const message: IncomingMessage = {
      thread,
      user: await this.#userOf(context),
      text,
      ...(activity.id ? { messageId: activity.id } : {}),
      receivedAt: this.#o.clock.now(),
    };
    const { responder, stop } = this.#responder(reference, thread);
    const log = this.#o.logger;
    const work = this.#o
      .handle(message, responder)
      .catch((error: unknown) => reportError(log, error, { msg: "Teams message handling failed", component: "teams" }))
      .finally(stop);
    // Queued: the enqueue is one Redis round trip and the answer goes out from a worker, so the
    // HTTP answer waits for it (nothing acked is lost). Inline: ack first, the reply goes out
    // proactively after the HTTP turn is answered.
    const requestContext = context.turnState.get(requestContextKey) as RequestContext | undefined;
    if (requestContext && !this.#o.handOffDeduplicates) requestContext.waitUntil(work);
    else await work;
  }

  /** The sender, named by Teams' member info when the activity carries no name. */
  async #userOf(context: TurnContext): Promise<ChatUser> {
    const user: ChatUser = userOf(context);
    if (user.name) return user;
    const name = await this.#names.nameOf(context, tenantOf(context));
    return name ? { ...user, name } : user;
  }

  #responder(reference: Partial<ConversationReference>, thread: ThreadRef): { responder: Responder; stop: () => void } {
    const responder = this.#o.adapter.responderFor({
      platform: "teams",
      thread,
      via: { reference: JSON.stringify(reference) },
    });
    return { responder, stop: responder.stopTyping };
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const activity = context.activity;
    const reference = await this.#saveReference(context);
    const thread = teamsThread(tenantOf(context), activity.conversation.id);
    const messageId = activity.replyToId ?? "";
    const stored = messageId ? await this.#o.cards.get(thread.channel, messageId) : undefined;
    const verb = invokeValue.action?.verb ?? "";
    const data = invokeValue.action?.data as { value?: unknown } | undefined;
    const value = typeof data?.value === "string" ? data.value : "";

    if (verb === REFRESH_VERB) {
      if (stored) return cardResponse(stored);
      return {
        statusCode: 400,
        type: "application/vnd.microsoft.error",
        value: { code: "NotFound", message: "This card can no longer be refreshed." },
      };
    }

    const click: ButtonClick = {
      actionId: verb,
      value,
      user: await this.#userOf(context),
      thread,
      ...(messageId ? { message: { thread, messageId } } : {}),
    };
    const { responder, stop } = this.#responder(reference, thread);
    const clicked: Promise<ClickOutcome> = this.#o
      .onClick(click, responder)
      .then(
        (result): ClickOutcome => ({ ok: true, result }),
        (error: unknown): ClickOutcome => ({ ok: false, error: toDaybookError(error) }),
      )
      .finally(stop);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.#o.invokeAnswerMs);
    });
    const outcome = await Promise.race([clicked, late]);
    clearTimeout(timer);
    const requestContext = context.turnState.get(requestContextKey) as RequestContext | undefined;

    if (outcome) {
      if (!outcome.ok) {
        const facing = reportError(this.#o.logger, outcome.error, {
          msg: "Teams card action failed",
          component: "teams",
          fields: { actionId: verb },
        });
        return cardResponse(withNotice(stored, withTrace(facing)));
      }
      return this.#answer(outcome.result, click, stored, requestContext);
    }

    // Too slow for the invoke: the clicker sees that it is in progress (no buttons, so no
    // second click), and the outcome reaches everyone as a message update once it is known.
    const who = click.user.name ?? "Someone";
    const label = buttonLabel(stored, verb, value) ?? verb;
    const interim = withoutButtons(withNotice(stored, `Working on it: ${who} clicked ${label}…`));
    const finish = clicked
      .then((settled) => this.#finishLate(settled, click, stored, reference))
      .catch((error: unknown) =>
        this.#o.logger.warn("could not deliver the outcome of a slow card action", {
          code: toDaybookError(error).code,
          actionId: verb,
          error,
        }),
      );
    // Tracked so a graceful shutdown waits for the click to finish (without a request, as in
    // direct handler use, nobody waits and `finish` logs its own failures).
    if (requestContext) requestContext.waitUntil(finish);
    return cardResponse(interim);
  }

  async #answer(
    result: ClickResult,
    click: ButtonClick,
    stored: AdaptiveCard | undefined,
    requestContext: RequestContext | undefined,
  ): Promise<AdaptiveCardInvokeResponse> {
    switch (result.kind) {
      case "update": {
        const rendered = await this.#o.adapter.render(result.card);
        if (click.message) {
          const target = click.message;
          // The invoke answer updates the clicker's view at once; the edit updates everyone's.
          const edit = this.#o.adapter
            .updateRendered(target, rendered)
            .catch((error: unknown) => this.#o.logger.warn("could not update the card for everyone", { error }));
          if (requestContext) requestContext.waitUntil(edit);
          else await edit;
        }
        return cardResponse(rendered);
      }
      case "notice":
        return cardResponse(withNotice(stored, result.text));
      case "none":
        if (stored) return cardResponse(stored);
        // A message response carries a string where botbuilder's type says object.
        return {
          statusCode: 200,
          type: "application/vnd.microsoft.activity.message",
          value: "Done." as unknown as Record<string, unknown>,
        };
    }
  }

  /** The outcome of a click that outlived its invoke, delivered proactively. */
  async #finishLate(
    outcome: ClickOutcome,
    click: ButtonClick,
    stored: AdaptiveCard | undefined,
    reference: Partial<ConversationReference>,
  ): Promise<void> {
    const adapter = this.#o.adapter;
    const target = click.message;
    if (outcome.ok && outcome.result.kind === "update") {
      if (target) await adapter.updateRendered(target, await adapter.render(outcome.result.card));
      else await adapter.postWith(reference, click.thread, outcome.result.card);
      return;
    }
    // The clicker's view still shows the interim card: put the buttons back for them.
    if (target && stored) await adapter.updateRendered(target, stored);
    if (!outcome.ok) {
      const facing = reportError(this.#o.logger, outcome.error, {
        msg: "Teams card action failed",
        component: "teams",
        fields: { actionId: click.actionId },
      });
      await adapter.notify(click.thread, click.user, withTrace(facing));
    } else if (outcome.result.kind === "notice") {
      await adapter.notify(click.thread, click.user, outcome.result.text);
    }
  }
}

type ClickOutcome = { ok: true; result: ClickResult } | { ok: false; error: DaybookError };

/** The title of the card's Action.Execute with this verb and value (what the user clicked). */
function buttonLabel(card: AdaptiveCard | undefined, verb: string, value: string): string | undefined {
  let found: string | undefined;
  const visit = (node: unknown): void => {
    if (found !== undefined || node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const element = node as Record<string, unknown>;
    const data = element.data as { value?: unknown } | undefined;
    if (element.type === "Action.Execute" && element.verb === verb && (data?.value ?? "") === value) {
      if (typeof element.title === "string") found = element.title;
      return;
    }
    for (const child of Object.values(element)) visit(child);
  };
  visit(card?.body);
  return found;
}

/** The card without its ActionSets and refresh: nothing left to click while the first click runs. */
export function withoutButtons(card: AdaptiveCard): AdaptiveCard {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) {
      return node
        .filter(
          (child) =>
            !(child !== null && typeof child === "object" && (child as { type?: unknown }).type === "ActionSet"),
        )
        .map(strip);
    }
    if (node === null || typeof node !== "object") return node;
    return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, strip(child)]));
  };
  const { refresh: _refresh, ...rest } = card;
  return { ...rest, body: strip(rest.body) as AdaptiveCard["body"] };
}

function cardResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  // https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards
  return { statusCode: 200, type: adaptiveCardContentType, value: card as unknown as Record<string, unknown> };
}
