import type { ThreadRef } from "../../src/core/thread.ts";

/**
 * Teams addresses a channel reply chain by appending ";messageid=<root id>" to the channel's
 * conversation id (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages).
 */
const messageIdSuffix = /;messageid=([^;]+)$/i;

export interface TeamsConversationParts {
  /** The conversation id without the reply-chain suffix: a channel, group chat or 1:1 chat. */
  base: string;
  /** The reply-chain root message id, or "" outside a channel thread. */
  root: string;
}

export function splitConversationId(conversationId: string): TeamsConversationParts {
  const match = messageIdSuffix.exec(conversationId);
  if (!match) return { base: conversationId, root: "" };
  return { base: conversationId.slice(0, match.index), root: match[1] ?? "" };
}

/** The conversation id to post into: the thread's reply chain, or the conversation itself. */
export function conversationIdFor(thread: ThreadRef): string {
  return thread.thread === "" ? thread.channel : `${thread.channel};messageid=${thread.thread}`;
}

/**
 * The thread of an activity. A channel post that arrives without the suffix starts its own
 * reply chain, so its id (`channelPostId`) becomes the root.
 */
export function teamsThread(tenantId: string, conversationId: string, channelPostId?: string): ThreadRef {
  const { base, root } = splitConversationId(conversationId);
  return { platform: "teams", workspace: tenantId, channel: base, thread: root || channelPostId || "" };
}
