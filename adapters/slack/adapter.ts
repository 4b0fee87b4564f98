import { type WebClient, ErrorCode as WebErrorCode } from "@slack/web-api";
import { type Card, textCard } from "../../src/core/card.ts";
import type {
  ChatAdapter,
  ChatUser,
  DeliveryReceipt,
  MessageRef,
  ReplyAddress,
  Responder,
  TaggedPost,
  ThreadAudience,
} from "../../src/core/chat.ts";
import type { Clock } from "../../src/core/clock.ts";
import { systemClock } from "../../src/core/clock.ts";
import { DaybookError } from "../../src/core/errors.ts";
import type { ChatFile } from "../../src/core/files.ts";
import type { ThreadRef } from "../../src/core/thread.ts";
import { renderCard } from "./format/block-kit.ts";
import { slackLimits, truncate } from "./format/limits.ts";
import { toMrkdwn } from "./format/markdown.ts";
import { DraftBudget, draftText } from "./stream.ts";

/** Converts a WebClient failure into a DaybookError that carries Slack's error code only. */
export function slackApiError(method: string, error: unknown): DaybookError {
  const e = error as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number };
  if (e.code === WebErrorCode.RateLimitedError) {
    return new DaybookError("rate_limited", `slack ${method}: rate limited (retry after ${e.retryAfter}s)`, {
      cause: error,
    });
  }
  if (e.code === WebErrorCode.PlatformError) {
    return new DaybookError("upstream_error", `slack ${method}: ${e.data?.error ?? "error"}`, {
      cause: error,
      details: { slackError: e.data?.error },
    });
  }
  if (e.code === WebErrorCode.HTTPError) {
    return new DaybookError("upstream_unavailable", `slack ${method}: HTTP ${e.statusCode}`, { cause: error });
  }
  return new DaybookError("upstream_unavailable", `slack ${method}: request failed`, { cause: error });
}

/**
 * Message metadata event type on a turn's answer (its payload's `tag` is the turn key, and
 * `placeholder: true` while it is the "Working on it…" post the answer replaces).
 */
export const replyTagEvent = "daybook_turn_reply";

/** The metadata of a tagged post (https://docs.slack.dev/messaging/message-metadata). */
function tagMetadata(
  tag: string,
  placeholder: boolean,
): { event_type: string; event_payload: Record<string, string | boolean> } {
  const event_payload: Record<string, string | boolean> = placeholder ? { tag, placeholder: true } : { tag };
  return { event_type: replyTagEvent, event_payload };
}

export interface SlackChatAdapterOptions {
  /** One workspace: every call uses this client (SLACK_BOT_TOKEN). */
  client?: WebClient;
  /**
   * Many workspaces: the client for a conversation's workspace (ThreadRef.workspace, the team id),
   * from that workspace's installation. Throws when daybook is not installed there.
   */
  clientFor?: (workspace: string) => Promise<WebClient>;
  clock?: Clock;
  /** Caps streamed-draft edits per workspace (stream.ts); one per adapter by default. */
  drafts?: DraftBudget;
}

/**
 * ChatAdapter over the Slack Web API. Rate limits (429 + Retry-After) are retried by the
 * WebClient itself (see web-client.ts for why only those and unsent requests are retried).
 */
export class SlackChatAdapter implements ChatAdapter {
  readonly platform = "slack" as const;
  readonly #clientFor: (workspace: string) => Promise<WebClient>;
  readonly #clock: Clock;
  readonly #drafts: DraftBudget;

  constructor(options: SlackChatAdapterOptions) {
    const { client, clientFor } = options;
    if (clientFor) this.#clientFor = clientFor;
    else if (client) this.#clientFor = async () => client;
    else throw new DaybookError("internal", "SlackChatAdapter needs a client or clientFor");
    this.#clock = options.clock ?? systemClock;
    this.#drafts = options.drafts ?? new DraftBudget({ clock: this.#clock });
  }

  /** The Web API client that may act in this workspace. */
  clientFor(workspace: string): Promise<WebClient> {
    return this.#clientFor(workspace);
  }

  /**
   * `tag` is attached as message metadata, so `findTagged` can find the post later;
   * `placeholder` marks it as a turn's placeholder, which the answer replaces.
   */
  async post(thread: ThreadRef, card: Card, tag?: string, placeholder = false): Promise<DeliveryReceipt> {
    const message = renderCard(card);
    try {
      const client = await this.#clientFor(thread.workspace);
      const res = await client.chat.postMessage({
        channel: thread.channel,
        ...(thread.thread ? { thread_ts: thread.thread } : {}),
        text: message.text,
        // An empty blocks array is not a valid layout; a text-only message needs none.
        ...(message.blocks.length > 0 ? { blocks: message.blocks } : {}),
        unfurl_links: false,
        unfurl_media: false,
        ...(tag ? { metadata: tagMetadata(tag, placeholder) } : {}),
      });
      if (!res.ts) throw new DaybookError("upstream_error", "slack chat.postMessage: no ts in the response");
      return { platform: "slack", thread, messageId: res.ts, postedAt: this.#clock.now() };
    } catch (error) {
      throw error instanceof DaybookError ? error : slackApiError("chat.postMessage", error);
    }
  }

  /**
   * Slack's upload v2 (https://docs.slack.dev/messaging/working-with-files#uploading_files):
   * files.getUploadURLExternal, the bytes POSTed to the URL it returns, then
   * files.completeUploadExternal with channel_id and thread_ts, which shares the file into the
   * thread. The SDK's filesUploadV2 makes those three calls.
   */
  async postFile(thread: ThreadRef, file: ChatFile): Promise<MessageRef> {
    const upload = {
      file: Buffer.from(file.bytes),
      filename: file.name,
      title: file.title,
      ...(file.altText ? { alt_text: file.altText } : {}),
      // The text fallback rides along as the message's comment: readable where the file is not.
      initial_comment: file.fallbackText.slice(0, slackLimits.sectionText),
    };
    try {
      const client = await this.#clientFor(thread.workspace);
      const res = (await client.filesUploadV2(
        thread.thread
          ? { ...upload, channel_id: thread.channel, thread_ts: thread.thread }
          : { ...upload, channel_id: thread.channel },
      )) as { files?: { files?: { id?: string }[] }[] };
      const id = res.files?.[0]?.files?.[0]?.id;
      if (!id) throw new DaybookError("upstream_error", "slack files.completeUploadExternal: no file in the response");
      return { thread, messageId: id };
    } catch (error) {
      throw error instanceof DaybookError ? error : slackApiError("files.uploadV2", error);
    }
  }

  /**
   * chat.update (https://docs.slack.dev/reference/methods/chat.update). With `tag`, the
   * message's metadata is replaced too: a placeholder becomes the tagged answer, or stays a
   * placeholder while `draft`.
   */
  async update(message: MessageRef, card: Card, tag?: { tag: string; draft: boolean }): Promise<void> {
    const rendered = renderCard(card);
    try {
      const client = await this.#clientFor(message.thread.workspace);
      await client.chat.update({
        channel: message.thread.channel,
        ts: message.messageId,
        text: rendered.text,
        blocks: rendered.blocks,
        ...(tag ? { metadata: tagMetadata(tag.tag, tag.draft) } : {}),
      });
    } catch (error) {
      throw error instanceof DaybookError ? error : slackApiError("chat.update", error);
    }
  }

  async notify(thread: ThreadRef, user: ChatUser, text: string): Promise<void> {
    try {
      const client = await this.#clientFor(thread.workspace);
      await client.chat.postEphemeral({
        channel: thread.channel,
        user: user.id,
        ...(thread.thread ? { thread_ts: thread.thread } : {}),
        text: truncate(toMrkdwn(text), slackLimits.sectionText),
      });
    } catch (error) {
      throw error instanceof DaybookError ? error : slackApiError("chat.postEphemeral", error);
    }
  }

  /**
   * The Responder for a turn, from its address (also after a queue hand-off to another
   * process). `via.thinking` shows the assistant-thread status while working; an address
   * with no thread and a `via.responseUrl` (a slash command where daybook may not post)
   * answers privately through the command's response_url
   * (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses).
   * A turn's responder (with a `tag`) can post a tagged "Working on it…" placeholder that the
   * answer replaces with chat.update, and show the answer streaming into it (stream.ts): a
   * mention, a DM, a slash command's thread. Not in an assistant thread (`via.thinking`: its
   * status line says it) or when `via.placeholder` is false. Through a response_url the
   * placeholder is an ephemeral "Working on it…" that the answer replaces (replace_original).
   * Only the turn worker posts placeholders (src/bot/turn-worker.ts), so clicks and notices
   * built here never show one.
   */
  responderFor(address: ReplyAddress, options: { tag?: string } = {}): Responder {
    const { thread } = address;
    const { tag } = options;
    const responseUrl = typeof address.via?.responseUrl === "string" ? address.via.responseUrl : undefined;
    if (thread.thread === "" && responseUrl) {
      const reply = async (card: Card) => {
        await this.respondPrivately(responseUrl, card);
        return { thread, messageId: "" };
      };
      // Every reply here is already ephemeral: only the caller reads it.
      const privately: Responder = {
        address,
        reply,
        audience: async () => ({ kind: "direct" }),
        replyPrivately: (_user, card) => reply(card),
      };
      if (tag && address.via?.placeholder !== false) {
        privately.placeholder = async (text) => {
          await this.respondPrivately(responseUrl, textCard(text));
          return { thread, messageId: "" };
        };
        // response_url allows 5 uses in 30 minutes: no drafts, only the answer over the placeholder.
        privately.replace = async (placeholder, card, options = {}) => {
          if (options.draft !== true) await this.respondPrivately(responseUrl, card, { replaceOriginal: true });
          return placeholder;
        };
      }
      return privately;
    }
    const responder: Responder = {
      address,
      reply: async (card) => {
        const receipt = await this.post(thread, card, tag);
        return { thread: receipt.thread, messageId: receipt.messageId };
      },
      replyFile: (file) => this.postFile(thread, file),
      audience: () => this.audience(thread),
      replyPrivately: (user, card) => this.postPrivately(thread, user, card),
    };
    if (tag && address.via?.placeholder !== false && address.via?.thinking !== true) {
      responder.placeholder = async (text) => {
        const receipt = await this.post(thread, textCard(text), tag, true);
        return { thread: receipt.thread, messageId: receipt.messageId };
      };
      responder.replace = async (placeholder, card, options = {}) => {
        if (options.draft === true) {
          // Over the workspace's draft budget: skipped, the next draft or the answer shows it.
          if (!this.#drafts.take(thread.workspace)) return placeholder;
          const partial = {
            ...card,
            blocks: card.blocks.map((b) => (b.type === "text" ? { ...b, text: draftText(b.text) } : b)),
          };
          await this.update(placeholder, partial, { tag, draft: true });
          return placeholder;
        }
        await this.update(placeholder, card, { tag, draft: false });
        return placeholder;
      };
    }
    if (address.via?.thinking === true) {
      // Best effort: outside an assistant thread Slack answers with an error, which is harmless.
      return { ...responder, typing: () => this.setStatus(thread, "is thinking...").catch(() => {}) };
    }
    return responder;
  }

  /**
   * Who reads a conversation. Ids starting with "D" are direct messages
   * (https://docs.slack.dev/reference/objects/conversation-object); anything else is listed with
   * conversations.members, page by page (https://docs.slack.dev/reference/methods/conversations.members),
   * without daybook's own bot user. Other apps in the channel stay in the list: they read it too.
   */
  async audience(thread: ThreadRef): Promise<ThreadAudience> {
    if (thread.channel.startsWith("D")) return { kind: "direct" };
    const client = await this.#clientFor(thread.workspace);
    const self = await this.#botUserId(thread.workspace, client);
    const members: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      let res: Awaited<ReturnType<WebClient["conversations"]["members"]>>;
      try {
        res = await client.conversations.members({
          channel: thread.channel,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
      } catch (error) {
        throw slackApiError("conversations.members", error);
      }
      members.push(...(res.members ?? []));
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) {
        return { kind: "shared", members: members.filter((id) => id !== self).map((id) => ({ ids: [id] })) };
      }
    }
    throw new DaybookError("upstream_error", "slack conversations.members: too many pages");
  }

  /** Per workspace: each installation has its own bot user. */
  readonly #selfIds = new Map<string, Promise<string | undefined>>();

  /** daybook's own bot user in a workspace (auth.test), asked once; undefined leaves it in member lists. */
  #botUserId(workspace: string, client: WebClient): Promise<string | undefined> {
    let selfId = this.#selfIds.get(workspace);
    if (!selfId) {
      selfId = client.auth.test().then(
        (res) => (typeof res.user_id === "string" ? res.user_id : undefined),
        (error: unknown) => {
          this.#selfIds.delete(workspace);
          throw slackApiError("auth.test", error);
        },
      );
      // Bounded: a process serving more workspaces than this asks auth.test again now and then.
      if (this.#selfIds.size >= 1_000) this.#selfIds.clear();
      this.#selfIds.set(workspace, selfId);
    }
    return selfId;
  }

  /**
   * The card in a direct message to `user` (conversations.open + chat.postMessage,
   * https://docs.slack.dev/reference/methods/conversations.open). A DM rather than an ephemeral
   * message in the thread: an ephemeral one vanishes on reload, cannot be updated with
   * chat.update (an approval card must be), and cannot be sent from a queued turn's worker
   * once the event is gone. The ref threads replies (an approval's result) under the card.
   */
  async postPrivately(from: ThreadRef, user: ChatUser, card: Card): Promise<MessageRef> {
    let channel: string | undefined;
    const client = await this.#clientFor(from.workspace);
    try {
      const res = await client.conversations.open({ users: user.id });
      channel = res.channel?.id;
    } catch (error) {
      throw slackApiError("conversations.open", error);
    }
    if (!channel) throw new DaybookError("upstream_error", "slack conversations.open: no channel in the response");
    const dm: ThreadRef = { platform: "slack", workspace: from.workspace, channel, thread: "" };
    const receipt = await this.post(dm, card);
    return { thread: { ...dm, thread: receipt.messageId }, messageId: receipt.messageId };
  }

  /**
   * The bot's post tagged `tag` in the address's thread, found by its message metadata
   * (https://docs.slack.dev/messaging/message-metadata) in conversations.replies with
   * include_all_metadata. Undefined when the thread has none; throws when Slack cannot be
   * asked (the caller then answers again rather than stay silent). Private answers through a
   * response_url cannot be searched, so nothing is found for them.
   */
  async findTagged(address: ReplyAddress, tag: string): Promise<TaggedPost | undefined> {
    const { thread } = address;
    if (thread.thread === "") return undefined;
    const client = await this.#clientFor(thread.workspace);
    let cursor: string | undefined;
    // A daybook thread is a question and a few answers; 5 pages of 200 is far past that.
    for (let page = 0; page < 5; page++) {
      let res: Awaited<ReturnType<WebClient["conversations"]["replies"]>>;
      try {
        res = await client.conversations.replies({
          channel: thread.channel,
          ts: thread.thread,
          include_all_metadata: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
      } catch (error) {
        throw slackApiError("conversations.replies", error);
      }
      for (const m of res.messages ?? []) {
        const meta = m.metadata as
          | { event_type?: string; event_payload?: { tag?: unknown; placeholder?: unknown } }
          | undefined;
        if (meta?.event_type === replyTagEvent && meta.event_payload?.tag === tag && m.ts) {
          return { thread, messageId: m.ts, ...(meta.event_payload.placeholder === true ? { placeholder: true } : {}) };
        }
      }
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }

  /** An ephemeral answer through a slash command's response_url (valid 30 minutes, 5 uses). */
  async respondPrivately(responseUrl: string, card: Card, options: { replaceOriginal?: boolean } = {}): Promise<void> {
    const message = renderCard(card);
    let res: Response;
    try {
      res = await fetch(responseUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          response_type: "ephemeral",
          ...(options.replaceOriginal ? { replace_original: true } : {}),
          text: message.text,
          blocks: message.blocks,
        }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new DaybookError("upstream_unavailable", "slack response_url: request failed", { cause: error });
    }
    if (!res.ok) throw new DaybookError("upstream_error", `slack response_url: HTTP ${res.status}`);
  }

  /** Assistant-thread status line ("is thinking..."); Slack clears it when the reply posts. */
  async setStatus(thread: ThreadRef, status: string): Promise<void> {
    const client = await this.#clientFor(thread.workspace);
    try {
      await client.assistant.threads.setStatus({ channel_id: thread.channel, thread_ts: thread.thread, status });
    } catch (error) {
      throw slackApiError("assistant.threads.setStatus", error);
    }
  }

  /** `thread` is the assistant thread: its channel and thread_ts. */
  async setSuggestedPrompts(
    thread: ThreadRef,
    prompts: { title: string; message: string }[],
    title?: string,
  ): Promise<void> {
    const client = await this.#clientFor(thread.workspace);
    try {
      await client.assistant.threads.setSuggestedPrompts({
        channel_id: thread.channel,
        thread_ts: thread.thread,
        prompts: prompts.slice(0, slackLimits.suggestedPrompts),
        ...(title ? { title } : {}),
      });
    } catch (error) {
      throw slackApiError("assistant.threads.setSuggestedPrompts", error);
    }
  }
}
