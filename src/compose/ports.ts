import { createDemoPorts } from "../../tools/demo/demo-ports.ts";
import { jiraSettingsFromEnv } from "../../tools/jira/jira-settings.ts";
import type { Env } from "../config/env.ts";
import type { Clock } from "../core/clock.ts";
import type { Ports } from "../core/domain/ports.ts";
import { DaybookError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import type { UpstreamObserver } from "../core/metrics.ts";
import type { Store } from "../core/store.ts";
import { inSpan, SpanKind } from "../core/tracing.ts";

/**
 * Each outside system is real when its credentials are set, else the demo organisation.
 * A real connector's module (and its SDK: jira.js, @hubspot/api-client, xero-node) is imported
 * only when that system is configured; together they cost about a second and 100 MB at start-up
 * (issue 15, bench/start-up.bench.ts).
 */
export async function createPorts(
  env: Env,
  deps: { store: Store; clock: Clock; logger: Logger; upstream?: UpstreamObserver },
): Promise<Ports> {
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
  const hubspotToken = env.HUBSPOT_ACCESS_TOKEN;
  const xeroTenant = xeroReal ? env.XERO_TENANT_ID : undefined;
  const [jira, crm, accounting] = await Promise.all([
    jiraSettings
      ? import("../../tools/jira/jira-cloud.ts").then((m) => m.createJiraCloudPort(jiraSettings, deps))
      : demo.jira,
    hubspotToken
      ? import("../../tools/crm/hubspot.ts").then((m) =>
          m.createHubSpotPort(
            {
              accessToken: hubspotToken,
              ...(env.HUBSPOT_BASE_URL ? { baseUrl: env.HUBSPOT_BASE_URL } : {}),
              ...(env.HUBSPOT_CURRENCY ? { currency: env.HUBSPOT_CURRENCY } : {}),
              ...(env.HUBSPOT_HEALTH_SCORE_PROPERTY ? { healthScoreProperty: env.HUBSPOT_HEALTH_SCORE_PROPERTY } : {}),
              requestsPer10s: env.HUBSPOT_REQUESTS_PER_10S,
            },
            deps,
          ),
        )
      : demo.crm,
    xeroTenant
      ? import("../../tools/accounting/xero.ts").then((m) =>
          m.createXeroPort(
            {
              tenantId: xeroTenant,
              ...(env.XERO_BASE_URL ? { baseUrl: env.XERO_BASE_URL } : {}),
              ...(env.XERO_CLIENT_ID ? { clientId: env.XERO_CLIENT_ID } : {}),
              ...(env.XERO_CLIENT_SECRET ? { clientSecret: env.XERO_CLIENT_SECRET } : {}),
              ...(env.XERO_ACCESS_TOKEN ? { accessToken: env.XERO_ACCESS_TOKEN } : {}),
            },
            deps,
          ),
        )
      : demo.accounting,
  ]);
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

/**
 * Every port call is a client span named `<system>.<method>` (docs/tracing.md): the same spans
 * for a real connector and the demo organisation, at the boundary the tools call. Arguments
 * are never attributes (they may quote the request).
 */
export function tracePorts(ports: Ports): Ports {
  return {
    jira: traceMethods(ports.jira, "jira", ports.sources.jira),
    crm: traceMethods(ports.crm, "crm", ports.sources.crm),
    accounting: traceMethods(ports.accounting, "accounting", ports.sources.accounting),
    sources: ports.sources,
  };
}

function traceMethods<T extends object>(port: T, system: string, source: "demo" | "real"): T {
  return new Proxy(port, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function" || typeof property !== "string") return value;
      return (...args: unknown[]) => {
        // A helper that answers synchronously stays synchronous (its span ends at once).
        let sync: { value: unknown } | undefined;
        const traced = inSpan(
          `${system}.${property}`,
          { kind: SpanKind.CLIENT, attributes: { "daybook.system": system, "daybook.source": source } },
          async () => {
            // Called on the port itself, so class ports keep their private fields.
            const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
            if (!(result instanceof Promise)) sync = { value: result };
            return result;
          },
        );
        if (!sync) return traced;
        traced.catch(() => {});
        return sync.value;
      };
    },
  });
}
