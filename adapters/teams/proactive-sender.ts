import type { Activity, CloudAdapter, ConversationReference } from "botbuilder";
import type { ThreadRef } from "../../src/core/thread.ts";
import { conversationIdFor } from "./thread-ref.ts";

/**
 * Every outbound message goes through continueConversationAsync with a stored (or freshly
 * captured) reference and the app id, never through a TurnContext kept across awaits: the
 * HTTP turn has long been answered when the agent replies (ack first).
 * https://learn.microsoft.com/azure/bot-service/bot-builder-howto-proactive-message
 */
export class ProactiveSender {
  readonly #cloud: CloudAdapter;
  readonly #appId: string;

  constructor(cloud: CloudAdapter, appId: string) {
    this.#cloud = cloud;
    this.#appId = appId;
  }

  /** Sends into the thread (a channel reply chain when `thread.thread` is set); returns the activity id. */
  async send(
    reference: Partial<ConversationReference>,
    thread: ThreadRef,
    activity: Partial<Activity>,
  ): Promise<string> {
    let id = "";
    await this.#cloud.continueConversationAsync(this.#appId, this.#referenceFor(reference, thread), async (context) => {
      // A continuation turn would reply to its own synthetic activity id; address the
      // reply-chain root instead, or nothing for a chat or a new channel post.
      context.onSendActivities(async (_ctx, activities, next) => {
        for (const outgoing of activities) {
          if (thread.thread === "") delete outgoing.replyToId;
          else outgoing.replyToId = thread.thread;
        }
        return next();
      });
      const response = await context.sendActivity(activity);
      id = response?.id ?? "";
    });
    return id;
  }

  async update(
    reference: Partial<ConversationReference>,
    thread: ThreadRef,
    messageId: string,
    activity: Partial<Activity>,
  ): Promise<void> {
    const target = this.#referenceFor(reference, thread);
    await this.#cloud.continueConversationAsync(this.#appId, target, async (context) => {
      await context.updateActivity({ ...activity, id: messageId, conversation: target.conversation });
    });
  }

  #referenceFor(reference: Partial<ConversationReference>, thread: ThreadRef): Partial<ConversationReference> {
    const { activityId: _ignored, ...rest } = reference;
    return {
      ...rest,
      conversation: {
        ...reference.conversation,
        id: conversationIdFor(thread),
      } as ConversationReference["conversation"],
    };
  }
}
