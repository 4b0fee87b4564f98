import type { Responder } from "../../../src/core/chat.ts";
import type { ThreadRef } from "../../../src/core/thread.ts";
import type { SlackChatAdapter } from "../adapter.ts";

/** Replies into the message's thread; `thinking` shows an assistant-thread status while working. */
export function threadResponder(adapter: SlackChatAdapter, thread: ThreadRef, thinking: boolean): Responder {
  const responder: Responder = {
    reply: async (card) => {
      const receipt = await adapter.post(thread, card);
      return { thread: receipt.thread, messageId: receipt.messageId };
    },
  };
  if (thinking) {
    // Best effort: outside an assistant thread Slack answers with an error, which is harmless.
    responder.typing = () => adapter.setStatus(thread, "is thinking...").catch(() => {});
  }
  return responder;
}
