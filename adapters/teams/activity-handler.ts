import {
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ChannelAccount,
  type ConversationReference,
  TeamsActivityHandler,
  TurnContext,
} from "botbuilder";
import type {
  ButtonClick,
  ClickHandler,
  ClickResult,
  IncomingMessage,
  MessageHandler,
  Responder,
} from "../../src/core/chat.ts";
import type { Clock } from "../../src/core/clock.ts";
import { toDaybookError } from "../../src/core/errors.ts";
import type { RequestContext } from "../../src/core/http.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { Store } from "../../src/core/store.ts";
import type { ThreadRef } from "../../src/core/thread.ts";
import type { ConversationReferences } from "./conversation-references.ts";
import { type AdaptiveCard, adaptiveCardContentType, REFRESH_VERB, withNotice } from "./format/adaptive-card.ts";
import type { RenderedCards } from "./rendered-cards.ts";
import type { TeamsChatAdapter } from "./teams-chat-adapter.ts";
import { splitConversationId, teamsThread } from "./thread-ref.ts";

/** turnState key under which the route puts the HTTP request's RequestContext. */
export const requestContextKey = Symbol("daybook.teams.requestContext");

/** Teams may redeliver an activity it timed out on; one id is handled once. */
const dedupTtlMs = 10 * 60 * 1000;
/** Teams shows a typing indicator for a few seconds; repeat it while the agent works. */
const typingEveryMs = 3_000;

export interface ActivityHandlerOptions {
  store: Store;
  references: ConversationReferences;
  cards: RenderedCards;
  adapter: TeamsChatAdapter;
  handle: MessageHandler;
  onClick: ClickHandler;
  clock: Clock;
  logger: Logger;
}

function tenantOf(context: TurnContext): string {
  const activity = context.activity;
  const channelTenant = (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return activity.conversation?.tenantId ?? channelTenant ?? "";
}

function userOf(context: TurnContext) {
  const from = context.activity.from;
  return {
    platform: "teams" as const,
    // The AAD object id is stable across chats and is what the org config lists.
    id: from?.aadObjectId ?? from?.id ?? "unknown",
    ...(from?.name ? { name: from.name } : {}),
  };
}

/**
 * 1:1 chats, group chats and channel messages that @mention daybook; installs and
 * conversation updates (to store references); Action.Execute invokes from our cards.
 */
export class DaybookActivityHandler extends TeamsActivityHandler {
  readonly #o: ActivityHandlerOptions;

  constructor(options: ActivityHandlerOptions) {
    super();
    this.#o = options;
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
    if (activity.id) {
      // Channel message ids are timestamps, unique only within a conversation.
      const key = `teams:activity:${encodeURIComponent(splitConversationId(activity.conversation.id).base)}:${activity.id}`;
      const first = await this.#o.store.setIfAbsent(key, "1", { ttlMs: dedupTtlMs });
      if (!first) return;
    }
    const text = (mentioned ? TurnContext.removeRecipientMention(activity) : activity.text) ?? "";
    const reference = await this.#saveReference(context);
    const thread = teamsThread(
      tenantOf(context),
      activity.conversation.id,
      conversationType === "channel" ? activity.id : undefined,
    );
    const message: IncomingMessage = {
      thread,
      user: userOf(context),
      text: text.replace(/&nbsp;/g, " ").trim(),
      ...(activity.id ? { messageId: activity.id } : {}),
      receivedAt: this.#o.clock.now(),
    };
    const { responder, stop } = this.#responder(reference, thread);
    const log = this.#o.logger;
    const work = this.#o
      .handle(message, responder)
      .catch((error: unknown) =>
        log.error("Teams message handling failed", { code: toDaybookError(error).code, error }),
      )
      .finally(stop);
    // Ack first: the reply goes out proactively after the HTTP turn is answered.
    const requestContext = context.turnState.get(requestContextKey) as RequestContext | undefined;
    if (requestContext) requestContext.waitUntil(work);
    else await work;
  }

  #responder(reference: Partial<ConversationReference>, thread: ThreadRef): { responder: Responder; stop: () => void } {
    const adapter = this.#o.adapter;
    const log = this.#o.logger;
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (timer) clearInterval(timer);
      timer = undefined;
    };
    const sendTyping = () =>
      adapter.sendTyping(reference, thread).catch((error: unknown) => log.debug("typing indicator failed", { error }));
    const responder: Responder = {
      reply: async (card) => {
        stop();
        const receipt = await adapter.postWith(reference, thread, card);
        return { thread: receipt.thread, messageId: receipt.messageId };
      },
      typing: async () => {
        await sendTyping();
        if (!timer) {
          timer = setInterval(() => void sendTyping(), typingEveryMs);
          timer.unref();
        }
      },
    };
    return { responder, stop };
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
      user: userOf(context),
      thread,
      ...(messageId ? { message: { thread, messageId } } : {}),
    };
    const { responder, stop } = this.#responder(reference, thread);
    let result: ClickResult;
    try {
      result = await this.#o.onClick(click, responder);
    } catch (error) {
      const err = toDaybookError(error);
      this.#o.logger.error("Teams card action failed", { code: err.code, actionId: verb, error: err });
      return cardResponse(withNotice(stored, err.userMessage));
    } finally {
      stop();
    }

    switch (result.kind) {
      case "update": {
        const rendered = await this.#o.adapter.render(result.card);
        if (click.message) {
          const target = click.message;
          // The invoke answer updates the clicker's view at once; the edit updates everyone's.
          const edit = this.#o.adapter
            .updateRendered(target, rendered)
            .catch((error: unknown) => this.#o.logger.warn("could not update the card for everyone", { error }));
          const requestContext = context.turnState.get(requestContextKey) as RequestContext | undefined;
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
}

function cardResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  // https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards
  return { statusCode: 200, type: adaptiveCardContentType, value: card as unknown as Record<string, unknown> };
}
