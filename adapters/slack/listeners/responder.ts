import type { Responder } from "../../../src/core/chat.ts";
import type { ThreadRef } from "../../../src/core/thread.ts";
import type { SlackChatAdapter } from "../adapter.ts";

/** Replies into the message's thread; `thinking` shows an assistant-thread status while working. */
export function threadResponder(adapter: SlackChatAdapter, thread: ThreadRef, thinking: boolean): Responder {
  return adapter.responderFor({ platform: "slack", thread, ...(thinking ? { via: { thinking: true } } : {}) });
}
