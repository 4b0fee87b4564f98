import type { App } from "@slack/bolt";
import type { InstallationQuery } from "@slack/oauth";
import type { Logger } from "../../../src/core/logger.ts";
import type { StoreInstallationStore } from "../oauth/installation-store.ts";
import { type Loose, str } from "./deps.ts";

/** The installation an event is about: the org's for an org-wide install, else the team's. */
function queryOf(context: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }, body: Loose) {
  const isEnterpriseInstall = context.isEnterpriseInstall === true;
  const teamId = context.teamId ?? str(body.team_id);
  const enterpriseId = context.enterpriseId ?? str(body.enterprise_id);
  return { teamId, enterpriseId, isEnterpriseInstall } as InstallationQuery<boolean>;
}

/**
 * Uninstalls and revoked tokens (Slack skips authorize for both: the token is already gone).
 * `app_uninstalled` removes the installation; `tokens_revoked` removes it when the bot token is
 * among the revoked ones, else drops the revoked user token from it.
 * https://docs.slack.dev/reference/events/app_uninstalled, https://docs.slack.dev/reference/events/tokens_revoked
 */
export function registerInstallListeners(app: App, installations: StoreInstallationStore, logger: Logger): void {
  app.event("app_uninstalled", async ({ body, context }) => {
    const query = queryOf(context, body as unknown as Loose);
    await installations.deleteInstallation(query);
    logger.info("daybook was uninstalled from a Slack workspace", {
      teamId: query.teamId,
      enterpriseId: query.enterpriseId,
    });
  });

  app.event("tokens_revoked", async ({ event, body, context }) => {
    const tokens = (event as unknown as Loose).tokens as { bot?: string[]; oauth?: string[] } | undefined;
    const query = queryOf(context, body as unknown as Loose);
    if ((tokens?.bot ?? []).length > 0) {
      await installations.deleteInstallation(query);
      logger.info("Slack revoked daybook's bot token; installation removed", {
        teamId: query.teamId,
        enterpriseId: query.enterpriseId,
      });
      return;
    }
    const revokedUsers = tokens?.oauth ?? [];
    if (revokedUsers.length > 0) await installations.dropUserToken(query, revokedUsers);
  });
}
