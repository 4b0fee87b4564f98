import { ConfigurationBotFrameworkAuthentication } from "botbuilder";
import { DaybookError } from "../../src/core/errors.ts";
import type { Logger } from "../../src/core/logger.ts";

export type TeamsAppType = "MultiTenant" | "SingleTenant" | "UserAssignedMSI";

export interface TeamsAuthOptions {
  appId?: string | undefined;
  appPassword?: string | undefined;
  appType: TeamsAppType;
  tenantId?: string | undefined;
  nodeEnv: string;
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
 * Without them botbuilder accepts unsigned activities, which is only acceptable locally.
 */
export function createTeamsAuth(options: TeamsAuthOptions): TeamsAuth {
  const appId = options.appId?.trim() ?? "";
  const password = options.appPassword?.trim() ?? "";
  const needsPassword = options.appType !== "UserAssignedMSI";
  const configured = appId !== "" && (!needsPassword || password !== "");

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
    options.logger.warn(
      "MICROSOFT_APP_ID/MICROSOFT_APP_PASSWORD are not set: Teams requests are NOT authenticated. Use this only for local testing (Bot Framework Emulator).",
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
    authentication = new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: appId,
      MicrosoftAppType: options.appType,
      // A managed identity has no secret; botbuilder refuses one being set.
      ...(needsPassword ? { MicrosoftAppPassword: password } : {}),
      ...(options.tenantId ? { MicrosoftAppTenantId: options.tenantId } : {}),
    });
  } catch (error) {
    throw new DaybookError("config_invalid", "the MICROSOFT_APP_* settings were rejected by botbuilder", {
      cause: error,
    });
  }
  return { authentication, appId, authenticated: true };
}
