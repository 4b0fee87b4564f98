import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { createPorts } from "../src/main.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { caught } from "./support/errors.ts";
import { HUBSPOT_FAKE_TOKEN, startHubSpotFake } from "./support/org-fakes/hubspot.ts";

const deps = { store: new MemoryStore(), clock: fixedClock("2026-11-23T09:00:00Z"), logger: silentLogger };
const ports = (vars: Record<string, string>) => createPorts(loadConfig(vars).env, deps);

const jira = {
  JIRA_BASE_URL: "https://acme.atlassian.net",
  JIRA_EMAIL: "ops@acme.example",
  JIRA_API_TOKEN: "token",
  JIRA_PROJECT_KEY: "ENG",
};

describe("choosing real connectors or the demo organisation", () => {
  it("uses the demo organisation for every system when nothing is configured", async () => {
    expect((await ports({})).sources).toEqual({ jira: "demo", crm: "demo", accounting: "demo" });
  });

  it("switches Jira alone to Jira Cloud when its variables are set", async () => {
    expect((await ports(jira)).sources).toEqual({ jira: "real", crm: "demo", accounting: "demo" });
  });

  it("switches the CRM alone to HubSpot when its token is set", async () => {
    expect((await ports({ HUBSPOT_ACCESS_TOKEN: "pat-na1-x" })).sources).toEqual({
      jira: "demo",
      crm: "real",
      accounting: "demo",
    });
  });

  it("switches accounting alone to Xero with a tenant and client credentials or a token", async () => {
    const withClient = { XERO_TENANT_ID: "t-1", XERO_CLIENT_ID: "id", XERO_CLIENT_SECRET: "secret" };
    expect((await ports(withClient)).sources).toEqual({ jira: "demo", crm: "demo", accounting: "real" });
    expect((await ports({ XERO_TENANT_ID: "t-1", XERO_ACCESS_TOKEN: "tok" })).sources.accounting).toBe("real");
  });

  it("uses all three real systems together", async () => {
    const all = { ...jira, HUBSPOT_ACCESS_TOKEN: "pat", XERO_TENANT_ID: "t", XERO_ACCESS_TOKEN: "tok" };
    expect((await ports(all)).sources).toEqual({ jira: "real", crm: "real", accounting: "real" });
  });

  it("refuses a partial set-up and names what is missing, never the secret", async () => {
    const partialJira = await caught(ports({ JIRA_BASE_URL: "https://acme.atlassian.net", JIRA_API_TOKEN: "s3cret" }));
    expect(partialJira.message).toMatch(/JIRA_EMAIL, JIRA_PROJECT_KEY/);
    expect(partialJira.message).not.toContain("s3cret");
    await expect(ports({ XERO_TENANT_ID: "t-1" })).rejects.toThrow(/XERO_CLIENT_ID and XERO_CLIENT_SECRET/);
  });
});

describe("the HubSpot portal's currency", () => {
  it("reads HUBSPOT_CURRENCY into company ARR through the real connector", async () => {
    const clock = fixedClock("2026-11-23T09:00:00Z");
    const org = generateDemoOrg({ now: clock.now(), profile: { ...secondOrgProfile, currency: "EUR" } });
    const fake = await startHubSpotFake({ org, clock });
    try {
      const { crm } = await createPorts(
        loadConfig({ HUBSPOT_ACCESS_TOKEN: HUBSPOT_FAKE_TOKEN, HUBSPOT_BASE_URL: fake.url, HUBSPOT_CURRENCY: "eur" })
          .env,
        { ...deps, clock },
      );
      const [customer] = await crm.findCustomers(secondOrgProfile.customers.declining.name);
      expect(customer?.currency).toBe("EUR");
    } finally {
      await fake.close();
    }
  });

  it("refuses a currency that is not an ISO 4217 code, naming the variable", async () => {
    const error = await caught(Promise.resolve().then(() => loadConfig({ HUBSPOT_CURRENCY: "euro" })));
    expect(error.message).toContain("HUBSPOT_CURRENCY");
    expect(error.message).toContain("ISO 4217");
  });
});
