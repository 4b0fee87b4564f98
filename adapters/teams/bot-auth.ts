import { ConfigurationBotFrameworkAuthentication } from "botbuilder";
import { DaybookError } from "../../src/core/errors.ts";
import type { Logger } from "../../src/core/logger.ts";

export type TeamsAppType = "MultiTenant" | "SingleTenant" | "UserAssignedMSI";

/**
 * Where inbound tokens are validated and outbound tokens come from. Absent: botbuilder's public
 * Azure endpoints. Setting any of ToBotFromChannelOpenIdMetadataUrl, ToBotFromChannelTokenIssuer,
 * ToChannelFromBotLoginUrl, ... makes botframework-connector use exactly these
 * (BotFrameworkAuthenticationFactory.create); the tests point them at a local identity provider.
 */
export interface BotFrameworkEndpoints {
  settings?: Omit<
    NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[0]>,
    "MicrosoftAppId"
  >;
  /** Replaces the MICROSOFT_APP_* credential factory (how outbound tokens are fetched). */
  credentialsFactory?: ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1];
}

export interface TeamsAuthOptions {
  appId?: string | undefined;
  appPassword?: string | undefined;
  appType: TeamsAppType;
  tenantId?: string | undefined;
  nodeEnv: string;
  /** TEAMS_DEV_SKIP_AUTH: accept unsigned activities (local Emulator testing). Refused in production. */
  devSkipAuth: boolean;
  endpoints?: BotFrameworkEndpoints | undefined;
  logger: Logger;
}

export interface TeamsAuth {
  authentication: ConfigurationBotFrameworkAuthentication;
  /** The bot's app id ("" when unauthenticated): the audience of proactive claims. */
  appId: string;
  authenticated: boolean;
}

/**
 * With an app id (and a password, or a user-assigned managed identity) every inbound
 * activity's JWT is validated by ConfigurationBotFrameworkAuthentication and outbound calls
 * get tokens (https://learn.microsoft.com/azure/bot-service/bot-builder-authentication).
 * Without them botbuilder accepts unsigned activities, which is only acceptable locally and
 * only when asked for explicitly (TEAMS_DEV_SKIP_AUTH): a missing secret must not silently
 * turn authentication off.
 */
export function createTeamsAuth(options: TeamsAuthOptions): TeamsAuth {
  const appId = options.appId?.trim() ?? "";
  const password = options.appPassword?.trim() ?? "";
  const needsPassword = options.appType !== "UserAssignedMSI";
  const configured = appId !== "" && (!needsPassword || password !== "");

  if (options.devSkipAuth && options.nodeEnv === "production") {
    throw new DaybookError(
      "config_invalid",
      "TEAMS_DEV_SKIP_AUTH is for local testing only and is refused when NODE_ENV=production",
    );
  }
  if (!configured) {
    if (appId !== "" || password !== "") {
      throw new DaybookError(
        "config_invalid",
        needsPassword
          ? "MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD must be set together"
          : "MICROSOFT_APP_ID must be set for MICROSOFT_APP_TYPE=UserAssignedMSI",
      );
    }
    if (options.nodeEnv === "production") {
      throw new DaybookError(
        "config_invalid",
        "Teams needs MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD when NODE_ENV=production; unauthenticated Bot Framework requests are for local testing only",
      );
    }
    if (!options.devSkipAuth) {
      throw new DaybookError(
        "config_invalid",
        "Teams needs MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD; to accept unauthenticated requests for local testing set TEAMS_DEV_SKIP_AUTH=true (never in production)",
      );
    }
    options.logger.warn(
      "TEAMS_DEV_SKIP_AUTH=true and no MICROSOFT_APP_ID/MICROSOFT_APP_PASSWORD: Teams requests are NOT authenticated. Use this only for local testing (Bot Framework Emulator).",
    );
    return { authentication: new ConfigurationBotFrameworkAuthentication({}), appId: "", authenticated: false };
  }

  if (options.appType !== "MultiTenant" && !options.tenantId) {
    throw new DaybookError(
      "config_invalid",
      `MICROSOFT_APP_TENANT_ID is required when MICROSOFT_APP_TYPE=${options.appType}`,
    );
  }
  let authentication: ConfigurationBotFrameworkAuthentication;
  try {
    authentication = new ConfigurationBotFrameworkAuthentication(
      {
        ...options.endpoints?.settings,
        MicrosoftAppId: appId,
        MicrosoftAppType: options.appType,
        // A managed identity has no secret; botbuilder refuses one being set.
        ...(needsPassword ? { MicrosoftAppPassword: password } : {}),
        ...(options.tenantId ? { MicrosoftAppTenantId: options.tenantId } : {}),
      },
      options.endpoints?.credentialsFactory,
    );
  } catch (error) {
    throw new DaybookError("config_invalid", "the MICROSOFT_APP_* settings were rejected by botbuilder", {
      cause: error,
    });
  }
  return { authentication, appId, authenticated: true };
}
