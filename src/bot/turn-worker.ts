import { type Card, textCard } from "../core/card.ts";
import type { ChatAdapter, MessageHandler, MessageRef, ReplyAddress, Responder, TaggedPost } from "../core/chat.ts";
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
  /** After Slack took the placeholder and before the turn's state names it. */
  afterPlaceholder?: () => Promise<void>;
}

/** What a worker posts when it takes a turn whose address asked for a placeholder. */
export const placeholderText = "Working on it…";
/**
 * At most one draft update per placeholder this often: chat.update is Tier 3, about 50 a
 * minute per workspace (https://api.slack.com/methods/chat.update), so a second apart per
 * message keeps one streamed answer well inside it.
 */
export const draftEveryMs = 1_000;

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
 * written before the reply (or the placeholder) goes to the platform, `placeholder:<message
 * id>` once a placeholder is there, `posted:<message id>` once the answer is.
 */
type PostState =
  | { kind: "none" }
  | { kind: "posting"; raw: string }
  | { kind: "placeholder"; messageId: string }
  | { kind: "posted"; messageId: string };

function readState(raw: string | undefined): PostState {
  if (raw === undefined) return { kind: "none" };
  if (raw.startsWith("posted:")) return { kind: "posted", messageId: raw.slice("posted:".length) };
  if (raw.startsWith("placeholder:")) return { kind: "placeholder", messageId: raw.slice("placeholder:".length) };
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
 * Where the adapter's responder can post one (a Slack mention, DM or /daybook thread; a Teams 1:1
 * chat, where it is the stream's informative update), the claimed first post is a tagged
 * placeholder ("Working on it…"), posted as the worker takes the turn and recorded as
 * `placeholder:<id>` before the answer is worked out; the answer then replaces it (chat.update,
 * the stream's final message), so the thread ends with one message. A later delivery that finds
 * the placeholder still a placeholder answers into it; replacing it twice still leaves one.
 * Streamed drafts (`draft`, from a language model's tokens) edit it at most once per
 * `draftEveryMs`; private replies are once-only as well (oncePrivately).
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
    await responder.start?.();
    await options.handle(message, responder);
  };
}

/** A turn's responder; `start` posts the placeholder when the address asked for one. */
type OnceResponder = Responder & { start?: () => Promise<void> };

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
}): Promise<OnceResponder | undefined> {
  const { job, adapter, address, store, log, crash } = o;
  const marker = answeredKey(job);
  const tag = job.key ?? job.id;
  const markPosted = (messageId: string) =>
    store
      .set(marker, `posted:${messageId}`, { ttlMs: answeredTtlMs })
      .catch((error: unknown) => log.warn("could not mark a turn answered", { jobId: job.id, error }));
  // A store outage reads as "not answered yet": answering again beats staying silent.
  const state = readState(await store.get(marker).catch(() => undefined));
  if (state.kind === "posted") {
    log.info("queued job was already answered; not answering again", { jobId: job.id, kind: job.kind });
    return undefined;
  }
  // The placeholder an earlier delivery left for the answer to replace.
  let placeholder: MessageRef | undefined;
  if (state.kind === "posting" || state.kind === "placeholder") {
    const found = await findEarlierPost(adapter, address, tag, log, job.id);
    if (found && !found.placeholder) {
      await markPosted(found.messageId);
      log.info("queued job was answered before its worker died; not answering again", {
        jobId: job.id,
        kind: job.kind,
      });
      return undefined;
    }
    if (found) placeholder = { thread: found.thread, messageId: found.messageId };
    else if (state.kind === "placeholder") placeholder = { thread: address.thread, messageId: state.messageId };
    // Not posted: free the dead worker's claim so this delivery can claim the post.
    else await store.deleteIfEquals(marker, state.raw).catch(() => false);
    if (placeholder && state.kind === "posting") {
      await store.set(marker, `placeholder:${placeholder.messageId}`, { ttlMs: answeredTtlMs }).catch(() => {});
    }
  }

  // Callers have checked that the adapter can rebuild a responder.
  const inner = adapter.responderFor?.(address, { tag });
  if (!inner) return undefined;
  // "first": nothing posted yet; "placeholder": the placeholder is there, for the answer to
  // replace; "unsure": a post failed after it may have reached the platform (a timeout, a
  // dropped connection); "posted": the answer is in the thread; "other": another live
  // delivery claimed it, so this one posts nothing.
  let slot: "first" | "placeholder" | "unsure" | "posted" | "other" = placeholder ? "placeholder" : "first";
  let otherId = "";

  /** Claims the turn's first post; false when another live delivery holds it. */
  const claim = async (): Promise<boolean> => {
    const value = `posting:${job.id}:${job.deliveries}`;
    const claimed = await store.setIfAbsent(marker, value, { ttlMs: answeredTtlMs }).catch(() => true);
    if (!claimed) {
      // Another live delivery of this job (its worker was presumed dead) claimed it first.
      const other = readState(await store.get(marker).catch(() => undefined));
      log.warn("another worker is answering this job; not posting", { jobId: job.id, kind: job.kind });
      slot = "other";
      otherId = other.kind === "posted" ? other.messageId : "";
      return false;
    }
    await crash.afterClaim?.();
    return true;
  };

  // Draft updates and the answer's replacement of the placeholder run one after another, so a
  // late draft never overwrites the answer.
  let updates: Promise<unknown> = Promise.resolve();
  let drafting = true;
  let pendingDraft: string | undefined;
  let draftTimer: ReturnType<typeof setTimeout> | undefined;
  let lastDraftAt = 0;
  const flushDraft = () => {
    draftTimer = undefined;
    const text = pendingDraft;
    pendingDraft = undefined;
    if (!drafting || slot !== "placeholder" || !placeholder || !inner.replace || text === undefined) return;
    const target = placeholder;
    const replace = inner.replace;
    lastDraftAt = Date.now();
    updates = updates
      // The text as streamed so far: the adapter marks it as unfinished its own way (Teams needs
      // each streamed text to start with the one before, so no trailing mark is added here).
      .then(() => inPlatformSpan(address.platform, "update", () => replace(target, textCard(text), { draft: true })))
      .catch((error: unknown) => log.debug("a draft update failed", { jobId: job.id, error: toDaybookError(error) }));
  };

  const replacePlaceholder = async (target: MessageRef, card: Card): Promise<MessageRef> => {
    const replace = inner.replace;
    if (!replace) return inner.reply(card);
    await updates;
    let ref: MessageRef;
    try {
      ref = await inPlatformSpan(address.platform, "post", () => replace(target, card));
    } catch (error) {
      slot = "unsure";
      throw error;
    }
    slot = "posted";
    await crash.afterPost?.();
    await markPosted(ref.messageId);
    return ref;
  };

  return {
    ...inner,
    ...(inner.replyPrivately ? { replyPrivately: oncePrivately(inner.replyPrivately, { job, tag, store, log }) } : {}),
    start: async () => {
      if (slot !== "first" || !inner.placeholder || !inner.replace) return;
      if (!(await claim())) return;
      const post = inner.placeholder;
      try {
        placeholder = await inPlatformSpan(address.platform, "post", () => post(placeholderText));
      } catch (error) {
        // It may be in the thread after all: the answer looks for it before posting.
        slot = "unsure";
        log.warn("could not post a turn's placeholder", { jobId: job.id, error: toDaybookError(error) });
        return;
      }
      slot = "placeholder";
      await crash.afterPlaceholder?.();
      await store
        .set(marker, `placeholder:${placeholder.messageId}`, { ttlMs: answeredTtlMs })
        .catch((error: unknown) => log.warn("could not record a turn's placeholder", { jobId: job.id, error }));
    },
    draft: (text) => {
      if (!drafting || slot !== "placeholder" || !inner.replace) return;
      pendingDraft = text;
      if (draftTimer) return;
      draftTimer = setTimeout(flushDraft, Math.max(0, lastDraftAt + draftEveryMs - Date.now()));
      draftTimer.unref?.();
    },
    reply: async (card) => {
      drafting = false;
      if (draftTimer) clearTimeout(draftTimer);
      draftTimer = undefined;
      if (slot === "posted") return inPlatformSpan(address.platform, "post", () => inner.reply(card));
      if (slot === "other") return { thread: address.thread, messageId: otherId };
      if (slot === "placeholder" && placeholder) return replacePlaceholder(placeholder, card);
      if (slot === "unsure") {
        // The bot's error reply after a failed post: if the post got through after all, the
        // job is answered and the error reply would be a second one.
        const found = await findEarlierPost(adapter, address, tag, log, job.id);
        if (found?.placeholder) {
          placeholder = { thread: found.thread, messageId: found.messageId };
          slot = "placeholder";
          return replacePlaceholder(placeholder, card);
        }
        if (found) {
          slot = "posted";
          await markPosted(found.messageId);
          return found;
        }
      } else if (!(await claim())) {
        return { thread: address.thread, messageId: otherId };
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

/** How a turn's private deliveries are recorded: `turn:private:<key>:<n>`, n counting within the turn. */
export function privateKey(tag: string, n: number): string {
  return `turn:private:${tag}:${n}`;
}

/**
 * The turn's private deliveries (a DM with an answer or an approval card the thread may not
 * see) under the once-only protocol too: the n-th private delivery of a turn is claimed
 * (`posting:<entry>:<delivery>`) before it goes out and recorded (`posted:<ref as JSON>`) once
 * the platform took it, so a redelivered turn that reaches it again returns the recorded ref
 * instead of a second DM. A claim left by a dead worker means the DM may or may not be there; a
 * DM cannot be searched for its tag, so it is sent again (a possible second DM beats a lost
 * answer). A turn answers the same way on each delivery (same question, same thread), so the
 * n-th private delivery of a redelivery is the n-th of the first one.
 */
function oncePrivately(
  send: NonNullable<Responder["replyPrivately"]>,
  o: { job: Job; tag: string; store: Store; log: Logger },
): NonNullable<Responder["replyPrivately"]> {
  const { job, tag, store, log } = o;
  let n = 0;
  return async (user, card) => {
    const key = privateKey(tag, ++n);
    const raw = await store.get(key).catch(() => undefined);
    if (raw?.startsWith("posted:")) {
      try {
        const ref = JSON.parse(raw.slice("posted:".length)) as MessageRef;
        log.info("a private reply of this turn was already delivered; not sending it again", { jobId: job.id });
        return ref;
      } catch {
        // Unreadable record: deliver again rather than report a ref that is not there.
      }
    }
    await store.set(key, `posting:${job.id}:${job.deliveries}`, { ttlMs: answeredTtlMs }).catch(() => {});
    const ref = await send(user, card);
    await store
      .set(key, `posted:${JSON.stringify(ref)}`, { ttlMs: answeredTtlMs })
      .catch((error: unknown) => log.warn("could not record a private reply", { jobId: job.id, error }));
    return ref;
  };
}

async function findEarlierPost(
  adapter: ChatAdapter,
  address: TurnPayload["address"],
  tag: string,
  log: Logger,
  jobId: string,
): Promise<TaggedPost | undefined> {
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
