import { createXeroPort } from "../../tools/accounting/xero.ts";
import { createHubSpotPort } from "../../tools/crm/hubspot.ts";
import { createDemoPorts } from "../../tools/demo/demo-ports.ts";
import { createJiraCloudPort, jiraSettingsFromEnv } from "../../tools/jira/jira-cloud.ts";
import type { Env } from "../config/env.ts";
import type { Clock } from "../core/clock.ts";
import type { Ports } from "../core/domain/ports.ts";
import { DaybookError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import type { Store } from "../core/store.ts";

/** Each outside system is real when its credentials are set, else the demo organisation. */
export function createPorts(env: Env, deps: { store: Store; clock: Clock; logger: Logger }): Ports {
  const demo = createDemoPorts({ clock: deps.clock });
  // Refuses a partial Jira set-up (naming the missing variables) rather than silently using the demo.
  const jiraSettings = jiraSettingsFromEnv(env);
  const xeroReal = Boolean(
    env.XERO_TENANT_ID && (env.XERO_ACCESS_TOKEN || (env.XERO_CLIENT_ID && env.XERO_CLIENT_SECRET)),
  );
  if (env.XERO_TENANT_ID && !xeroReal) {
    throw new DaybookError(
      "config_invalid",
      "XERO_TENANT_ID is set but no credentials are. Fix: set XERO_CLIENT_ID and XERO_CLIENT_SECRET (custom connection) or XERO_ACCESS_TOKEN.",
    );
  }
  const jira = jiraSettings ? createJiraCloudPort(jiraSettings, deps) : demo.jira;
  const crm = env.HUBSPOT_ACCESS_TOKEN
    ? createHubSpotPort(
        {
          accessToken: env.HUBSPOT_ACCESS_TOKEN,
          ...(env.HUBSPOT_BASE_URL ? { baseUrl: env.HUBSPOT_BASE_URL } : {}),
          ...(env.HUBSPOT_CURRENCY ? { currency: env.HUBSPOT_CURRENCY } : {}),
          requestsPer10s: env.HUBSPOT_REQUESTS_PER_10S,
        },
        deps,
      )
    : demo.crm;
  const accounting =
    xeroReal && env.XERO_TENANT_ID
      ? createXeroPort(
          {
            tenantId: env.XERO_TENANT_ID,
            ...(env.XERO_BASE_URL ? { baseUrl: env.XERO_BASE_URL } : {}),
            ...(env.XERO_CLIENT_ID ? { clientId: env.XERO_CLIENT_ID } : {}),
            ...(env.XERO_CLIENT_SECRET ? { clientSecret: env.XERO_CLIENT_SECRET } : {}),
            ...(env.XERO_ACCESS_TOKEN ? { accessToken: env.XERO_ACCESS_TOKEN } : {}),
          },
          deps,
        )
      : demo.accounting;
  return {
    jira,
    crm,
    accounting,
    sources: {
      jira: jira === demo.jira ? "demo" : "real",
      crm: crm === demo.crm ? "demo" : "real",
      accounting: accounting === demo.accounting ? "demo" : "real",
    },
  };
}
