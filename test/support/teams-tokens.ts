import type { BotFrameworkEndpoints } from "../../adapters/teams/bot-auth.ts";
import { type BotIdentityProvider, startBotIdentityProvider } from "./bot-identity-provider.ts";

/**
 * Real Bot Framework authentication for tests: a local identity provider, the endpoints that
 * point botframework-connector at it (inbound validation and the outbound token fetch), and
 * channel tokens minted for each activity as the Bot Framework Service mints them
 * (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication).
 * A Teams test sends `headers(activity)` instead of running with `devSkipAuth`.
 */
export interface TeamsTestAuth {
  idp: BotIdentityProvider;
  appId: string;
  appPassword: string;
  tenantId: string;
  /** For `createTeamsIntegration({ botFrameworkEndpoints })` or `compose({ teamsEndpoints })`. */
  endpoints: BotFrameworkEndpoints;
  /** The integration options that turn real validation on (spread into createTeamsIntegration). */
  credentials: { appId: string; appPassword: string; devSkipAuth: false; botFrameworkEndpoints: BotFrameworkEndpoints };
  /** `authorization: Bearer <channel token>` for this activity (audience = app id, serviceurl = its serviceUrl). */
  headers(activity: { serviceUrl?: string | undefined }, claims?: Record<string, unknown>): Record<string, string>;
  close(): Promise<void>;
}

export const testChannelScope = "https://api.botframework.com";

export async function startTeamsAuth(
  options: {
    appId?: string;
    appPassword?: string;
    tenantId?: string;
    accessTokenSeconds?: number;
    /** Channel ids the identity provider's key is endorsed for (default ["msteams"]). */
    endorsements?: string[];
  } = {},
): Promise<TeamsTestAuth> {
  // botframework-connector caches outbound tokens per app id and scope, process-wide: a file
  // that needs a fresh cache passes its own app id.
  const appId = options.appId ?? "00000000-0000-0000-0000-0000000000c1";
  const appPassword = options.appPassword ?? "local-test-secret";
  const tenantId = options.tenantId ?? "tenant-1";
  const idp = await startBotIdentityProvider({
    ...(options.accessTokenSeconds === undefined ? {} : { accessTokenSeconds: options.accessTokenSeconds }),
    ...(options.endorsements ? { endorsements: options.endorsements } : {}),
  });
  const endpoints: BotFrameworkEndpoints = {
    settings: {
      ToBotFromChannelOpenIdMetadataUrl: idp.metadataUrl,
      ToBotFromChannelTokenIssuer: idp.issuer,
      ToBotFromEmulatorOpenIdMetadataUrl: idp.metadataUrl,
      ToChannelFromBotLoginUrl: `${idp.url}/${tenantId}`,
      ToChannelFromBotOAuthScope: testChannelScope,
      OAuthUrl: idp.url,
      ValidateAuthority: false,
      CallerId: "urn:botframework:azure",
    },
    credentialsFactory: idp.credentialsFactory(appId, appPassword),
  };
  return {
    idp,
    appId,
    appPassword,
    tenantId,
    endpoints,
    credentials: { appId, appPassword, devSkipAuth: false, botFrameworkEndpoints: endpoints },
    headers(activity, claims = {}) {
      const token = idp.channelToken({ aud: appId, serviceurl: activity.serviceUrl, ...claims });
      return { authorization: `Bearer ${token}` };
    },
    close: () => idp.close(),
  };
}
