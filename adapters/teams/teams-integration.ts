import { type Activity, CloudAdapter, type InvokeResponse, type TurnContext } from "botbuilder";
import type { ClickHandler, MessageHandler } from "../../src/core/chat.ts";
import { type Clock, systemClock } from "../../src/core/clock.ts";
import { toDaybookError } from "../../src/core/errors.ts";
import type { HttpRoute } from "../../src/core/http.ts";
import { LogGate } from "../../src/core/log-gate.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { Store } from "../../src/core/store.ts";
import { reportError } from "../../src/core/user-facing-error.ts";
import { admissionRefusal, DaybookActivityHandler, requestContextKey } from "./activity-handler.ts";
import { type BotFrameworkEndpoints, createTeamsAuth, type TeamsAppType } from "./bot-auth.ts";
import { ConversationReferences } from "./conversation-references.ts";
import { readActivity, rejectWithoutBearerToken, toFetchResponse, unauthorized } from "./http-bridge.ts";
import { ProactiveSender } from "./proactive-sender.ts";
import { RenderedCards } from "./rendered-cards.ts";
import { type ApproverIdsFor, TeamsChatAdapter, type TeamsChatAdapterOptions } from "./teams-chat-adapter.ts";

/** admissionRefusal's reasons that are about the tenant: answered 403, not 200. */
const tenantRefusals = new Set(["tenant not allowed", "no tenant id"]);

export interface TeamsIntegrationOptions {
  appId?: string | undefined;
  appPassword?: string | undefined;
  appType: TeamsAppType;
  tenantId?: string | undefined;
  nodeEnv: string;
  /**
   * TEAMS_DEV_SKIP_AUTH: without app credentials, accept unauthenticated activities (and the
   * Bot Framework Emulator's channel) for local testing. Without credentials and without this
   * the factory throws; with it in production too.
   */
  devSkipAuth: boolean;
  /** Token validation and token fetch endpoints (default: public Azure); the tests use a local identity provider. */
  botFrameworkEndpoints?: BotFrameworkEndpoints | undefined;
  /** Entra tenant ids whose activities are handled (e.g. [MICROSOFT_APP_TENANT_ID]); empty or absent: any. */
  allowedTenants?: readonly string[] | undefined;
  /** Bound on answering a card click's invoke (default 3 s); slower clicks finish in the background. */
  invokeAnswerMs?: number | undefined;
  store: Store;
  logger: Logger;
  clock?: Clock;
  handle: MessageHandler;
  /**
   * `handle` is the work queue's intake, which refuses a second copy of a message itself: the
   * activity is then answered only once it is queued, and no dedup mark is written first.
   */
  handOffDeduplicates?: boolean | undefined;
  onClick: ClickHandler;
  /** Teams user ids (AAD object ids) allowed to decide an approval: they get live card refreshes. */
  approverIdsFor?: ApproverIdsFor;
  /** Posted files: kept in the store and linked by signed URL (TeamsChatAdapterOptions.files). */
  files?: TeamsChatAdapterOptions["files"];
}

export interface TeamsIntegration {
  /** POST /api/messages: the Azure Bot messaging endpoint. */
  route: HttpRoute;
  adapter: TeamsChatAdapter;
  references: ConversationReferences;
  /** False when running with TEAMS_DEV_SKIP_AUTH and no app credentials (local testing only). */
  authenticated: boolean;
}

const defaultInvokeAnswerMs = 3_000;

/**
 * botframework-connector's JwtTokenExtractor.validateToken rethrows jsonwebtoken's own errors
 * (a bad signature, `alg: none`, a token not valid yet) without a statusCode; only an expired
 * token becomes a 401 AuthenticationError. They are refused tokens, not server faults.
 */
const tokenVerificationErrors = new Set(["JsonWebTokenError", "NotBeforeError", "TokenExpiredError"]);

function isTokenVerificationError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === "string" && tokenVerificationErrors.has(name);
}

/**
 * CloudAdapter.process (the Express-style entry) validates outside its try block and
 * `console.error`s every rejected request; processActivity is the same pipeline without that
 * wrapper (botbuilder-core/lib/cloudAdapterBase.js), so errors reach our logger instead.
 */
class DirectCloudAdapter extends CloudAdapter {
  processDirect(
    authorization: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authorization, activity, logic);
  }
}

/** botbuilder's CloudAdapter behind our Fetch-style route, plus the Teams ChatAdapter. */
export function createTeamsIntegration(options: TeamsIntegrationOptions): TeamsIntegration {
  const logger = options.logger.child({ component: "teams" });
  const clock = options.clock ?? systemClock;
  const auth = createTeamsAuth({
    appId: options.appId,
    appPassword: options.appPassword,
    appType: options.appType,
    tenantId: options.tenantId,
    nodeEnv: options.nodeEnv,
    devSkipAuth: options.devSkipAuth,
    endpoints: options.botFrameworkEndpoints,
    logger,
  });
  const cloud = new DirectCloudAdapter(auth.authentication);
  cloud.onTurnError = async (context, error) => {
    // Without this botbuilder rethrows and the HTTP answer would carry the error message.
    reportError(logger, error, {
      msg: "Teams turn failed",
      component: "teams",
      fields: { activityType: context.activity.type },
    });
  };
  const references = new ConversationReferences(options.store, clock);
  const cards = new RenderedCards(options.store);
  const adapter = new TeamsChatAdapter({
    sender: new ProactiveSender(cloud, auth.appId),
    references,
    cards,
    clock,
    logger,
    approverIdsFor: options.approverIdsFor,
    files: options.files,
  });
  const handler = new DaybookActivityHandler({
    store: options.store,
    references,
    cards,
    adapter,
    handle: options.handle,
    handOffDeduplicates: options.handOffDeduplicates ?? false,
    onClick: options.onClick,
    clock,
    logger,
    invokeAnswerMs: options.invokeAnswerMs ?? defaultInvokeAnswerMs,
  });
  const admission = {
    allowEmulator: options.devSkipAuth && !auth.authenticated,
    allowedTenants: (options.allowedTenants ?? []).filter((t) => t.trim() !== ""),
  };

  const rejections = new LogGate({ clock });
  const route: HttpRoute = {
    method: "POST",
    path: "/api/messages",
    async handle(request, requestContext) {
      // Malformed bodies are a 400 and missing or unusable tokens a 401 before botbuilder runs.
      // Anyone can send these, so each reason is logged at most once a minute, by code only.
      let inbound: Awaited<ReturnType<typeof readActivity>>;
      try {
        inbound = await readActivity(request);
      } catch (error) {
        // A client that hung up mid-body is not a malformed activity (and not worth a warning).
        if (request.signal.aborted) {
          logger.debug("client closed the request before it was answered", { reason: "client_abort" });
          throw error;
        }
        const reason = String(toDaybookError(error).details?.reason ?? "unparseable");
        rejections.write(logger, "warn", "rejected a malformed Teams activity", reason);
        throw error;
      }
      const { activity, authorization } = inbound;
      if (auth.authenticated) {
        try {
          rejectWithoutBearerToken(authorization, clock.now());
        } catch (error) {
          // The reason is one of rejectWithoutBearerToken's fixed sentences.
          rejections.write(logger, "warn", "rejected an unauthenticated Teams request", toDaybookError(error).message);
          throw error;
        }
      }
      let refusal: string | undefined;
      let invokeResponse: InvokeResponse | undefined;
      try {
        // Authenticates the JWT, then runs the turn; turn errors go to onTurnError above.
        invokeResponse = await cloud.processDirect(authorization, activity, async (context: TurnContext) => {
          refusal = admissionRefusal(context.activity, admission);
          if (refusal) return;
          context.turnState.set(requestContextKey, requestContext);
          await handler.run(context);
        });
      } catch (error) {
        const status = (error as { statusCode?: unknown } | null)?.statusCode;
        if (status === 401 || status === 403 || isTokenVerificationError(error)) {
          // botbuilder's message can quote the token's claims (issuer, audience): not logged.
          rejections.write(logger, "warn", "rejected a Teams request", "token_not_accepted", { status });
          throw unauthorized("the token was not accepted");
        }
        reportError(logger, error, {
          msg: "Teams request failed",
          component: "teams",
          fields: { activityType: activity.type },
        });
        return Response.json({ error: { code: "internal", message: "internal error" } }, { status: 500 });
      }
      if (refusal && tenantRefusals.has(refusal)) {
        // A validly signed activity from a tenant daybook does not serve (MICROSOFT_ALLOWED_TENANTS,
        // or a single-tenant bot's own tenant): refused as such, nothing processed or stored.
        rejections.write(logger, "warn", "refused a Teams activity from a tenant not allowed", "tenant_not_allowed");
        return Response.json(
          { error: { code: "forbidden", message: "this Microsoft Entra tenant is not served by this bot" } },
          { status: 403 },
        );
      }
      if (refusal) {
        // 200 so the sender does not retry; nothing was processed or stored.
        logger.debug("ignored a Teams activity", {
          reason: refusal,
          channelId: String(activity.channelId ?? ""),
          activityType: activity.type,
        });
        return new Response(null, { status: 200 });
      }
      return toFetchResponse(invokeResponse);
    },
  };

  return { route, adapter, references, authenticated: auth.authenticated };
}
