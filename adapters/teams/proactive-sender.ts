import {
  type Activity,
  type CloudAdapter,
  type ConversationReference,
  type TeamsChannelAccount,
  TeamsInfo,
} from "botbuilder";
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

  /**
   * Everyone in a group chat or channel (a standard channel: its team), page by page
   * (TeamsInfo.getPagedMembers, the connector's /pagedmembers:
   * https://learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context#fetch-the-roster-or-user-profile).
   */
  async members(reference: Partial<ConversationReference>, conversationId: string): Promise<TeamsChannelAccount[]> {
    const thread = { platform: "teams" as const, workspace: "", channel: conversationId, thread: "" };
    const out: TeamsChannelAccount[] = [];
    await this.#cloud.continueConversationAsync(this.#appId, this.#referenceFor(reference, thread), async (context) => {
      let token: string | undefined;
      for (let page = 0; page < 100; page++) {
        const result = await TeamsInfo.getPagedMembers(context, 500, token);
        out.push(...(result.members ?? []));
        token = result.continuationToken || undefined;
        if (!token) return;
      }
      throw new Error("too many member pages");
    });
    return out;
  }

  /**
   * Opens (or finds: Teams keeps one per bot and user) the 1:1 chat with `userId` and returns
   * its conversation id
   * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages#create-the-conversation).
   */
  async openPersonal(reference: Partial<ConversationReference>, userId: string, tenantId: string): Promise<string> {
    const serviceUrl = reference.serviceUrl ?? "";
    let id = "";
    await this.#cloud.createConversationAsync(
      this.#appId,
      reference.channelId ?? "msteams",
      serviceUrl,
      // undefined: the connector factory's own audience for this cloud (ConnectorFactoryImpl.create).
      undefined as unknown as string,
      {
        isGroup: false,
        ...(reference.bot ? { bot: reference.bot } : {}),
        members: [{ id: userId } as ConversationReference["user"]],
        tenantId,
        channelData: { tenant: { id: tenantId } },
      } as Parameters<CloudAdapter["createConversationAsync"]>[4],
      async (context) => {
        id = context.activity.conversation?.id ?? "";
      },
    );
    return id;
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
