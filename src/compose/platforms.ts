import { teamsApproverIds } from "../../adapters/teams/approvers.ts";
import type { BotFrameworkEndpoints } from "../../adapters/teams/bot-auth.ts";
import type { Approvals } from "../approvals/approvals.ts";
import type { Config } from "../config/load.ts";
import { slackMultiWorkspace } from "../config/platform-modes.ts";
import type { Card } from "../core/card.ts";
import type { ChatAdapter, ChatUser, ClickHandler, MessageHandler, ShortcutHandler } from "../core/chat.ts";
import type { Clock } from "../core/clock.ts";
import type { ExampleQuestions } from "../core/examples.ts";
import type { FileLinks, FileShelf } from "../core/files.ts";
import type { HttpRoute } from "../core/http.ts";
import type { Logger } from "../core/logger.ts";
import type { Store } from "../core/store.ts";
import type { Platform } from "../core/thread.ts";

export interface PlatformDeps {
  config: Config;
  store: Store;
  logger: Logger;
  clock: Clock;
  /** The adapters' entry point: the intake (queued) in the server, the bot itself elsewhere. */
  handle: MessageHandler;
  /** `handle` is the work-queue intake, which refuses a redelivered message itself. */
  handOffDeduplicates?: boolean;
  onClick: ClickHandler;
  /** A person's App Home (src/bot/app-home.ts). */
  home?: (user: ChatUser, workspace: string, notice?: string) => Promise<Card>;
  /** Message shortcuts (src/bot/jira-from-message.ts). */
  onShortcut?: ShortcutHandler;
  approvals: Approvals;
  examples: ExampleQuestions;
  /** Also start transports that need it (Slack Socket Mode); only the server does. */
  listen: boolean;
  /** Posted files and their signed links (Teams fetches images and exports by URL). */
  files?: { shelf: FileShelf; links: FileLinks };
  /** Teams token endpoints other than public Azure (ComposeOptions.teamsEndpoints). */
  teamsEndpoints?: BotFrameworkEndpoints;
}

export interface Platforms {
  adapters: Partial<Record<Platform, ChatAdapter>>;
  routes: HttpRoute[];
  closers: (() => Promise<void>)[];
}

/**
 * The Slack and Teams integrations env configures, each with its route and adapter. Each
 * integration's module (Bolt, botbuilder) is imported only when env configures it: an
 * unconfigured platform costs no start-up time or memory (issue 15, bench/start-up.bench.ts).
 */
export async function createPlatforms(deps: PlatformDeps): Promise<Platforms> {
  const { env, org } = deps.config;
  const { store, logger, clock } = deps;
  const adapters: Partial<Record<Platform, ChatAdapter>> = {};
  const routes: HttpRoute[] = [];
  const closers: (() => Promise<void>)[] = [];

  const multiWorkspace = slackMultiWorkspace(env);
  if (env.SLACK_BOT_TOKEN || env.SLACK_SIGNING_SECRET || env.SLACK_SOCKET_MODE || multiWorkspace) {
    const { createSlackIntegration } = await import("../../adapters/slack/app.ts");
    const { suggestedPromptsFrom } = await import("../../adapters/slack/listeners/assistant.ts");
    const slack = createSlackIntegration({
      signingSecret: env.SLACK_SIGNING_SECRET,
      botToken: env.SLACK_BOT_TOKEN,
      oauth:
        multiWorkspace && env.SLACK_CLIENT_ID && env.SLACK_CLIENT_SECRET && env.SLACK_STATE_SECRET
          ? {
              clientId: env.SLACK_CLIENT_ID,
              clientSecret: env.SLACK_CLIENT_SECRET,
              stateSecret: env.SLACK_STATE_SECRET,
            }
          : undefined,
      appToken: env.SLACK_APP_TOKEN,
      socketMode: env.SLACK_SOCKET_MODE,
      apiUrl: env.SLACK_API_URL,
      devSkipVerify: env.SLACK_DEV_SKIP_VERIFY,
      nodeEnv: env.NODE_ENV,
      store,
      logger,
      clock,
      handle: deps.handle,
      handOffDeduplicates: deps.handOffDeduplicates ?? false,
      onClick: deps.onClick,
      suggestedPrompts: () => suggestedPromptsFrom(deps.examples()),
      ...(deps.home ? { home: deps.home } : {}),
      ...(deps.onShortcut ? { onShortcut: deps.onShortcut } : {}),
    });
    adapters.slack = slack.adapter;
    routes.push(slack.route, ...slack.installRoutes);
    if (deps.listen) {
      await slack.start();
      closers.push(() => slack.stop());
    }
  } else {
    routes.push(notConfigured("/slack/events", "Slack", "SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN"));
  }
  // Teams is served only with app credentials (every activity's JWT is validated) or, for
  // local testing, with the explicit TEAMS_DEV_SKIP_AUTH flag (the adapter refuses it in
  // production). Never unauthenticated by default: anyone could post as any configured user.
  if (env.MICROSOFT_APP_ID || env.TEAMS_DEV_SKIP_AUTH) {
    const { createTeamsIntegration } = await import("../../adapters/teams/teams-integration.ts");
    const teams = createTeamsIntegration({
      appId: env.MICROSOFT_APP_ID,
      appPassword: env.MICROSOFT_APP_PASSWORD,
      appType: env.MICROSOFT_APP_TYPE,
      tenantId: env.MICROSOFT_APP_TENANT_ID,
      devSkipAuth: env.TEAMS_DEV_SKIP_AUTH,
      botFrameworkEndpoints: deps.teamsEndpoints,
      allowedTenants: allowedTenants(env),
      nodeEnv: env.NODE_ENV,
      store,
      logger,
      clock,
      handle: deps.handle,
      handOffDeduplicates: deps.handOffDeduplicates ?? false,
      onClick: deps.onClick,
      // Only people who may decide see live buttons (refresh.userIds); clicks are re-checked anyway.
      approverIdsFor: async (approvalId) => {
        const approval = await deps.approvals.get(approvalId);
        return approval ? teamsApproverIds(approval, org.users) : [];
      },
      files: deps.files,
    });
    adapters.teams = teams.adapter;
    routes.push(teams.route);
  } else {
    routes.push(
      notConfigured(
        "/api/messages",
        "Teams",
        "MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (or TEAMS_DEV_SKIP_AUTH=true locally)",
      ),
    );
  }
  return { adapters, routes, closers };
}

/**
 * Whose activities Teams may hand daybook: a single-tenant bot its own tenant only; a
 * multi-tenant bot the MICROSOFT_ALLOWED_TENANTS list, or every tenant when unset.
 */
function allowedTenants(env: Config["env"]): readonly string[] {
  if (env.MICROSOFT_APP_TYPE === "MultiTenant" && env.MICROSOFT_ALLOWED_TENANTS) return env.MICROSOFT_ALLOWED_TENANTS;
  return env.MICROSOFT_APP_TENANT_ID ? [env.MICROSOFT_APP_TENANT_ID] : [];
}

/** A platform route that explains how to enable it instead of a bare 404. */
function notConfigured(path: string, platform: string, variables: string): HttpRoute {
  return {
    method: "POST",
    path,
    handle: async () =>
      Response.json(
        { error: { code: "not_configured", message: `${platform} is not configured: set ${variables}.` } },
        { status: 503 },
      ),
  };
}
