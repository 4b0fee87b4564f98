import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeamsIntegration, type TeamsIntegration } from "../adapters/teams/teams-integration.ts";
import type { IncomingMessage } from "../src/core/chat.ts";
import { silentLogger } from "../src/core/logger.ts";
import { InFlight } from "../src/in-flight.ts";
import { createServer } from "../src/server.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { type BotIdentityProvider, startBotIdentityProvider, unpublishedKey } from "./support/bot-identity-provider.ts";
import { startFakeServer } from "./support/http.ts";
import { countingStore } from "./support/side-effects.ts";

// Bot Framework inbound tokens validated as in production (botframework-connector's
// ParameterizedBotFrameworkAuthentication), only against a local identity provider:
// https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication
const appId = "00000000-0000-0000-0000-0000000000b1";
const appPassword = "local-test-secret";
const tenantId = "tenant-1";
const channelScope = "https://api.botframework.com";

interface Harness {
  url: string;
  idp: BotIdentityProvider;
  connector: Awaited<ReturnType<typeof startFakeServer>>;
  teams: TeamsIntegration;
  writes: string[];
  handled: IncomingMessage[];
  inFlight: InFlight;
  close(): Promise<void>;
}

async function start(
  options: { allowedTenants?: string[]; appId?: string; accessTokenSeconds?: number } = {},
): Promise<Harness> {
  const botAppId = options.appId ?? appId;
  const idp = await startBotIdentityProvider({ accessTokenSeconds: options.accessTokenSeconds });
  let n = 0;
  const connector = await startFakeServer(() => ({ body: { id: `msg-${++n}` } }));
  const { store, writes } = countingStore(new MemoryStore());
  const handled: IncomingMessage[] = [];
  const inFlight = new InFlight();
  const teams: TeamsIntegration = createTeamsIntegration({
    appId: botAppId,
    appPassword,
    appType: "MultiTenant",
    nodeEnv: "test",
    devSkipAuth: false,
    allowedTenants: options.allowedTenants,
    botFrameworkEndpoints: {
      settings: {
        ToBotFromChannelOpenIdMetadataUrl: idp.metadataUrl,
        ToBotFromChannelTokenIssuer: idp.issuer,
        ToBotFromEmulatorOpenIdMetadataUrl: idp.metadataUrl,
        ToChannelFromBotLoginUrl: `${idp.url}/${tenantId}`,
        ToChannelFromBotOAuthScope: channelScope,
        OAuthUrl: idp.url,
        ValidateAuthority: false,
        CallerId: "urn:botframework:azure",
      },
      credentialsFactory: idp.credentialsFactory(botAppId, appPassword),
    },
    store,
    logger: silentLogger,
    handle: async (incoming) => {
      handled.push(incoming);
      await teams.adapter.post(incoming.thread, {
        header: "",
        blocks: [{ type: "text", text: `You asked: ${incoming.text}` }],
      });
    },
    onClick: async () => ({ kind: "none" }),
  });
  const app = createServer({ store, logger: silentLogger, inFlight, routes: [teams.route] });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    idp,
    connector,
    teams,
    writes,
    handled,
    inFlight,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([idp.close(), connector.close()]);
    },
  };
}

function message(serviceUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "message",
    id: `m-${Math.random().toString(36).slice(2)}`,
    channelId: "msteams",
    serviceUrl,
    from: { id: "29:aad-sam", aadObjectId: "aad-sam", name: "Sam Patel" },
    recipient: { id: `28:${appId}`, name: "daybook" },
    conversation: { id: "a:1personal-chat", conversationType: "personal", tenantId },
    channelData: { tenant: { id: tenantId } },
    text: "what closes this week?",
    ...overrides,
  };
}

let h: Harness;
beforeAll(async () => {
  h = await start();
});
afterAll(async () => {
  await h.close();
});

async function send(token: string, activity = message(h.connector.url)): Promise<Response> {
  const response = await fetch(`${h.url}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(activity),
  });
  await h.inFlight.drain(5_000);
  return response;
}

function validClaims(): Record<string, unknown> {
  return { aud: appId, serviceurl: h.connector.url };
}

describe("Teams validates Bot Framework tokens against the identity provider", () => {
  it("answers a message carrying a valid channel token, and the reply carries a token from the token endpoint", async () => {
    const grantsBefore = h.idp.tokenGrants.length;
    const connectorBefore = h.connector.requests.length;
    const response = await send(h.idp.channelToken(validClaims()));

    expect(response.status).toBe(200);
    expect(h.handled.map((m) => m.text)).toEqual(["what closes this week?"]);
    const replies = h.connector.requests.slice(connectorBefore).filter((r) => r.method === "POST");
    expect(replies).toHaveLength(1);
    expect(replies[0]?.path).toMatch(/^\/v3\/conversations\/a%3A1personal-chat\/activities/);
    expect(JSON.stringify(JSON.parse(replies[0]?.body ?? "{}"))).toContain("You asked: what closes this week?");

    const grants = h.idp.tokenGrants.slice(grantsBefore);
    expect(grants).toEqual([expect.objectContaining({ clientId: appId, scope: `${channelScope}/.default` })]);
    const authorization = String(replies[0]?.headers.authorization ?? "");
    expect(authorization).toBe(`Bearer ${grants[0]?.accessToken}`);
    expect(h.idp.verifies(authorization.replace(/^Bearer /, ""))).toBe(true);
  });

  it("reuses the bot's outbound token for the next reply instead of fetching another", async () => {
    const grantsBefore = h.idp.tokenGrants.length;
    const connectorBefore = h.connector.requests.length;
    expect((await send(h.idp.channelToken(validClaims()))).status).toBe(200);
    expect(h.connector.requests.slice(connectorBefore).filter((r) => r.method === "POST")).toHaveLength(1);
    expect(h.idp.tokenGrants.length).toBe(grantsBefore);
  });

  const refusals: [string, () => string][] = [
    [
      "an expired token (beyond the five-minute clock skew)",
      () => {
        const now = Math.floor(Date.now() / 1000);
        return h.idp.channelToken({ ...validClaims(), iat: now - 7200, nbf: now - 7200, exp: now - 600 });
      },
    ],
    [
      "a token that is not valid yet (beyond the clock skew)",
      () => {
        const now = Math.floor(Date.now() / 1000);
        return h.idp.channelToken({ ...validClaims(), nbf: now + 900, exp: now + 4500 });
      },
    ],
    [
      "a token for another bot (audience is not MICROSOFT_APP_ID)",
      () => h.idp.channelToken({ ...validClaims(), aud: "00000000-0000-0000-0000-00000000dead" }),
    ],
    [
      "a token from another issuer",
      () => h.idp.channelToken({ ...validClaims(), iss: "https://api.botframework.example" }),
    ],
    [
      "a token signed by a key the provider does not publish",
      () => h.idp.channelToken(validClaims(), { key: unpublishedKey(), kid: "someone-elses-key" }),
    ],
    [
      "a token signed by an unpublished key that claims the published key id",
      () => h.idp.channelToken(validClaims(), { key: unpublishedKey(), kid: "local-idp-key-1" }),
    ],
    ["an unsigned token (alg: none)", () => h.idp.channelToken(validClaims(), { alg: "none" })],
    [
      "a token for another serviceUrl than the activity's",
      () => h.idp.channelToken({ ...validClaims(), serviceurl: "https://smba.attacker.example/teams/" }),
    ],
  ];

  for (const [name, token] of refusals) {
    it(`refuses ${name}: 401, nothing handled, stored or sent`, async () => {
      const before = { handled: h.handled.length, writes: h.writes.length, connector: h.connector.requests.length };
      const response = await send(token());
      expect(response.status).toBe(401);
      expect(h.handled.length).toBe(before.handled);
      expect(h.writes.length).toBe(before.writes);
      expect(h.connector.requests.length).toBe(before.connector);
    });
  }
});

describe("Teams refreshes the bot's outbound token before it expires", () => {
  it("fetches a new token when the cached one has less than five minutes left (AppCredentials' margin)", async () => {
    // A separate app id: botframework-connector caches tokens per app id and scope, process-wide.
    const refreshing = await start({ appId: "00000000-0000-0000-0000-0000000000b2", accessTokenSeconds: 299 });
    try {
      for (const text of ["first", "second"]) {
        const activity = message(refreshing.connector.url, { text, recipient: { id: "28:bot-b2", name: "daybook" } });
        const token = refreshing.idp.channelToken({
          aud: "00000000-0000-0000-0000-0000000000b2",
          serviceurl: refreshing.connector.url,
        });
        const response = await fetch(`${refreshing.url}/api/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify(activity),
        });
        await refreshing.inFlight.drain(5_000);
        expect(response.status).toBe(200);
      }
      const replies = refreshing.connector.requests.filter((r) => r.method === "POST");
      expect(replies).toHaveLength(2);
      expect(refreshing.idp.tokenGrants).toHaveLength(2);
      expect(replies.map((r) => r.headers.authorization)).toEqual(
        refreshing.idp.tokenGrants.map((g) => `Bearer ${g.accessToken}`),
      );
    } finally {
      await refreshing.close();
    }
  });
});

describe("Teams admits only the allowed tenants, after validating the token", () => {
  it("refuses a validly signed activity from a tenant outside the allow-list: 403, nothing handled or sent", async () => {
    const other = await start({ allowedTenants: ["tenant-allowed"] });
    try {
      const activity = message(other.connector.url);
      const response = await fetch(`${other.url}/api/messages`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${other.idp.channelToken({ aud: appId, serviceurl: other.connector.url })}`,
        },
        body: JSON.stringify(activity),
      });
      await other.inFlight.drain(5_000);
      expect(response.status).toBe(403);
      expect(other.handled).toHaveLength(0);
      expect(other.writes).toHaveLength(0);
      expect(other.connector.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});
