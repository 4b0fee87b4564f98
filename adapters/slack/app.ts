import { App } from "@slack/bolt";
import type { ChatAdapter, ClickHandler, MessageHandler } from "../../src/core/chat.ts";
import type { Clock } from "../../src/core/clock.ts";
import { systemClock } from "../../src/core/clock.ts";
import { DaybookError } from "../../src/core/errors.ts";
import type { HttpRoute } from "../../src/core/http.ts";
import { LogGate } from "../../src/core/log-gate.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { Store } from "../../src/core/store.ts";
import { reportError } from "../../src/core/user-facing-error.ts";
import { SlackChatAdapter } from "./adapter.ts";
import { boltLogger } from "./bolt-logger.ts";
import { SlackDirectory } from "./directory.ts";
import { EventDedup } from "./event-dedup.ts";
import { HonoReceiver } from "./hono-receiver.ts";
import { registerActionListeners } from "./listeners/actions.ts";
import { defaultSuggestedPrompts, registerAssistantListeners } from "./listeners/assistant.ts";
import { registerConversationListeners } from "./listeners/conversations.ts";
import type { ListenerDeps, SuggestedPrompt } from "./listeners/deps.ts";
import { registerSlashCommand } from "./listeners/slash-command.ts";
import { createWebClient, normalizeApiUrl, slackRetryConfig } from "./web-client.ts";
import { checkSocketModeShape } from "./webhook/shapes.ts";

export interface SlackIntegrationOptions {
  signingSecret?: string | undefined;
  botToken?: string | undefined;
  appToken?: string | undefined;
  socketMode: boolean;
  /** Web API base URL (SLACK_API_URL); tests point it at a local fake. */
  apiUrl?: string | undefined;
  /** Local development only: accept unsigned requests. Refused when nodeEnv is production. */
  devSkipVerify: boolean;
  nodeEnv: string;
  store: Store;
  logger: Logger;
  clock?: Clock;
  handle: MessageHandler;
  /**
   * True when `handle` is the work-queue intake, whose enqueue refuses a second copy of a
   * message atomically: the HTTP receiver then marks no event ids itself (see
   * HonoReceiverOptions.dedup). Socket Mode keeps its mark at arrival.
   */
  handOffDeduplicates?: boolean;
  onClick: ClickHandler;
  /** Assistant-thread prompts; a function is read per thread (built from the organisation's data). */
  suggestedPrompts?: readonly SuggestedPrompt[] | (() => readonly SuggestedPrompt[]);
}

export interface SlackIntegration {
  /** POST /slack/events for createServer({ routes }). */
  route: HttpRoute;
  adapter: ChatAdapter;
  app: App;
  /** Connects Socket Mode when enabled; a no-op over HTTP (the Hono server is the transport). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

function configError(message: string): DaybookError {
  return new DaybookError("config_invalid", message);
}

function checkOptions(o: SlackIntegrationOptions, logger: Logger): { skipVerify: boolean; botToken: string } {
  if (!o.botToken) {
    throw configError(
      "Slack is enabled but SLACK_BOT_TOKEN is not set. Fix: copy the Bot User OAuth Token (xoxb-...) from your Slack app's OAuth & Permissions page.",
    );
  }
  if (o.socketMode) {
    if (!o.appToken) {
      throw configError(
        "SLACK_SOCKET_MODE is on but SLACK_APP_TOKEN is not set. Fix: create an app-level token with connections:write (xapp-...) under Basic Information, or turn Socket Mode off.",
      );
    }
    return { skipVerify: true, botToken: o.botToken };
  }
  if (o.signingSecret) return { skipVerify: false, botToken: o.botToken };
  if (o.devSkipVerify && o.nodeEnv !== "production") {
    logger.warn(
      "SLACK_DEV_SKIP_VERIFY is on: Slack request signatures are NOT checked. Never use this outside local development.",
    );
    return { skipVerify: true, botToken: o.botToken };
  }
  if (o.devSkipVerify) {
    throw configError(
      "SLACK_DEV_SKIP_VERIFY is refused when NODE_ENV=production. Fix: set SLACK_SIGNING_SECRET (Basic Information > App Credentials > Signing Secret) and remove SLACK_DEV_SKIP_VERIFY.",
    );
  }
  throw configError(
    "SLACK_SIGNING_SECRET is not set, so Slack requests cannot be verified. Fix: copy the Signing Secret from your Slack app's Basic Information > App Credentials page into SLACK_SIGNING_SECRET.",
  );
}

/**
 * The Slack side of daybook: a Bolt app whose HTTP transport is our Hono server (or Socket
 * Mode), its listeners, and a ChatAdapter for proactive posts.
 */
function promptsOf(option: SlackIntegrationOptions["suggestedPrompts"]): () => readonly SuggestedPrompt[] {
  if (typeof option === "function") return option;
  const fixed = option ?? defaultSuggestedPrompts;
  return () => fixed;
}

export function createSlackIntegration(options: SlackIntegrationOptions): SlackIntegration {
  const logger = options.logger.child({ platform: "slack" });
  const { skipVerify, botToken } = checkOptions(options, logger);
  const clock = options.clock ?? systemClock;
  const client = createWebClient({ token: botToken, apiUrl: options.apiUrl, logger });
  const adapter = new SlackChatAdapter({ client, clock });
  const dedup = new EventDedup({ store: options.store, logger, clock });

  const receiver = options.socketMode
    ? undefined
    : new HonoReceiver({
        signingSecret: options.signingSecret,
        skipVerify,
        dedup: options.handOffDeduplicates ? undefined : dedup,
        logger,
        clock,
      });

  const app = new App({
    ...(receiver ? { receiver } : { socketMode: true, appToken: options.appToken }),
    // A single-workspace bot: the token is known, so no auth.test round trip per process.
    authorize: async () => ({ botToken }),
    // Own messages and other bots' are filtered in the listeners (isFromBot), which does not
    // need the bot id that ignoreSelf gets from auth.test.
    ignoreSelf: false,
    convoStore: false,
    logger: boltLogger(logger),
    clientOptions: { slackApiUrl: normalizeApiUrl(options.apiUrl), retryConfig: slackRetryConfig() },
  });

  app.error(async (error) => {
    reportError(logger, error, { msg: "slack listener failed", component: "slack" });
  });

  if (options.socketMode) {
    // Socket Mode payloads skip the HTTP receiver's shape check (webhook/shapes.ts), so it runs
    // here, where SocketModeReceiver hands them to Bolt: a malformed one is acked and dropped
    // instead of throwing inside processEvent.
    const processEvent = app.processEvent.bind(app);
    const rejections = new LogGate({ clock });
    app.processEvent = async (event) => {
      const verdict = checkSocketModeShape(event.body);
      if (verdict.kind === "dispatch") return processEvent(event);
      if (verdict.kind === "reject")
        rejections.write(logger, "warn", "ignored a malformed Slack payload", verdict.reason);
      else logger.debug("ignored a Slack payload no listener handles", { reason: verdict.reason });
      await event.ack();
    };
    // Socket Mode redelivers unacked envelopes too; with no HTTP response to hold back, the
    // event is marked when it arrives.
    app.use(async ({ body, next }) => {
      const eventId = (body as { event_id?: unknown }).event_id;
      if (typeof eventId === "string" && !(await dedup.markHandedOff(eventId))) return;
      await next();
    });
  }

  const deps: ListenerDeps = {
    adapter,
    handle: options.handle,
    onClick: options.onClick,
    logger,
    clock,
    suggestedPrompts: promptsOf(options.suggestedPrompts),
    names: new SlackDirectory({ client, logger, clock }),
  };
  registerConversationListeners(app, deps);
  registerAssistantListeners(app, deps);
  registerSlashCommand(app, deps);
  registerActionListeners(app, deps);

  const route: HttpRoute = receiver
    ? receiver.route
    : {
        method: "POST",
        path: "/slack/events",
        handle: async () =>
          Response.json(
            { error: { code: "not_found", message: "Slack runs in Socket Mode; no HTTP events endpoint" } },
            { status: 404 },
          ),
      };

  return {
    route,
    adapter,
    app,
    start: async () => {
      if (options.socketMode) await app.start();
    },
    stop: async () => {
      if (options.socketMode) await app.stop();
    },
  };
}
