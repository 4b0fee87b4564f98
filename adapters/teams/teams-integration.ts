import { CloudAdapter } from "botbuilder";
import type { ClickHandler, MessageHandler } from "../../src/core/chat.ts";
import { type Clock, systemClock } from "../../src/core/clock.ts";
import { toDaybookError } from "../../src/core/errors.ts";
import type { HttpRoute } from "../../src/core/http.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { Store } from "../../src/core/store.ts";
import { DaybookActivityHandler, requestContextKey } from "./activity-handler.ts";
import { createTeamsAuth, type TeamsAppType } from "./bot-auth.ts";
import { ConversationReferences } from "./conversation-references.ts";
import { captureResponse, toBotRequest } from "./http-bridge.ts";
import { ProactiveSender } from "./proactive-sender.ts";
import { RenderedCards } from "./rendered-cards.ts";
import { type ApproverIdsFor, TeamsChatAdapter } from "./teams-chat-adapter.ts";

export interface TeamsIntegrationOptions {
  appId?: string | undefined;
  appPassword?: string | undefined;
  appType: TeamsAppType;
  tenantId?: string | undefined;
  nodeEnv: string;
  store: Store;
  logger: Logger;
  clock?: Clock;
  handle: MessageHandler;
  onClick: ClickHandler;
  /** Teams user ids (AAD object ids) allowed to decide an approval: they get live card refreshes. */
  approverIdsFor?: ApproverIdsFor;
}

export interface TeamsIntegration {
  /** POST /api/messages: the Azure Bot messaging endpoint. */
  route: HttpRoute;
  adapter: TeamsChatAdapter;
  references: ConversationReferences;
  /** False when running without app credentials (local testing only). */
  authenticated: boolean;
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
    logger,
  });
  const cloud = new CloudAdapter(auth.authentication);
  cloud.onTurnError = async (context, error) => {
    // Without this botbuilder rethrows and the HTTP answer would carry the error message.
    const err = toDaybookError(error);
    logger.error("Teams turn failed", { code: err.code, activityType: context.activity.type, error: err });
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
  });
  const handler = new DaybookActivityHandler({
    store: options.store,
    references,
    cards,
    adapter,
    handle: options.handle,
    onClick: options.onClick,
    clock,
    logger,
  });

  const route: HttpRoute = {
    method: "POST",
    path: "/api/messages",
    async handle(request, requestContext) {
      const botRequest = await toBotRequest(request);
      const { response, done } = captureResponse();
      // process() authenticates the JWT (401 on failure), runs the turn and always ends the response.
      await cloud.process(botRequest, response, async (context) => {
        context.turnState.set(requestContextKey, requestContext);
        await handler.run(context);
      });
      return done;
    },
  };

  return { route, adapter, references, authenticated: auth.authenticated };
}
