import { textCard } from "../core/card.ts";
import type { ChatAdapter, MessageHandler, MessageRef, ReplyAddress, Responder } from "../core/chat.ts";
import { toDaybookError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import type { Store } from "../core/store.ts";
import type { Platform } from "../core/thread.ts";
import { inPlatformSpan } from "../core/tracing.ts";
import type { Job, JobHandler } from "../core/work-queue.ts";
import { type Limiter, limitRefusal, type NoticePayload, type TurnPayload } from "./intake.ts";

/**
 * Where a test stops a worker as if its process died (the promise never settles and the
 * test abandons the consumer): after the post was claimed, and after Slack took the post.
 */
export interface CrashPoints {
  afterClaim?: () => Promise<void>;
  afterPost?: () => Promise<void>;
}

export interface TurnWorkerOptions {
  adapters: Partial<Record<Platform, ChatAdapter>>;
  /** Bot.handle: answers the turn and replies (errors become a short reply with a trace id). */
  handle: MessageHandler;
  store: Store;
  logger: Logger;
  /** Per asker and per channel: checked when a turn is first taken, before any model call. */
  perUser?: Limiter | undefined;
  perChannel?: Limiter | undefined;
  crashPoints?: CrashPoints;
}

/** How long a turn's post state is remembered, so a redelivered turn is not answered twice. */
const answeredTtlMs = 60 * 60 * 1000;
/** Tries at a thread search (ChatAdapter.findTagged) before a turn is answered again anyway. */
const searchAttempts = 3;

export function answeredKey(job: Job): string {
  return `turn:answered:${job.key ?? job.id}`;
}

/**
 * The post state of a turn, in `turn:answered:<key>`: `posting:<entry>:<delivery>` is
 * written before the reply goes to the platform, `posted:<message id>` once it returned.
 */
type PostState = { kind: "none" } | { kind: "posting"; raw: string } | { kind: "posted"; messageId: string };

function readState(raw: string | undefined): PostState {
  if (raw === undefined) return { kind: "none" };
  if (raw.startsWith("posted:")) return { kind: "posted", messageId: raw.slice("posted:".length) };
  // "1" is what an earlier version wrote after a post.
  if (raw === "1") return { kind: "posted", messageId: "" };
  return { kind: "posting", raw };
}

/**
 * Runs a queued turn in whichever process took it: rebuilds the responder from the stored
 * address and lets the bot answer. The first reply of a turn is posted at most once across
 * deliveries (a delivery is repeated when its worker died before acknowledging):
 *   1. before posting, the turn is claimed (`posting`, set-if-absent); the post carries the
 *      turn's key as a tag (Slack message metadata);
 *   2. after the post, the turn is marked `posted`.
 * A later delivery skips a `posted` turn. A `posting` one means the earlier worker died
 * between the claim and the mark, with the post made or not: the thread is searched for the
 * tagged post (ChatAdapter.findTagged) and the turn is answered only if it is not there. A
 * platform that cannot search answers again (a possible second reply beats a lost one).
 * Rate limits are checked here, on the first delivery, so the ack path never waits on them;
 * a refused turn gets one "too fast" notice through the same once-only reply.
 */
export function createTurnWorker(options: TurnWorkerOptions): JobHandler {
  const log = options.logger.child({ component: "turn-worker" });
  const crash = options.crashPoints ?? {};

  return async (job) => {
    const { message, address } = job.payload as TurnPayload;
    const adapter = options.adapters[address.platform];
    if (!adapter?.responderFor) {
      // A web replica configured with a platform this worker lacks: nothing here can answer.
      log.error("no adapter can answer a queued turn; dropping it", { platform: address.platform, jobId: job.id });
      return;
    }
    const responder = await onceResponder({ job, adapter, address, store: options.store, log, crash });
    if (!responder) return;
    if (job.deliveries === 1) {
      const refused = await limitRefusal(options, message).catch((error: unknown) => {
        log.warn("rate limiter unavailable; taking the turn", { error: toDaybookError(error) });
        return undefined;
      });
      if (refused) {
        log.info("turn refused by a rate limit", { platform: message.thread.platform, limit: refused.limit });
        await responder.reply(textCard(refused.text));
        return;
      }
    }
    await options.handle(message, responder);
  };
}

/**
 * The job's responder whose first reply is posted at most once across the job's deliveries
 * (see createTurnWorker); undefined when an earlier delivery already posted it.
 */
async function onceResponder(o: {
  job: Job;
  adapter: ChatAdapter;
  address: ReplyAddress;
  store: Store;
  log: Logger;
  crash: CrashPoints;
}): Promise<Responder | undefined> {
  const { job, adapter, address, store, log, crash } = o;
  const marker = answeredKey(job);
  const tag = job.key ?? job.id;
  // A store outage reads as "not answered yet": answering again beats staying silent.
  const state = readState(await store.get(marker).catch(() => undefined));
  if (state.kind === "posted") {
    log.info("queued job was already answered; not answering again", { jobId: job.id, kind: job.kind });
    return undefined;
  }
  if (state.kind === "posting") {
    const found = await findEarlierPost(adapter, address, tag, log, job.id);
    if (found) {
      await store.set(marker, `posted:${found.messageId}`, { ttlMs: answeredTtlMs }).catch(() => {});
      log.info("queued job was answered before its worker died; not answering again", {
        jobId: job.id,
        kind: job.kind,
      });
      return undefined;
    }
    // Not posted: free the dead worker's claim so this delivery can claim the post.
    await store.deleteIfEquals(marker, state.raw).catch(() => false);
  }

  // Callers have checked that the adapter can rebuild a responder.
  const inner = adapter.responderFor?.(address, { tag });
  if (!inner) return undefined;
  const markPosted = (messageId: string) =>
    store
      .set(marker, `posted:${messageId}`, { ttlMs: answeredTtlMs })
      .catch((error: unknown) => log.warn("could not mark a turn answered", { jobId: job.id, error }));
  // "first": nothing posted yet; "unsure": a post failed after it may have reached the
  // platform (a timeout, a dropped connection); "posted": the answer is in the thread;
  // "other": another live delivery claimed it, so this one posts nothing.
  let slot: "first" | "unsure" | "posted" | "other" = "first";
  return {
    ...inner,
    reply: async (card) => {
      if (slot === "posted") return inPlatformSpan(address.platform, "post", () => inner.reply(card));
      if (slot === "other") return { thread: address.thread, messageId: "" };
      if (slot === "unsure") {
        // The bot's error reply after a failed post: if the post got through after all, the
        // job is answered and the error reply would be a second one.
        const found = await findEarlierPost(adapter, address, tag, log, job.id);
        if (found) {
          slot = "posted";
          await markPosted(found.messageId);
          return found;
        }
      } else {
        const claim = `posting:${job.id}:${job.deliveries}`;
        const claimed = await store.setIfAbsent(marker, claim, { ttlMs: answeredTtlMs }).catch(() => true);
        if (!claimed) {
          // Another live delivery of this job (its worker was presumed dead) claimed it first.
          const other = readState(await store.get(marker).catch(() => undefined));
          log.warn("another worker is answering this job; not posting", { jobId: job.id, kind: job.kind });
          slot = "other";
          return { thread: address.thread, messageId: other.kind === "posted" ? other.messageId : "" };
        }
        await crash.afterClaim?.();
      }
      let ref: MessageRef;
      try {
        ref = await inPlatformSpan(address.platform, "post", () => inner.reply(card));
      } catch (error) {
        slot = "unsure";
        throw error;
      }
      slot = "posted";
      await crash.afterPost?.();
      await markPosted(ref.messageId);
      return ref;
    },
  };
}

async function findEarlierPost(
  adapter: ChatAdapter,
  address: TurnPayload["address"],
  tag: string,
  log: Logger,
  jobId: string,
): Promise<MessageRef | undefined> {
  if (!adapter.findTagged) {
    log.warn("cannot tell whether a turn was answered before its worker died; answering it", { jobId });
    return undefined;
  }
  // A slow or briefly failing platform is asked again before the turn is answered a second time.
  for (let attempt = 1; ; attempt++) {
    try {
      return await adapter.findTagged(address, tag);
    } catch (error) {
      if (attempt < searchAttempts) {
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
        continue;
      }
      log.warn("could not search the thread for an earlier answer; answering the turn", {
        jobId,
        error: toDaybookError(error),
      });
      return undefined;
    }
  }
}

/** Posts a queued notice (the turns queue was full when the message came in), once, as a turn's reply. */
export function createNoticeWorker(options: {
  adapters: Partial<Record<Platform, ChatAdapter>>;
  store: Store;
  logger: Logger;
}): JobHandler {
  const log = options.logger.child({ component: "notice-worker" });
  return async (job) => {
    const { address, text } = job.payload as NoticePayload;
    const adapter = options.adapters[address.platform];
    if (!adapter?.responderFor) {
      log.error("no adapter can post a queued notice; dropping it", { platform: address.platform, jobId: job.id });
      return;
    }
    const responder = await onceResponder({ job, adapter, address, store: options.store, log, crash: {} });
    await responder?.reply(textCard(text));
  };
}
