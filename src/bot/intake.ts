import { LRUCache } from "lru-cache";
import { textCard } from "../core/card.ts";
import type { IncomingMessage, MessageHandler, ReplyAddress, Responder } from "../core/chat.ts";
import { toDaybookError } from "../core/errors.ts";
import { LogGate } from "../core/log-gate.ts";
import type { Logger } from "../core/logger.ts";
import type { EnqueueResult, JobInput, WorkQueue } from "../core/work-queue.ts";

/** What the turn worker needs from a rate limiter (src/queue/rate-limit.ts). */
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
  /**
   * Where a busy notice goes when `queue` is full: a worker posts it, so the process taking
   * HTTP traffic makes no Web API call for it. Without one (or if it refuses), this process
   * posts the notice itself, after the platform has its answer.
   */
  notices?: WorkQueue;
  /** Runs a turn inline: responders without an address (the console) are not queued. */
  handle: MessageHandler;
  logger: Logger;
  /** Keeps a notice sent after the HTTP answer alive until it is delivered (shutdown waits). */
  track: (work: Promise<unknown>) => void;
}

export const TURN_JOB = "turn";
export const NOTICE_JOB = "notice";

/** What a queued turn carries: the message and where to answer it. */
export interface TurnPayload extends Record<string, unknown> {
  message: IncomingMessage;
  address: ReplyAddress;
}

/** A one-line notice for a worker to post (the queue was full). */
export interface NoticePayload extends Record<string, unknown> {
  address: ReplyAddress;
  text: string;
}

/**
 * How long a queued message's key keeps refusing a second copy after its turn was answered.
 * Slack retries a delivery up to three times within about 5 minutes
 * (https://docs.slack.dev/apis/events-api/#retries); an hour covers that with room.
 */
export const turnRememberMs = 60 * 60 * 1000;

export const busyNotice =
  "I'm getting more questions than I can answer right now, so I didn't take this one. Please ask again in a minute.";

export function tooFastNotice(retryAfterMs: number, who: "you" | "this channel"): string {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return who === "you"
    ? `You're asking faster than I can answer well, so I didn't take this one. Ask again in ${seconds} s.`
    : `This channel is asking faster than I can answer, so I didn't take this one. Ask again in ${seconds} s.`;
}

/**
 * The adapters' MessageHandler in the server: a durable hand-off to the work queue
 * (ARCHITECTURE.md, decision 7). It returns once the turn is queued, so the platform is
 * answered without waiting for the work; a worker answers the turn. The hand-off is one Redis
 * round trip (the enqueue script): the same script refuses a second copy of the message
 * (its turn key, kept for `turnRememberMs` after the answer), so a redelivery is dropped
 * exactly when an earlier copy is durably queued, never on a mark that got ahead of a hand-off
 * which then died. Rate limits are the worker's (src/bot/turn-worker.ts), so nothing else
 * waits on Redis or on the platform's Web API before the ack. Every message gets a reply or
 * one short notice, never silence.
 */
export function createIntake(options: IntakeOptions): MessageHandler {
  const log = options.logger.child({ component: "intake" });
  // Keys queued in memory while Redis was unreachable: a redelivery that arrives after Redis
  // is back is still a duplicate here (the stream never saw the key).
  const queuedInMemory = new LRUCache<string, true>({ max: 10_000, ttl: turnRememberMs });

  const post = (responder: Responder, text: string) => {
    options.track(
      responder
        .reply(textCard(text))
        .catch((error: unknown) => log.warn("could not deliver a notice", { error: toDaybookError(error) })),
    );
  };

  // Keyed by the message, so a worker that dies mid-post does not post it twice, and a
  // redelivery of the message is not told twice.
  const noticeJob = (address: ReplyAddress, key: string | undefined): JobInput => {
    const payload: NoticePayload = { address, text: busyNotice };
    return { kind: NOTICE_JOB, payload, ...(key ? { key: `${key}:busy`, rememberMs: turnRememberMs } : {}) };
  };

  // The notice is queued before the platform's 200, so the 200 means it is durable too (a
  // process killed right after the ack would otherwise lose it). Usually the turns queue
  // already did that in the enqueue's own round trip (`overflow`); otherwise (memory queue,
  // Redis Cluster) this is a second one, made only when full. Refused or unreachable: post here.
  const busy = async (responder: Responder, notice: JobInput, overflow: EnqueueResult | undefined) => {
    const notices = options.notices;
    if (!notices) return post(responder, busyNotice);
    const result = overflow ?? (await notices.enqueue(notice).catch(() => ({ status: "full" as const })));
    if (result.status === "full") post(responder, busyNotice);
  };

  // One line per window, with the count of the refusals it stands for: in a burst every other
  // request may be refused, and a line each would cost the thread that answers Slack.
  const refusals = new LogGate({ windowMs: 10_000 });

  const enqueue = async (job: JobInput): Promise<EnqueueResult> => {
    if (job.key !== undefined && queuedInMemory.has(job.key)) return { status: "duplicate" };
    try {
      return await options.queue.enqueue(job);
    } catch (error) {
      if (!options.fallback) throw error;
      log.warn("work queue unavailable; this turn is queued in memory", { error: toDaybookError(error) });
      const result = await options.fallback.enqueue(job);
      if (result.status === "queued" && job.key !== undefined) queuedInMemory.set(job.key, true);
      return result;
    }
  };

  return async (message, responder) => {
    const address = responder.address;
    if (!address) return options.handle(message, responder);

    const payload: TurnPayload = { message, address };
    const key = message.messageId ? turnKey(message) : undefined;
    const notice = noticeJob(address, key);
    const result = await enqueue({
      kind: TURN_JOB,
      payload,
      ...(key ? { key, rememberMs: turnRememberMs } : {}),
      ...(options.notices ? { overflow: notice } : {}),
    });
    if (result.status === "duplicate") {
      log.debug("message already queued or answered; not queued again", { platform: message.thread.platform });
    } else if (result.status === "full") {
      refusals.write(log, "warn", "work queue is full; turn refused", "queue_full", { depth: result.depth });
      await busy(responder, notice, result.overflow);
    }
  };
}

/** One turn per platform message: a second delivery of the same message is not queued twice. */
export function turnKey(message: IncomingMessage): string {
  const { platform, workspace, channel } = message.thread;
  return [platform, workspace, channel, message.messageId ?? ""].map(encodeURIComponent).join(":");
}

/** Per asker, then per channel: a burst from one person or one channel must not start a model call each. */
export async function limitRefusal(
  limits: { perUser?: Limiter | undefined; perChannel?: Limiter | undefined },
  message: IncomingMessage,
): Promise<{ limit: "user" | "channel"; text: string } | undefined> {
  const { platform, workspace, channel } = message.thread;
  if (limits.perUser) {
    const verdict = await limits.perUser.consume(`${platform}:${message.user.id}`);
    if (!verdict.allowed) return { limit: "user", text: tooFastNotice(verdict.retryAfterMs, "you") };
  }
  if (limits.perChannel) {
    const verdict = await limits.perChannel.consume(`${platform}:${workspace}:${channel}`);
    if (!verdict.allowed) return { limit: "channel", text: tooFastNotice(verdict.retryAfterMs, "this channel") };
  }
  return undefined;
}
