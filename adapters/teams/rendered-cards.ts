import type { Store } from "../../src/core/store.ts";
import type { AdaptiveCard } from "./format/adaptive-card.ts";
import { splitConversationId } from "./thread-ref.ts";

/** Longer than the longest approval TTL, so a late click can still show the card it hit. */
const cardTtlMs = 8 * 24 * 60 * 60 * 1000;

/**
 * The last card daybook rendered into each message that carries buttons. An invoke only says
 * which message was clicked, so refresh answers and refusal notices are built from this.
 * Teams message ids are only unique per conversation, hence the conversation in the key.
 */
export class RenderedCards {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  static key(conversationId: string, messageId: string): string {
    return `teams:card:${encodeURIComponent(splitConversationId(conversationId).base)}:${encodeURIComponent(messageId)}`;
  }

  async remember(conversationId: string, messageId: string, card: AdaptiveCard): Promise<void> {
    if (messageId === "") return;
    await this.#store.set(RenderedCards.key(conversationId, messageId), JSON.stringify(card), { ttlMs: cardTtlMs });
  }

  async get(conversationId: string, messageId: string): Promise<AdaptiveCard | undefined> {
    const raw = await this.#store.get(RenderedCards.key(conversationId, messageId));
    return raw === undefined ? undefined : (JSON.parse(raw) as AdaptiveCard);
  }
}
