import { AsyncLocalStorage } from "node:async_hooks";
import { type App, ErrorCode, type ReceiverEvent } from "@slack/bolt";
import type { Clock } from "../../src/core/clock.ts";
import { LogGate } from "../../src/core/log-gate.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { EventDedup } from "./event-dedup.ts";
import { checkSocketModeShape } from "./webhook/shapes.ts";

export interface SocketModeIntakeOptions {
  dedup: EventDedup;
  /** The handler's enqueue refuses a second copy of a message (the work-queue intake). */
  handOffDeduplicates: boolean;
  logger: Logger;
  clock: Clock;
  /** Ack an event whose listeners are still running after this long; Slack's deadline is 3 s. */
  ackTimeoutMs?: number;
}

interface Delivery {
  failed: boolean;
}

/**
 * What HonoReceiver does for HTTP, for envelopes that SocketModeReceiver hands to Bolt.
 *
 * Shape: Socket Mode payloads skip the HTTP receiver's check (webhook/shapes.ts), so it runs
 * here: a malformed one is acked and dropped instead of throwing inside processEvent.
 *
 * Ack after the hand-off (ARCHITECTURE.md, decision 7): Bolt acks an Events API envelope before
 * any middleware or listener runs (App.processEvent), so a process that died between that ack
 * and the enqueue lost the event, and Slack redelivers only unacked envelopes
 * (https://api.slack.com/apis/socket-mode). With the work-queue intake, the ack is held until
 * the listeners return (the turn is queued), as the HTTP 200 is; a listener that failed leaves
 * the envelope unacked so Slack's redelivery is taken, and the intake's key refuses it if an
 * earlier copy was queued after all. Without it, the event id is marked on arrival instead.
 *
 * Returns the hook app.error calls, which tells a failed listener from a finished one.
 */
export function routeSocketModeEnvelopes(
  app: App,
  o: SocketModeIntakeOptions,
): { listenerFailed(error: unknown): void } {
  const deliveries = new AsyncLocalStorage<Delivery>();
  const processEvent = app.processEvent.bind(app);
  const rejections = new LogGate({ clock: o.clock });
  const ackTimeoutMs = o.ackTimeoutMs ?? 2_500;

  app.processEvent = async (event) => {
    const verdict = checkSocketModeShape(event.body);
    if (verdict.kind !== "dispatch") {
      if (verdict.kind === "reject")
        rejections.write(o.logger, "warn", "ignored a malformed Slack payload", verdict.reason);
      else o.logger.debug("ignored a Slack payload no listener handles", { reason: verdict.reason });
      await event.ack();
      return;
    }
    if (!o.handOffDeduplicates || (event.body as { type?: unknown }).type !== "event_callback") {
      return processEvent(event);
    }
    await handOffThenAck(event);
  };

  async function handOffThenAck(event: ReceiverEvent): Promise<void> {
    const delivery: Delivery = { failed: false };
    let held: { response: unknown } | undefined;
    let acked = false;
    const ack = async () => {
      if (acked || !held) return;
      acked = true;
      clearTimeout(timer);
      await event.ack(held.response);
    };
    // Like HonoReceiver's: work still running near Slack's deadline is acked, not redelivered.
    const timer = setTimeout(() => {
      o.logger.warn("no hand-off from a Slack listener in time; acking the envelope", { ackTimeoutMs });
      ack().catch(() => {});
    }, ackTimeoutMs);
    try {
      await deliveries.run(delivery, () =>
        processEvent({
          ...event,
          ack: async (response?: unknown) => {
            held = { response };
          },
        }),
      );
    } finally {
      clearTimeout(timer);
    }
    if (delivery.failed && !acked) {
      o.logger.warn("a Slack event was not handed off; leaving it unacked for Slack to redeliver");
      return;
    }
    await ack();
  }

  if (!o.handOffDeduplicates) {
    // Socket Mode redelivers unacked envelopes too; with no enqueue that refuses copies, the
    // event is marked when it arrives.
    app.use(async ({ body, next }) => {
      const eventId = (body as { event_id?: unknown }).event_id;
      if (typeof eventId === "string" && !(await o.dedup.markHandedOff(eventId))) return;
      await next();
    });
  }

  return {
    listenerFailed(error) {
      // Bolt acks an event it could not authorize (no installation) so Slack stops retrying it.
      if ((error as { code?: unknown }).code === ErrorCode.AuthorizationError) return;
      const delivery = deliveries.getStore();
      if (delivery) delivery.failed = true;
    },
  };
}
