import { type WebClient, ErrorCode as WebErrorCode } from "@slack/web-api";
import type { Card } from "../../src/core/card.ts";
import type {
  ChatAdapter,
  ChatUser,
  DeliveryReceipt,
  MessageRef,
  ReplyAddress,
  Responder,
} from "../../src/core/chat.ts";
import type { Clock } from "../../src/core/clock.ts";
import { systemClock } from "../../src/core/clock.ts";
import { DaybookError } from "../../src/core/errors.ts";
import type { ThreadRef } from "../../src/core/thread.ts";
import { renderCard } from "./format/block-kit.ts";
import { slackLimits, truncate } from "./format/limits.ts";
import { toMrkdwn } from "./format/markdown.ts";

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

export interface SlackChatAdapterOptions {
  client: WebClient;
  clock?: Clock;
}

/**
 * ChatAdapter over the Slack Web API. Rate limits (429 + Retry-After) are retried by the
 * WebClient itself (see web-client.ts for why only those and unsent requests are retried).
 */
export class SlackChatAdapter implements ChatAdapter {
  readonly platform = "slack" as const;
  readonly client: WebClient;
  readonly #clock: Clock;

  constructor(options: SlackChatAdapterOptions) {
    this.client = options.client;
    this.#clock = options.clock ?? systemClock;
  }

  async post(thread: ThreadRef, card: Card): Promise<DeliveryReceipt> {
    const message = renderCard(card);
    try {
      const res = await this.client.chat.postMessage({
        channel: thread.channel,
        ...(thread.thread ? { thread_ts: thread.thread } : {}),
        text: message.text,
        // An empty blocks array is not a valid layout; a text-only message needs none.
        ...(message.blocks.length > 0 ? { blocks: message.blocks } : {}),
        unfurl_links: false,
        unfurl_media: false,
      });
      if (!res.ts) throw new DaybookError("upstream_error", "slack chat.postMessage: no ts in the response");
      return { platform: "slack", thread, messageId: res.ts, postedAt: this.#clock.now() };
    } catch (error) {
      throw error instanceof DaybookError ? error : slackApiError("chat.postMessage", error);
    }
  }

  async update(message: MessageRef, card: Card): Promise<void> {
    const rendered = renderCard(card);
    try {
      await this.client.chat.update({
        channel: message.thread.channel,
        ts: message.messageId,
        text: rendered.text,
        blocks: rendered.blocks,
      });
    } catch (error) {
      throw slackApiError("chat.update", error);
    }
  }

  async notify(thread: ThreadRef, user: ChatUser, text: string): Promise<void> {
    try {
      await this.client.chat.postEphemeral({
        channel: thread.channel,
        user: user.id,
        ...(thread.thread ? { thread_ts: thread.thread } : {}),
        text: truncate(toMrkdwn(text), slackLimits.sectionText),
      });
    } catch (error) {
      throw slackApiError("chat.postEphemeral", error);
    }
  }

  /**
   * The Responder for a turn, from its address (also after a queue hand-off to another
   * process). `via.thinking` shows the assistant-thread status while working; an address
   * with no thread and a `via.responseUrl` (a slash command where daybook may not post)
   * answers privately through the command's response_url
   * (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses).
   */
  responderFor(address: ReplyAddress): Responder {
    const { thread } = address;
    const responseUrl = typeof address.via?.responseUrl === "string" ? address.via.responseUrl : undefined;
    if (thread.thread === "" && responseUrl) {
      return {
        address,
        reply: async (card) => {
          await this.respondPrivately(responseUrl, card);
          return { thread, messageId: "" };
        },
      };
    }
    const responder: Responder = {
      address,
      reply: async (card) => {
        const receipt = await this.post(thread, card);
        return { thread: receipt.thread, messageId: receipt.messageId };
      },
    };
    if (address.via?.thinking === true) {
      // Best effort: outside an assistant thread Slack answers with an error, which is harmless.
      return { ...responder, typing: () => this.setStatus(thread, "is thinking...").catch(() => {}) };
    }
    return responder;
  }

  /** An ephemeral answer through a slash command's response_url (valid 30 minutes, 5 uses). */
  async respondPrivately(responseUrl: string, card: Card): Promise<void> {
    const message = renderCard(card);
    let res: Response;
    try {
      res = await fetch(responseUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ response_type: "ephemeral", text: message.text, blocks: message.blocks }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new DaybookError("upstream_unavailable", "slack response_url: request failed", { cause: error });
    }
    if (!res.ok) throw new DaybookError("upstream_error", `slack response_url: HTTP ${res.status}`);
  }

  /** Assistant-thread status line ("is thinking..."); Slack clears it when the reply posts. */
  async setStatus(thread: ThreadRef, status: string): Promise<void> {
    try {
      await this.client.assistant.threads.setStatus({ channel_id: thread.channel, thread_ts: thread.thread, status });
    } catch (error) {
      throw slackApiError("assistant.threads.setStatus", error);
    }
  }

  async setSuggestedPrompts(
    channelId: string,
    threadTs: string,
    prompts: { title: string; message: string }[],
    title?: string,
  ): Promise<void> {
    try {
      await this.client.assistant.threads.setSuggestedPrompts({
        channel_id: channelId,
        thread_ts: threadTs,
        prompts: prompts.slice(0, slackLimits.suggestedPrompts),
        ...(title ? { title } : {}),
      });
    } catch (error) {
      throw slackApiError("assistant.threads.setSuggestedPrompts", error);
    }
  }
}
