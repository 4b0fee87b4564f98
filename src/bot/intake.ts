import { textCard } from "../core/card.ts";
import type { IncomingMessage, MessageHandler, ReplyAddress, Responder } from "../core/chat.ts";
import { toDaybookError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import type { EnqueueResult, JobInput, WorkQueue } from "../core/work-queue.ts";

/** What the intake needs from a rate limiter (src/queue/rate-limit.ts). */
export interface Limiter {
  consume(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }>;
}

export interface IntakeOptions {
  /** The durable queue of turns (Redis Stream), or the memory queue without Redis. */
  queue: WorkQueue;
  /**
   * Used while `queue` cannot be reached (Redis down): the turn is still answered by this
   * process, only not durably. The workers of this process read both.
   */
  fallback?: WorkQueue;
  /** Per asker and per channel: a burst from one person or one channel must not start a model call each. */
  perUser?: Limiter;
  perChannel?: Limiter;
  /** Runs a turn inline: responders without an address (the console) are not queued. */
  handle: MessageHandler;
  logger: Logger;
  /** Keeps a notice sent after the HTTP answer alive until it is delivered (shutdown waits). */
  track: (work: Promise<unknown>) => void;
}

export const TURN_JOB = "turn";

/** What a queued turn carries: the message and where to answer it. */
export interface TurnPayload extends Record<string, unknown> {
  message: IncomingMessage;
  address: ReplyAddress;
}

export const busyNotice =
  "I'm getting more questions than I can answer right now, so I didn't take this one. Please ask again in a minute.";

export function tooFastNotice(retryAfterMs: number, who: "you" | "this channel"): string {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return who === "you"
    ? `You're asking faster than I can answer well, so I didn't take this one. Ask again in ${seconds} s.`
    : `This channel is asking faster than I can answer, so I didn't take this one. Ask again in ${seconds} s.`;
}

/**
 * The adapters' MessageHandler in the server: limits, then a durable hand-off to the work
 * queue (ARCHITECTURE.md, decision 7). It returns once the turn is queued, so the platform
 * is answered without waiting for the work; a worker answers the turn. Every message gets a
 * reply or one short notice, never silence.
 */
export function createIntake(options: IntakeOptions): MessageHandler {
  const log = options.logger.child({ component: "intake" });

  const notice = (responder: Responder, text: string) => {
    options.track(
      responder
        .reply(textCard(text))
        .catch((error: unknown) => log.warn("could not deliver a notice", { error: toDaybookError(error) })),
    );
  };

  const enqueue = async (job: JobInput): Promise<EnqueueResult> => {
    try {
      return await options.queue.enqueue(job);
    } catch (error) {
      if (!options.fallback) throw error;
      log.warn("work queue unavailable; this turn is queued in memory", { error: toDaybookError(error) });
      return options.fallback.enqueue(job);
    }
  };

  return async (message, responder) => {
    const address = responder.address;
    if (!address) return options.handle(message, responder);

    const refused = await limitRefusal(options, message).catch((error: unknown) => {
      log.warn("rate limiter unavailable; taking the turn", { error: toDaybookError(error) });
      return undefined;
    });
    if (refused) {
      log.info("turn refused by a rate limit", { platform: message.thread.platform, limit: refused.limit });
      notice(responder, refused.text);
      return;
    }

    const payload: TurnPayload = { message, address };
    const result = await enqueue({
      kind: TURN_JOB,
      payload,
      ...(message.messageId ? { key: turnKey(message) } : {}),
    });
    if (result.status === "full") {
      log.warn("work queue is full; turn refused", { depth: result.depth });
      notice(responder, busyNotice);
    }
  };
}

/** One turn per platform message: a second delivery of the same message is not queued twice. */
export function turnKey(message: IncomingMessage): string {
  const { platform, workspace, channel } = message.thread;
  return [platform, workspace, channel, message.messageId ?? ""].map(encodeURIComponent).join(":");
}

async function limitRefusal(
  options: IntakeOptions,
  message: IncomingMessage,
): Promise<{ limit: "user" | "channel"; text: string } | undefined> {
  const { platform, workspace, channel } = message.thread;
  if (options.perUser) {
    const verdict = await options.perUser.consume(`${platform}:${message.user.id}`);
    if (!verdict.allowed) return { limit: "user", text: tooFastNotice(verdict.retryAfterMs, "you") };
  }
  if (options.perChannel) {
    const verdict = await options.perChannel.consume(`${platform}:${workspace}:${channel}`);
    if (!verdict.allowed) return { limit: "channel", text: tooFastNotice(verdict.retryAfterMs, "this channel") };
  }
  return undefined;
}
