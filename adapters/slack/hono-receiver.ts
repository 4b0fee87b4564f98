import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import type { Clock } from "../../src/core/clock.ts";
import { systemClock } from "../../src/core/clock.ts";
import { DaybookError, toDaybookError } from "../../src/core/errors.ts";
import type { HttpRoute, RequestContext } from "../../src/core/http.ts";
import { LogGate } from "../../src/core/log-gate.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { EventDedup } from "./event-dedup.ts";
import { MalformedSlackRequest, type ParsedSlackRequest, parseSlackRequest } from "./webhook/parse.ts";
import { checkSlackShape } from "./webhook/shapes.ts";
import { verifySlackSignature } from "./webhook/verify.ts";

export interface HonoReceiverOptions {
  /** Undefined only with `skipVerify` (local development; refused in production by app.ts). */
  signingSecret: string | undefined;
  skipVerify: boolean;
  /**
   * Marks each Events API event_id at the hand-off and drops a second delivery. Absent when
   * the listeners' hand-off deduplicates itself (the work queue's enqueue refuses a second
   * copy of a message in the same atomic step that queues it): then nothing is marked here,
   * because a mark written before a hand-off that then died (kill -9 between the two) would
   * drop Slack's retry of an event nobody will answer.
   */
  dedup?: EventDedup | undefined;
  logger: Logger;
  clock?: Clock;
  /**
   * Slack waits 3 seconds for the HTTP response; answer 200 a little before that even when a
   * listener has not called ack(), so Slack does not retry work that is already running.
   */
  ackTimeoutMs?: number;
}

const errorResponse = (status: number, code: string, message: string): Response =>
  Response.json({ error: { code, message } }, { status });

/** Bolt's ack() argument -> the HTTP response Slack expects (empty 200, text, or JSON). */
function ackResponse(body: unknown): Response {
  if (body === undefined || body === null || body === "") return new Response(null, { status: 200 });
  if (typeof body === "string") return new Response(body, { status: 200, headers: { "content-type": "text/plain" } });
  return Response.json(body, { status: 200 });
}

/**
 * A Bolt `Receiver` whose transport is our Hono server (bolt-js's Receiver interface:
 * https://docs.slack.dev/tools/bolt-js/concepts/receiver). Verifies the signature over the raw
 * bytes before parsing, deduplicates Events API deliveries, hands the body to
 * `app.processEvent`, and answers Slack as soon as Bolt acks; listener work continues under
 * `context.waitUntil` so shutdown can drain it.
 */
export class HonoReceiver implements Receiver {
  readonly #o: HonoReceiverOptions;
  readonly #clock: Clock;
  /** Rejections anyone can cause (unsigned junk, malformed payloads): a few lines per reason a minute. */
  readonly #rejections: LogGate;
  #app: App | undefined;

  constructor(options: HonoReceiverOptions) {
    if (!options.signingSecret && !options.skipVerify) {
      throw new DaybookError("config_invalid", "the Slack receiver needs a signing secret");
    }
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#rejections = new LogGate({ clock: this.#clock });
  }

  init(app: App): void {
    this.#app = app;
  }

  // The transport is the Hono server, which main.ts starts and stops.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  readonly route: HttpRoute = {
    method: "POST",
    path: "/slack/events",
    handle: (request, context) => this.handle(request, context),
  };

  async handle(request: Request, context: RequestContext): Promise<Response> {
    const rawBody = await request.text();
    if (!this.#o.skipVerify) {
      const verified = verifySlackSignature({
        signingSecret: this.#o.signingSecret ?? "",
        signature: request.headers.get("x-slack-signature"),
        timestamp: request.headers.get("x-slack-request-timestamp"),
        rawBody,
        nowMs: this.#clock.now(),
      });
      if (!verified.ok) {
        // Slack's unsigned SSL probe for slash command URLs must get a 200
        // (https://docs.slack.dev/interactivity/implementing-slash-commands). Only the bare
        // probe qualifies and nothing in it is processed, as in Bolt's HTTPReceiver.
        if (isSslCheck(rawBody, request.headers.get("content-type"))) return new Response(null, { status: 200 });
        this.#rejections.write(this.#o.logger, "warn", "rejected a Slack request", verified.reason);
        return errorResponse(401, "unauthorized", "Slack request signature could not be verified");
      }
    }

    let parsed: ParsedSlackRequest;
    try {
      parsed = parseSlackRequest(rawBody, request.headers.get("content-type"));
    } catch (error) {
      if (!(error instanceof MalformedSlackRequest)) throw error;
      this.#rejections.write(this.#o.logger, "warn", "rejected an unparseable Slack request", "unparseable");
      return errorResponse(400, "bad_request", error.message);
    }

    // Signed but not something Bolt can take safely, or nothing daybook handles: 200 so Slack
    // does not retry, and nothing reaches Bolt (webhook/shapes.ts).
    const verdict = checkSlackShape(parsed);
    if (verdict.kind === "reject") {
      this.#rejections.write(this.#o.logger, "warn", "ignored a malformed Slack payload", verdict.reason);
      return new Response(null, { status: 200 });
    }
    if (verdict.kind === "ignore") {
      // Slack drops events while an app is over its limit: worth telling, once a minute.
      // https://docs.slack.dev/apis/events-api/#rate-limiting
      if (verdict.reason === "app_rate_limited") {
        this.#rejections.write(this.#o.logger, "warn", "Slack is rate-limiting event deliveries", verdict.reason);
        return new Response(null, { status: 200 });
      }
      this.#o.logger.debug("ignored a Slack payload no listener handles", { reason: verdict.reason });
      return new Response(null, { status: 200 });
    }

    switch (parsed.kind) {
      case "url_verification":
        return Response.json({ challenge: parsed.challenge });
      case "ssl_check":
        return new Response(null, { status: 200 });
      case "event":
        return this.#dispatch(parsed.body, request, context, parsed.eventId);
      default:
        return this.#dispatch(parsed.body, request, context, undefined);
    }
  }

  #dispatch(
    body: Record<string, unknown>,
    request: Request,
    context: RequestContext,
    eventId: string | undefined,
  ): Promise<Response> {
    const app = this.#app;
    if (!app) throw new DaybookError("internal", "Slack receiver used before Bolt called init()");
    const log = this.#o.logger;
    const { promise, resolve } = Promise.withResolvers<Response>();
    let answered = false;
    const answer = (response: Response) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      resolve(response);
    };
    const timer = setTimeout(() => {
      log.warn("no ack from a Slack listener in time; answering 200", { ackTimeoutMs: this.#o.ackTimeoutMs ?? 2_500 });
      answer(new Response(null, { status: 200 }));
    }, this.#o.ackTimeoutMs ?? 2_500);

    let acked = false;
    const ack = async (response?: unknown): Promise<void> => {
      if (acked) return;
      acked = true;
      if (eventId === undefined) {
        answer(ackResponse(response));
        return;
      }
      const dedup = this.#o.dedup;
      // The hand-off deduplicates: the 200 still waits for the listeners (the enqueue).
      if (!dedup) return;
      // Bolt acks an Events API event right before it runs the listeners: the hand-off, where
      // the id is marked. The 200 goes out when the listeners return (processEvent resolves
      // below), which is once the turn is in the work queue: a process that dies before the
      // enqueue sends no 200, and Slack's retry is processed. Bolt awaits ack() outside its
      // listener error handling, so throwing here keeps a duplicate from reaching the listeners.
      const marked = dedup.markHandedOff(eventId);
      // A store outage does not throw here: EventDedup falls back to this process's memory
      // (and logs it), so Slack's retries during the outage still get no second reply.
      const first = await marked;
      if (!first) {
        log.debug("duplicate Slack event ignored", { eventId, retryNum: request.headers.get("x-slack-retry-num") });
        throw new NotHandedOff();
      }
    };

    const retryHeader = request.headers.get("x-slack-retry-num");
    const retryReason = request.headers.get("x-slack-retry-reason");
    const event: ReceiverEvent = {
      body,
      ack,
      ...(retryHeader !== null && /^\d+$/.test(retryHeader) ? { retryNum: Number(retryHeader) } : {}),
      ...(retryReason ? { retryReason } : {}),
    };

    const work = app.processEvent(event).then(
      // Events: the listeners have handed the turn to the queue. Otherwise Bolt returned
      // without acking (no listener matched an action or command, or a body type it does not
      // route, such as app_rate_limited): nothing to retry, so 200.
      () => answer(new Response(null, { status: 200 })),
      (error: unknown) => {
        if (error instanceof NotHandedOff) {
          answer(new Response(null, { status: 200 }));
          return;
        }
        log.error("Slack event processing failed", { error: toDaybookError(error) });
        answer(errorResponse(500, "internal", "event processing failed"));
      },
    );
    context.waitUntil(work);
    return promise;
  }
}

function isSslCheck(rawBody: string, contentType: string | null): boolean {
  if (!contentType?.toLowerCase().startsWith("application/x-www-form-urlencoded")) return false;
  return new URLSearchParams(rawBody).get("ssl_check") === "1";
}

/** Thrown from ack() to stop Bolt before the listeners; never escapes the receiver. */
class NotHandedOff extends Error {
  override name = "NotHandedOff";
}
