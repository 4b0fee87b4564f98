import type { Activity, ConversationReference } from "botbuilder";
import { type Card, cardButtons, fallbackText, textCard } from "../../src/core/card.ts";
import type {
  ChatAdapter,
  ChatUser,
  DeliveryReceipt,
  MessageRef,
  ReplyAddress,
  Responder,
  ThreadAudience,
} from "../../src/core/chat.ts";
import type { Clock } from "../../src/core/clock.ts";
import { DaybookError } from "../../src/core/errors.ts";
import type { ChatFile, FileLinks, FileShelf } from "../../src/core/files.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { ThreadRef } from "../../src/core/thread.ts";
import type { ConversationReferences } from "./conversation-references.ts";
import {
  type AdaptiveCard,
  adaptiveCardContentType,
  approvalIdOf,
  renderAdaptiveCard,
} from "./format/adaptive-card.ts";
import type { ProactiveSender } from "./proactive-sender.ts";
import type { RenderedCards } from "./rendered-cards.ts";
import { teamsPlaceholder } from "./streaming.ts";

/** Teams shows a typing indicator for a few seconds; repeat it while the agent works. */
const typingEveryMs = 3_000;
/** A turn that never replies must not type forever. */
const typingAtMostMs = 180_000;

export type ApproverIdsFor = (approvalId: string) => Promise<string[]>;

export interface TeamsChatAdapterOptions {
  sender: ProactiveSender;
  references: ConversationReferences;
  cards: RenderedCards;
  clock: Clock;
  logger: Logger;
  approverIdsFor?: ApproverIdsFor | undefined;
  /**
   * Where posted files are kept and how they are linked: Teams fetches a card's image from a
   * URL, so a file is served by daybook under a signed, expiring link (src/core/files.ts).
   * Absent: files are posted as their text fallback.
   */
  files?: { shelf: FileShelf; links: FileLinks } | undefined;
}

/** The message activity carrying one Adaptive Card; `summary` is the notification text. */
export function cardActivity(card: AdaptiveCard): Partial<Activity> {
  return {
    type: "message",
    summary: card.fallbackText,
    attachments: [{ contentType: adaptiveCardContentType, content: card }],
  };
}

/** ChatAdapter for Teams: posts, updates and notices, all proactive (see proactive-sender.ts). */
export class TeamsChatAdapter implements ChatAdapter {
  readonly platform = "teams" as const;
  readonly #o: TeamsChatAdapterOptions;

  constructor(options: TeamsChatAdapterOptions) {
    this.#o = options;
  }

  async post(thread: ThreadRef, card: Card): Promise<DeliveryReceipt> {
    return this.postWith(await this.#reference(thread), thread, card);
  }

  /** Posts with a reference the caller already holds (replies within a turn skip the lookup). */
  async postWith(reference: Partial<ConversationReference>, thread: ThreadRef, card: Card): Promise<DeliveryReceipt> {
    const rendered = await this.render(card);
    const messageId = await this.#o.sender.send(reference, thread, cardActivity(rendered));
    if (cardButtons(card).length > 0) await this.#o.cards.remember(thread.channel, messageId, rendered);
    return { platform: "teams", thread, messageId, postedAt: this.#o.clock.now() };
  }

  async update(message: MessageRef, card: Card): Promise<void> {
    const rendered = await this.render(card);
    await this.updateRendered(message, rendered);
  }

  async postFile(thread: ThreadRef, file: ChatFile): Promise<MessageRef> {
    return this.postFileWith(await this.#reference(thread), thread, file);
  }

  /**
   * A chart is an Image element whose URL is daybook's signed link (Adaptive Card images are
   * fetched by the client: https://adaptivecards.io/explorer/Image.html), with alt text and the
   * text fallback under it; an export is a card with the fallback and an Action.OpenUrl to
   * download it. The link expires with the stored file.
   */
  async postFileWith(
    reference: Partial<ConversationReference>,
    thread: ThreadRef,
    file: ChatFile,
  ): Promise<MessageRef> {
    const files = this.#o.files;
    const body: Record<string, unknown>[] = [{ type: "TextBlock", text: file.title, weight: "Bolder", wrap: true }];
    if (files) {
      const id = await files.shelf.put(file);
      const url = files.links.url(id, this.#o.clock.now() + files.shelf.ttlMs);
      if (file.mimeType === "image/png") {
        body.push({ type: "Image", url, altText: file.altText ?? file.title, size: "Stretch" });
      }
      body.push({ type: "TextBlock", text: file.fallbackText, wrap: true, isSubtle: true, size: "Small" });
      body.push({
        type: "ActionSet",
        actions: [{ type: "Action.OpenUrl", title: `Download ${file.name}`, url }],
      });
    } else {
      body.push({ type: "TextBlock", text: file.fallbackText, wrap: true });
    }
    const rendered: AdaptiveCard = {
      type: "AdaptiveCard",
      $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
      version: "1.5",
      body,
      fallbackText: `${file.title}\n${file.fallbackText}`.slice(0, 300),
    };
    const messageId = await this.#o.sender.send(reference, thread, cardActivity(rendered));
    return { thread, messageId };
  }

  /** Edits the message for everyone and remembers the card for later refreshes. */
  async updateRendered(message: MessageRef, rendered: AdaptiveCard): Promise<void> {
    const reference = await this.#reference(message.thread);
    await this.#o.cards.remember(message.thread.channel, message.messageId, rendered);
    await this.#o.sender.update(reference, message.thread, message.messageId, cardActivity(rendered));
  }

  /** Teams has no per-user ephemeral message in a conversation, so the notice is posted in the thread. */
  async notify(thread: ThreadRef, user: ChatUser, text: string): Promise<void> {
    const who = user.name ? `${user.name}: ` : "";
    await this.post(thread, { ...textCard(`${who}${text}`), fallbackText: `${who}${text}`.slice(0, 300) });
  }

  /**
   * The Responder for a turn, from its address: `via.reference` is the conversation reference
   * of the incoming activity (JSON), so a queued turn answers with no store lookup; without
   * it the stored reference for the conversation is used. A turn's responder (with a `tag`, from
   * the turn worker) in a 1:1 chat streams: "Working on it…" as an informative update, the
   * answer streamed into it and then its final message (streaming.ts); `via.placeholder ===
   * false` asks for none. Elsewhere the typing indicator shows the bot is working.
   */
  responderFor(address: ReplyAddress, options: { tag?: string } = {}): Responder & { stopTyping(): void } {
    const { thread } = address;
    const raw = address.via?.reference;
    let parsed: Partial<ConversationReference> | undefined;
    if (typeof raw === "string") {
      try {
        parsed = JSON.parse(raw) as Partial<ConversationReference>;
      } catch {
        parsed = undefined;
      }
    }
    const reference = async () => parsed ?? (await this.#reference(thread));
    let timer: NodeJS.Timeout | undefined;
    let deadline: NodeJS.Timeout | undefined;
    const stopTyping = () => {
      if (timer) clearInterval(timer);
      if (deadline) clearTimeout(deadline);
      timer = undefined;
      deadline = undefined;
    };
    const sendTyping = async () => {
      await this.sendTyping(await reference(), thread).catch((error: unknown) =>
        this.#o.logger.debug("typing indicator failed", { error }),
      );
    };
    // Streaming (the turn's placeholder) is for 1:1 chats only; elsewhere the typing indicator.
    const placeholder =
      options.tag && address.via?.placeholder !== false && parsed?.conversation?.conversationType === "personal"
        ? teamsPlaceholder({
            thread,
            send: async (activity) => this.#o.sender.send(await reference(), thread, activity),
            post: async (card) => {
              const receipt = await this.postWith(await reference(), thread, card);
              return { thread: receipt.thread, messageId: receipt.messageId };
            },
            render: (card) => this.render(card),
            remember: (messageId, rendered) => this.#o.cards.remember(thread.channel, messageId, rendered),
            stopTyping,
            clock: this.#o.clock,
            logger: this.#o.logger,
          })
        : {};
    return {
      address,
      stopTyping,
      ...placeholder,
      audience: async () => this.audienceWith(await reference(), thread),
      replyPrivately: async (user, card) => this.postPrivately(await reference(), thread, user, card),
      reply: async (card) => {
        stopTyping();
        const receipt = await this.postWith(await reference(), thread, card);
        return { thread: receipt.thread, messageId: receipt.messageId };
      },
      replyFile: async (file) => this.postFileWith(await reference(), thread, file),
      typing: async () => {
        // A 1:1 turn's stream shows its own progress (its informative update); a plain typing
        // activity in the middle of it is not part of the protocol.
        if ("placeholder" in placeholder) return;
        await sendTyping();
        if (!timer) {
          timer = setInterval(() => void sendTyping(), typingEveryMs);
          timer.unref();
          deadline = setTimeout(stopTyping, typingAtMostMs);
          deadline.unref();
        }
      },
    };
  }

  /** Who reads a stored conversation (digests; a turn's responder uses its own reference). */
  async audience(thread: ThreadRef): Promise<ThreadAudience> {
    return this.audienceWith(await this.#reference(thread), thread);
  }

  /**
   * A personal chat is the asker's alone; a group chat or channel is read by its roster (a
   * standard channel: the whole team). daybook itself is left out of the list.
   */
  async audienceWith(reference: Partial<ConversationReference>, thread: ThreadRef): Promise<ThreadAudience> {
    const type =
      reference.conversation?.conversationType ?? (await this.#o.references.get(thread.channel))?.conversationType;
    if (type === "personal") return { kind: "direct" };
    const roster = await this.#o.sender.members(reference, thread.channel);
    const botId = reference.bot?.id;
    const members = roster
      .filter((m) => m.id !== botId)
      .map((m) => ({
        ids: [m.aadObjectId, m.id].filter((id): id is string => typeof id === "string" && id !== ""),
        ...(m.name ? { name: m.name } : {}),
      }));
    return { kind: "shared", members };
  }

  /**
   * The card in the 1:1 chat between daybook and `user`, opened proactively. Its reference is
   * stored, so an approval card sent there can be updated and answered like any other.
   */
  async postPrivately(
    reference: Partial<ConversationReference>,
    from: ThreadRef,
    user: ChatUser,
    card: Card,
  ): Promise<MessageRef> {
    // The 29: id Teams uses for this person in conversations, when the turn's sender is them.
    const sender = reference.user;
    const memberId = sender && (sender.aadObjectId === user.id || sender.id === user.id) ? sender.id : user.id;
    const tenantId = reference.conversation?.tenantId ?? from.workspace;
    const conversationId = await this.#o.sender.openPersonal(reference, memberId, tenantId);
    if (!conversationId) throw new DaybookError("upstream_error", "Teams did not return the 1:1 conversation id");
    const personal: Partial<ConversationReference> = {
      channelId: reference.channelId ?? "msteams",
      ...(reference.serviceUrl ? { serviceUrl: reference.serviceUrl } : {}),
      ...(reference.bot ? { bot: reference.bot } : {}),
      conversation: {
        id: conversationId,
        conversationType: "personal",
        tenantId,
      } as ConversationReference["conversation"],
    };
    await this.#o.references
      .save(personal, tenantId)
      .catch((error: unknown) => this.#o.logger.warn("could not store the 1:1 conversation reference", { error }));
    const thread: ThreadRef = { platform: "teams", workspace: from.workspace, channel: conversationId, thread: "" };
    const receipt = await this.postWith(personal, thread, card);
    return { thread, messageId: receipt.messageId };
  }

  async sendTyping(reference: Partial<ConversationReference>, thread: ThreadRef): Promise<void> {
    await this.#o.sender.send(reference, thread, { type: "typing" });
  }

  async render(card: Card): Promise<ReturnType<typeof renderAdaptiveCard>> {
    const approvalId = approvalIdOf(card);
    let approverIds: string[] = [];
    if (approvalId && this.#o.approverIdsFor) {
      approverIds = await this.#o.approverIdsFor(approvalId).catch((error: unknown) => {
        // Refresh only keeps approvers' views live; the card works without it.
        this.#o.logger.warn("could not resolve approvers for the refresh list", { approvalId, error });
        return [];
      });
    }
    const rendered = renderAdaptiveCard(card, { approverIds });
    if (!rendered.fallbackText) rendered.fallbackText = fallbackText(card);
    return rendered;
  }

  async #reference(thread: ThreadRef): Promise<Partial<ConversationReference>> {
    const stored = await this.#o.references.get(thread.channel);
    if (!stored) {
      throw new DaybookError(
        "not_found",
        `no stored Teams conversation reference for "${thread.channel}": add daybook to that chat or channel (or message it there) first`,
        { userMessage: "daybook has not been added to that Teams conversation yet." },
      );
    }
    return stored.reference;
  }
}
