import type { ConversationReference } from "botbuilder";
import type { Clock } from "../../src/core/clock.ts";
import type { Store } from "../../src/core/store.ts";
import { splitConversationId } from "./thread-ref.ts";

/** Store map holding one reference per conversation (ARCHITECTURE.md, decision 6). */
export const conversationsKey = "teams:conversations";

/**
 * Everything a proactive post needs, saved when daybook is added to a conversation or first
 * messaged there. `conversation.id` is the base id; the thread root is chosen per post.
 */
export interface StoredConversation {
  reference: Partial<ConversationReference>;
  tenantId: string;
  /** "personal", "groupChat" or "channel". */
  conversationType: string;
  /** Channel conversations: the reply-chain root the reference was captured in, if any. */
  threadRoot: string;
  savedAt: number;
}

export class ConversationReferences {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** Saves the reference; returns false when an identical one (same service URL) was stored. */
  async save(reference: Partial<ConversationReference>, tenantId: string): Promise<boolean> {
    const conversationId = reference.conversation?.id;
    if (!conversationId || !reference.serviceUrl) return false;
    const { base, root } = splitConversationId(conversationId);
    const existing = await this.get(base);
    if (existing && existing.reference.serviceUrl === reference.serviceUrl && existing.tenantId === tenantId) {
      return false;
    }
    const conversation = reference.conversation;
    const stored: StoredConversation = {
      reference: {
        channelId: reference.channelId ?? "msteams",
        serviceUrl: reference.serviceUrl,
        ...(reference.bot ? { bot: reference.bot } : {}),
        ...(reference.locale ? { locale: reference.locale } : {}),
        conversation: { ...conversation, id: base } as ConversationReference["conversation"],
      },
      tenantId,
      conversationType: conversation?.conversationType ?? "personal",
      threadRoot: root,
      savedAt: this.#clock.now(),
    };
    await this.#store.mapSet(conversationsKey, base, JSON.stringify(stored));
    return true;
  }

  async get(conversationId: string): Promise<StoredConversation | undefined> {
    const raw = await this.#store.mapGet(conversationsKey, splitConversationId(conversationId).base);
    return raw === undefined ? undefined : (JSON.parse(raw) as StoredConversation);
  }

  async list(): Promise<StoredConversation[]> {
    const all = await this.#store.mapGetAll(conversationsKey);
    return Object.values(all).map((raw) => JSON.parse(raw) as StoredConversation);
  }

  async delete(conversationId: string): Promise<void> {
    await this.#store.mapDelete(conversationsKey, splitConversationId(conversationId).base);
  }
}
