/**
 * The three vendor fakes serving one generated organisation, and the real connectors pointed
 * at them: the "real" half of a comparison whose other half is the demo ports over the same
 * organisation.
 */
import type { Clock } from "../../../src/core/clock.ts";
import type { Ports } from "../../../src/core/domain/ports.ts";
import { silentLogger } from "../../../src/core/logger.ts";
import { MemoryStore } from "../../../src/store/memory-store.ts";
import { createXeroPort } from "../../../tools/accounting/xero.ts";
import { createHubSpotPort } from "../../../tools/crm/hubspot.ts";
import type { DemoOrg } from "../../../tools/demo/generate.ts";
import { createJiraCloudPort } from "../../../tools/jira/jira-cloud.ts";
import type { OrgFake } from "./common.ts";
import { HUBSPOT_FAKE_HEALTH_PROPERTY, HUBSPOT_FAKE_TOKEN, startHubSpotFake } from "./hubspot.ts";
import { FLAGGED_FIELD, JIRA_FAKE_EMAIL, JIRA_FAKE_TOKEN, STORY_POINTS_FIELD, startJiraFake } from "./jira.ts";
import { startXeroFake, XERO_FAKE_TENANT, XERO_FAKE_TOKEN } from "./xero.ts";

export interface OrgFakes {
  ports: Ports;
  jira: OrgFake;
  hubspot: OrgFake;
  xero: OrgFake;
  close(): Promise<void>;
}

export async function startOrgFakes(org: DemoOrg, clock: Clock): Promise<OrgFakes> {
  const [jira, hubspot, xero] = await Promise.all([
    startJiraFake({ org, clock }),
    startHubSpotFake({ org, clock }),
    startXeroFake({ org }),
  ]);
  // No retries: a refused request is a finding, not something to wait out.
  const deps = { store: new MemoryStore(), clock, logger: silentLogger, policy: { maxRetries: 0, timeoutMs: 5_000 } };
  const ports: Ports = {
    jira: createJiraCloudPort(
      {
        baseUrl: jira.url,
        email: JIRA_FAKE_EMAIL,
        apiToken: JIRA_FAKE_TOKEN,
        projectKey: org.jira.projectKey,
        storyPointsField: STORY_POINTS_FIELD,
        flaggedField: FLAGGED_FIELD,
      },
      deps,
    ),
    // Company ARR carries no currency in HubSpot: it is in the portal's, which a deployment configures.
    crm: createHubSpotPort(
      {
        accessToken: HUBSPOT_FAKE_TOKEN,
        baseUrl: hubspot.url,
        currency: org.profile.currency,
        // This portal keeps a health score on companies (a custom property), so change sets set it.
        healthScoreProperty: HUBSPOT_FAKE_HEALTH_PROPERTY,
      },
      deps,
    ),
    accounting: createXeroPort(
      { tenantId: XERO_FAKE_TENANT, baseUrl: `${xero.url}/api.xro/2.0`, accessToken: XERO_FAKE_TOKEN },
      deps,
    ),
    sources: { jira: "real", crm: "real", accounting: "real" },
  };
  return {
    ports,
    jira,
    hubspot,
    xero,
    close: async () => {
      await Promise.all([jira.close(), hubspot.close(), xero.close()]);
    },
  };
}
