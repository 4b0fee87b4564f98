import type { ChatAdapter, MessageHandler, Responder } from "../core/chat.ts";
import type { Logger } from "../core/logger.ts";
import type { Store } from "../core/store.ts";
import type { Platform } from "../core/thread.ts";
import type { Job, JobHandler } from "../core/work-queue.ts";
import type { TurnPayload } from "./intake.ts";

export interface TurnWorkerOptions {
  adapters: Partial<Record<Platform, ChatAdapter>>;
  /** Bot.handle: answers the turn and replies (errors become a short reply with a trace id). */
  handle: MessageHandler;
  store: Store;
  logger: Logger;
}

/** How long a delivered answer is remembered, so a redelivered turn is not answered twice. */
const answeredTtlMs = 60 * 60 * 1000;

export function answeredKey(job: Job): string {
  return `turn:answered:${job.key ?? job.id}`;
}

/**
 * Runs a queued turn in whichever process took it: rebuilds the responder from the stored
 * address and lets the bot answer. The answer is marked right after it is posted; a turn
 * delivered again (its first worker died before acknowledging) is skipped when it was
 * already answered, so a crash between the post and the acknowledgement does not answer twice.
 */
export function createTurnWorker(options: TurnWorkerOptions): JobHandler {
  const log = options.logger.child({ component: "turn-worker" });
  return async (job) => {
    const { message, address } = job.payload as TurnPayload;
    const adapter = options.adapters[address.platform];
    if (!adapter?.responderFor) {
      // A web replica configured with a platform this worker lacks: nothing here can answer.
      log.error("no adapter can answer a queued turn; dropping it", { platform: address.platform, jobId: job.id });
      return;
    }
    const marker = answeredKey(job);
    if (job.deliveries > 1 && (await options.store.get(marker).catch(() => undefined)) !== undefined) {
      log.info("queued turn was already answered; not answering again", { jobId: job.id });
      return;
    }
    const inner = adapter.responderFor(address);
    const responder: Responder = {
      ...inner,
      reply: async (card) => {
        const ref = await inner.reply(card);
        await options.store
          .set(marker, "1", { ttlMs: answeredTtlMs })
          .catch((error: unknown) => log.warn("could not mark a turn answered", { jobId: job.id, error }));
        return ref;
      },
    };
    await options.handle(message, responder);
  };
}
