import { App, type Authorize } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { ChatAdapter, ClickHandler, MessageHandler, ShortcutHandler } from "../../src/core/chat.ts";
import type { Clock } from "../../src/core/clock.ts";
import { systemClock } from "../../src/core/clock.ts";
import { DaybookError } from "../../src/core/errors.ts";
import type { HttpRoute } from "../../src/core/http.ts";
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
import type { HomeBuilder, ListenerDeps, SuggestedPrompt } from "./listeners/deps.ts";
import { registerHomeListeners } from "./listeners/home.ts";
import { registerInstallListeners } from "./listeners/installs.ts";
import { registerShortcutListeners } from "./listeners/shortcuts.ts";
import { registerSlashCommand } from "./listeners/slash-command.ts";
import { createInstallFlow, type InstallFlow } from "./oauth/install-flow.ts";
import { routeSocketModeEnvelopes } from "./socket-mode.ts";
import { createWebClient, normalizeApiUrl, slackRetryConfig } from "./web-client.ts";
import { WorkspaceClients, WorkspaceNames } from "./workspace-clients.ts";

/** SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET: installs in many workspaces. */
export interface SlackOAuthOptions {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
}

export interface SlackIntegrationOptions {
  signingSecret?: string | undefined;
  /** One workspace (SLACK_BOT_TOKEN); absent with `oauth`. */
  botToken?: string | undefined;
  /** Many workspaces: each installs through GET /slack/install and is answered with its own token. */
  oauth?: SlackOAuthOptions | undefined;
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
   * message atomically: neither transport then marks event ids itself (see
   * HonoReceiverOptions.dedup), and Socket Mode acks an event once it is handed off
   * (socket-mode.ts), as the HTTP receiver answers 200.
   */
  handOffDeduplicates?: boolean;
  onClick: ClickHandler;
  /** Assistant-thread prompts; a function is read per thread (built from the organisation's data). */
  suggestedPrompts?: readonly SuggestedPrompt[] | (() => readonly SuggestedPrompt[]);
  /** The Home tab's content (app_home_opened -> views.publish); absent: no Home tab. */
  home?: HomeBuilder;
  /** The "Create a Jira issue from this message" shortcut. */
  onShortcut?: ShortcutHandler;
}

export interface SlackIntegration {
  /** POST /slack/events for createServer({ routes }). */
  route: HttpRoute;
  /** GET /slack/install and GET /slack/oauth_redirect with `oauth`; none for one workspace. */
  installRoutes: HttpRoute[];
  adapter: ChatAdapter;
  app: App;
  /** Connects Socket Mode when enabled; a no-op over HTTP (the Hono server is the transport). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

function configError(message: string): DaybookError {
  return new DaybookError("config_invalid", message);
}

type Tokens = { botToken: string; oauth?: undefined } | { botToken?: undefined; oauth: SlackOAuthOptions };

function checkOptions(o: SlackIntegrationOptions, logger: Logger): { skipVerify: boolean } & Tokens {
  const tokens = checkTokens(o);
  return { skipVerify: checkVerification(o, logger), ...tokens };
}

function checkTokens(o: SlackIntegrationOptions): Tokens {
  if (o.oauth && o.botToken) {
    throw configError(
      "SLACK_BOT_TOKEN is set together with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET. Fix: unset SLACK_BOT_TOKEN to serve every workspace that installs daybook, or unset the three OAuth variables to serve the one workspace of SLACK_BOT_TOKEN.",
    );
  }
  if (o.oauth) return { oauth: o.oauth };
  if (o.botToken) return { botToken: o.botToken };
  throw configError(
    "Slack is enabled but SLACK_BOT_TOKEN is not set. Fix: copy the Bot User OAuth Token (xoxb-...) from your Slack app's OAuth & Permissions page, or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to install daybook in many workspaces (docs/slack-install.md).",
  );
}

function checkVerification(o: SlackIntegrationOptions, logger: Logger): boolean {
  if (o.socketMode) {
    if (!o.appToken) {
      throw configError(
        "SLACK_SOCKET_MODE is on but SLACK_APP_TOKEN is not set. Fix: create an app-level token with connections:write (xapp-...) under Basic Information, or turn Socket Mode off.",
      );
    }
    return true;
  }
  if (o.signingSecret) return false;
  if (o.devSkipVerify && o.nodeEnv !== "production") {
    logger.warn(
      "SLACK_DEV_SKIP_VERIFY is on: Slack request signatures are NOT checked. Never use this outside local development.",
    );
    return true;
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
  const checked = checkOptions(options, logger);
  const { skipVerify } = checked;
  const clock = options.clock ?? systemClock;
  // Profiles are shared through the store per workspace (one users.info per person per TTL).
  const directory = (client: WebClient, workspace = "") =>
    new SlackDirectory({ client, logger, clock, store: options.store, storePrefix: `slack:people:${workspace}:` });
  let adapter: SlackChatAdapter;
  let authorize: Authorize<boolean>;
  let namesIn: ListenerDeps["namesIn"];
  let installFlow: InstallFlow | undefined;
  if (checked.oauth) {
    installFlow = createInstallFlow({ ...checked.oauth, store: options.store, apiUrl: options.apiUrl, logger, clock });
    const clients = new WorkspaceClients({
      installations: installFlow.installations,
      apiUrl: options.apiUrl,
      logger,
    });
    adapter = new SlackChatAdapter({ clientFor: (workspace) => clients.clientFor(workspace), clock });
    // The team's (or its org's) installation; none = Bolt runs no listener and answers 200.
    authorize = installFlow.installer.authorize;
    const names = new WorkspaceNames(clients, directory);
    namesIn = (workspace) => names.namesIn(workspace);
  } else {
    const { botToken } = checked;
    const client = createWebClient({ token: botToken, apiUrl: options.apiUrl, logger });
    adapter = new SlackChatAdapter({ client, clock });
    // A single-workspace bot: the token is known, so no auth.test round trip per process.
    authorize = async () => ({ botToken });
    const names = directory(client);
    namesIn = () => names;
  }
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
    authorize,
    // Own messages and other bots' are filtered in the listeners (isFromBot), which does not
    // need the bot id that ignoreSelf gets from auth.test.
    ignoreSelf: false,
    convoStore: false,
    logger: boltLogger(logger),
    clientOptions: { slackApiUrl: normalizeApiUrl(options.apiUrl), retryConfig: slackRetryConfig() },
  });

  const socketMode = options.socketMode
    ? routeSocketModeEnvelopes(app, {
        dedup,
        handOffDeduplicates: options.handOffDeduplicates ?? false,
        logger,
        clock,
      })
    : undefined;

  app.error(async (error) => {
    socketMode?.listenerFailed(error);
    // Many workspaces: an event from a workspace without an installation (never installed, or
    // uninstalled while Slack still had events queued) is expected, not a fault.
    if (installFlow && error.code === "slack_bolt_authorization_error") {
      logger.info("ignored an event from a Slack workspace daybook is not installed in", { reason: "not_installed" });
      return;
    }
    reportError(logger, error, { msg: "slack listener failed", component: "slack" });
  });

  const deps: ListenerDeps = {
    adapter,
    handle: options.handle,
    onClick: options.onClick,
    logger,
    clock,
    suggestedPrompts: promptsOf(options.suggestedPrompts),
    namesIn,
    ...(options.home ? { home: options.home } : {}),
    ...(options.onShortcut ? { onShortcut: options.onShortcut } : {}),
  };
  registerConversationListeners(app, deps);
  registerAssistantListeners(app, deps);
  registerSlashCommand(app, deps);
  registerActionListeners(app, deps);
  registerHomeListeners(app, deps);
  registerShortcutListeners(app, deps);
  if (installFlow) registerInstallListeners(app, installFlow.installations, logger);

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
    installRoutes: installFlow?.routes ?? [],
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
