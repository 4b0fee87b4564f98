import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { StoreInstallationStore } from "../adapters/slack/oauth/installation-store.ts";
import { installScopes } from "../adapters/slack/oauth/scopes.ts";
import { StoreStateStore, stateTtlSeconds } from "../adapters/slack/oauth/state-store.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import type { OrgConfig } from "../src/config/org.ts";
import { createLogger } from "../src/core/logger.ts";
import type { Store } from "../src/core/store.ts";
import { slotOf } from "../src/scheduler/scheduler.ts";
import type { RedisStore } from "../src/store/redis-store.ts";
import type { RecordedRequest } from "./support/http.ts";
import { connectTestRedis, redisSkipReason } from "./support/redis.ts";
import { slackArgs, startWholeApp, type WholeApp } from "./support/whole-app.ts";
import { settle, until } from "./whole-app/drive.ts";

const oauthEnv = {
  SLACK_BOT_TOKEN: undefined,
  SLACK_CLIENT_ID: "1111111111.2222222222",
  SLACK_CLIENT_SECRET: "oauth-test-client-secret",
  SLACK_STATE_SECRET: "oauth-test-state-secret-0123456789abcdef",
};

describe("the install's scopes", () => {
  it("are exactly the bot scopes of manifest/slack/manifest.yaml", () => {
    const manifest = parse(readFileSync(new URL("../manifest/slack/manifest.yaml", import.meta.url), "utf8")) as {
      oauth_config: { scopes: { bot: string[] }; redirect_urls: string[] };
    };
    expect([...installScopes].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
    expect(manifest.oauth_config.redirect_urls.map((u) => new URL(u).pathname)).toEqual(["/slack/oauth_redirect"]);
  });
});

describe("Slack mode configuration", () => {
  it("refuses SLACK_BOT_TOKEN together with the OAuth variables, naming them and the fix", () => {
    expect(() => loadConfig({ ...oauthEnv, SLACK_BOT_TOKEN: "xoxb-one-workspace" })).toThrow(
      /SLACK_BOT_TOKEN: set together with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET\. Fix: unset SLACK_BOT_TOKEN/,
    );
  });

  it("names the OAuth variables still missing when only some are set", () => {
    expect(() => loadConfig({ SLACK_CLIENT_ID: oauthEnv.SLACK_CLIENT_ID })).toThrow(
      /SLACK_CLIENT_ID: set without SLACK_CLIENT_SECRET and SLACK_STATE_SECRET\. Fix: set all of/,
    );
  });

  it("refuses a short state secret and a malformed client id, each with its fix", () => {
    expect(() => loadConfig({ ...oauthEnv, SLACK_STATE_SECRET: "short" })).toThrow(
      /SLACK_STATE_SECRET: must be at least 32 characters\. Fix: set SLACK_STATE_SECRET to a random string/,
    );
    expect(() => loadConfig({ ...oauthEnv, SLACK_CLIENT_ID: "my-app" })).toThrow(/SLACK_CLIENT_ID: must look like/);
  });

  it("keeps the single-workspace mode when only SLACK_BOT_TOKEN is set", () => {
    const { env } = loadConfig({ SLACK_BOT_TOKEN: "xoxb-one-workspace", SLACK_SIGNING_SECRET: "s" });
    expect(env.SLACK_BOT_TOKEN).toBe("xoxb-one-workspace");
    expect(env.SLACK_CLIENT_ID).toBeUndefined();
  });
});

describe.skipIf(redisSkipReason !== undefined)("the OAuth state and installation stores over Redis", () => {
  let store: RedisStore;
  beforeAll(async () => {
    store = await connectTestRedis(`test:slack-oauth:${randomUUID()}:`);
  });
  afterAll(async () => {
    await store?.close();
  });

  const issuedAt = [
    new Date("2026-01-01T00:00:00Z"),
    new Date("2026-02-28T23:55:00Z"),
    new Date("2026-12-31T23:59:30Z"),
  ];

  it.each(issuedAt)("accepts a state once, within ten minutes of issuing it (issued %s)", async (now) => {
    const states = new StoreStateStore({ store, secret: oauthEnv.SLACK_STATE_SECRET });
    const state = await states.generateStateParam({ scopes: ["chat:write"] }, now);
    const later = new Date(now.getTime() + (stateTtlSeconds - 1) * 1000);
    expect(await states.verifyStateParam(later, state)).toEqual({ scopes: ["chat:write"] });
    await expect(states.verifyStateParam(later, state)).rejects.toThrow(/expired or was already used/);
  });

  it.each(issuedAt)("refuses a state presented more than ten minutes after it was issued (%s)", async (now) => {
    const states = new StoreStateStore({ store, secret: oauthEnv.SLACK_STATE_SECRET });
    const state = await states.generateStateParam({ scopes: ["chat:write"] }, now);
    const late = new Date(now.getTime() + stateTtlSeconds * 1000 + 1);
    await expect(states.verifyStateParam(late, state)).rejects.toThrow(/expired or was already used/);
  });

  it("lets Redis forget a state after ten minutes", async () => {
    const states = new StoreStateStore({ store, secret: oauthEnv.SLACK_STATE_SECRET });
    const state = await states.generateStateParam({ scopes: ["chat:write"] }, new Date());
    const ttl = await store.client.pTTL(`${store.prefix}slack:oauth-state:${state.split(".")[0]}`);
    expect(ttl).toBeGreaterThan((stateTtlSeconds - 5) * 1000);
    expect(ttl).toBeLessThanOrEqual(stateTtlSeconds * 1000);
  });

  it("refuses a state signed with another secret without looking it up", async () => {
    const ours = new StoreStateStore({ store, secret: oauthEnv.SLACK_STATE_SECRET });
    const theirs = new StoreStateStore({ store, secret: "another-secret-another-secret-000" });
    const forged = await theirs.generateStateParam({ scopes: ["chat:write"] }, new Date());
    await expect(ours.verifyStateParam(new Date(), forged)).rejects.toThrow(/not issued by this app/);
    await expect(ours.verifyStateParam(new Date(), "no-signature")).rejects.toThrow(/not issued by this app/);
  });

  it("gives a replayed state to exactly one of many concurrent callbacks", async () => {
    const states = new StoreStateStore({ store, secret: oauthEnv.SLACK_STATE_SECRET });
    const state = await states.generateStateParam({ scopes: ["chat:write"] }, new Date());
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => states.verifyStateParam(new Date(), state)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("forgets a revoked user token and keeps the bot token", async () => {
    const installations = new StoreInstallationStore(store);
    const query = { teamId: "T0STOREUSER", enterpriseId: undefined, isEnterpriseInstall: false } as const;
    await installations.storeInstallation({
      team: { id: "T0STOREUSER" },
      enterprise: undefined,
      bot: { token: "xoxb-store-user-team", scopes: [], id: "B3", userId: "U3" },
      user: { token: "xoxp-installer", scopes: ["identify"], id: "U0INSTALLER" },
      isEnterpriseInstall: false,
    });
    await installations.dropUserToken(query, ["U0SOMEONEELSE"]);
    expect(await store.get("slack:installation:team:T0STOREUSER")).toContain("xoxp-installer");
    await installations.dropUserToken(query, ["U0INSTALLER"]);
    const kept = await installations.fetchInstallation(query);
    expect(kept.user).toEqual({ scopes: ["identify"], id: "U0INSTALLER" });
    expect(kept.bot?.token).toBe("xoxb-store-user-team");
  });

  it("keys a workspace install by team id and an org-wide install by enterprise id", async () => {
    const installations = new StoreInstallationStore(store);
    await installations.storeInstallation({
      team: { id: "T0STORE1" },
      enterprise: undefined,
      bot: { token: "xoxb-store-team", scopes: [], id: "B1", userId: "U1" },
      user: { token: undefined, scopes: undefined, id: "U0INSTALLER" },
      isEnterpriseInstall: false,
    });
    await installations.storeInstallation({
      team: undefined,
      enterprise: { id: "E0STORE" },
      bot: { token: "xoxb-store-org", scopes: [], id: "B2", userId: "U2" },
      user: { token: undefined, scopes: undefined, id: "U0ADMIN" },
      isEnterpriseInstall: true,
    });
    expect(await store.get("slack:installation:team:T0STORE1")).toContain("xoxb-store-team");
    expect(await store.get("slack:installation:enterprise:E0STORE")).toContain("xoxb-store-org");
    // A workspace of the org is answered by the org's install once an event from it was authorized.
    expect(await installations.forWorkspace("T0STOREORG")).toBeUndefined();
    await installations.fetchInstallation({ teamId: "T0STOREORG", enterpriseId: "E0STORE", isEnterpriseInstall: true });
    expect((await installations.forWorkspace("T0STOREORG"))?.bot?.token).toBe("xoxb-store-org");
    await installations.deleteInstallation({ teamId: "T0STORE1", enterpriseId: undefined, isEnterpriseInstall: false });
    expect(await installations.forWorkspace("T0STORE1")).toBeUndefined();
  });
});

// ---- the whole app, many workspaces -------------------------------------------------------------

interface Grant {
  token: string;
  botUser: string;
  team?: { id: string; name: string };
  enterprise?: { id: string; name: string };
}

/** oauth.v2.access answers per code (https://docs.slack.dev/reference/methods/oauth.v2.access); auth.test per token. */
function fakeOAuth(grants: Record<string, Grant>) {
  const byToken = new Map(Object.values(grants).map((g) => [g.token, g]));
  return (req: RecordedRequest) => {
    if (req.path === "/api/oauth.v2.access") {
      const grant = grants[String(slackArgs(req).code)];
      if (!grant) return { body: { ok: false, error: "invalid_code" } };
      return {
        body: {
          ok: true,
          app_id: "A0DAYBOOK",
          authed_user: { id: "U0DEMOALEX" },
          scope: installScopes.join(","),
          token_type: "bot",
          access_token: grant.token,
          bot_user_id: grant.botUser,
          team: grant.team ?? null,
          enterprise: grant.enterprise ?? null,
          is_enterprise_install: grant.enterprise !== undefined && grant.team === undefined,
        },
      };
    }
    if (req.path === "/api/conversations.members") {
      // Each workspace's channel has its own members: North's only people who may see Jira.
      const grant = byToken.get(bearer(req).slice("Bearer ".length));
      const members = grant?.team?.id === "T0SOUTH" ? ["U0DEMOALEX", "U0DEMOSAM"] : ["U0DEMOALEX", "U0DEMOMARIA"];
      return { body: { ok: true, members: [...members, grant?.botUser ?? "U0NOBODY"] } };
    }
    if (req.path === "/api/auth.test") {
      const grant = byToken.get(bearer(req).slice("Bearer ".length));
      if (!grant) return { body: { ok: false, error: "invalid_auth" } };
      return {
        body: {
          ok: true,
          user_id: grant.botUser,
          bot_id: `B${grant.botUser.slice(1)}`,
          team_id: grant.team?.id,
          url: "https://example.slack.com/",
        },
      };
    }
    return undefined;
  };
}

const bearer = (req: RecordedRequest) => String(req.headers.authorization ?? "");

const grants: Record<string, Grant> = {
  "code-north": { token: "xoxb-north-token", botUser: "U0NORTHBOT", team: { id: "T0NORTH", name: "North <Ops>" } },
  "code-south": { token: "xoxb-south-token", botUser: "U0SOUTHBOT", team: { id: "T0SOUTH", name: "South" } },
  "code-grid": { token: "xoxb-grid-token", botUser: "U0GRIDBOT", enterprise: { id: "E0GRID", name: "Grid Org" } },
};

/** The demo org's digest channels, each in the workspace it names (one names none). */
const multiOrg: OrgConfig = {
  ...demoOrg,
  channels: {
    ...demoOrg.channels,
    engineering: { ...demoOrg.channels.engineering, slack: "C0NORTHENG", slackTeam: "T0NORTH" },
    sales: { ...demoOrg.channels.sales, slack: "C0SOUTHSALES", slackTeam: "T0SOUTH" },
    leadership: { ...demoOrg.channels.leadership, slack: "C0NOTEAM" },
  },
};

describe.skipIf(redisSkipReason !== undefined)("Slack installs in many workspaces, over real sockets", () => {
  let w: WholeApp;
  const logs: { level: string; msg: string }[] = [];
  beforeAll(async () => {
    w = await startWholeApp({
      org: multiOrg,
      env: oauthEnv,
      slackApi: fakeOAuth(grants),
      logger: createLogger({ level: "info", write: (line) => logs.push(JSON.parse(line)) }),
    });
  });
  afterAll(async () => {
    await w?.close();
  });

  /** GET /slack/install as a browser: the redirect to Slack and the state cookie it set. */
  async function startInstall(): Promise<{ state: string; cookie: string; location: URL }> {
    const res = await fetch(`${w.url}/slack/install`, { redirect: "manual" });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") ?? "");
    const cookie = (res.headers.getSetCookie()[0] ?? "").split(";")[0] ?? "";
    return { state: location.searchParams.get("state") ?? "", cookie, location };
  }

  function callback(query: Record<string, string>, cookie?: string): Promise<Response> {
    return fetch(`${w.url}/slack/oauth_redirect?${new URLSearchParams(query)}`, {
      headers: cookie ? { cookie } : {},
      redirect: "manual",
    });
  }

  async function install(code: string): Promise<Response> {
    const { state, cookie } = await startInstall();
    return callback({ code, state }, cookie);
  }

  const store = (): Store => w.app.store;

  function envelope(team: string, event: Record<string, unknown>, org?: string): Record<string, unknown> {
    const bot = Object.values(grants).find((g) => g.team?.id === team || (org && g.enterprise?.id === org));
    return {
      token: "legacy",
      team_id: team,
      ...(org ? { enterprise_id: org, is_enterprise_install: true } : {}),
      api_app_id: "A0DAYBOOK",
      type: "event_callback",
      event_id: `Ev${randomUUID().replace(/-/g, "").slice(0, 12).toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      event,
      authorizations: [
        {
          team_id: org ? null : team,
          enterprise_id: org ?? null,
          user_id: bot?.botUser ?? "U0NOBODY",
          is_bot: true,
          is_enterprise_install: org !== undefined,
        },
      ],
    };
  }

  function mention(team: string, ts: string, org?: string, channel = "C0ENGINEERING"): Promise<Response> {
    return w.slackEnvelope(
      envelope(
        team,
        {
          type: "app_mention",
          user: "U0DEMOALEX",
          text: "what's blocking the sprint?",
          channel,
          ts,
          team,
        },
        org,
      ),
    );
  }

  /**
   * The request that put the answer to the message at `ts` in its thread, with the token it was
   * sent with: the chat.update that replaced the turn's placeholder, or a chat.postMessage.
   */
  const answerTo = (ts: string) => {
    const answer = w.slack.posted().find((p) => p.args.thread_ts === ts);
    if (!answer) return undefined;
    const updates = w.slack.requests.filter((r) => r.path === "/api/chat.update" && slackArgs(r).ts === answer.ts);
    return (
      updates.at(-1) ??
      w.slack.requests.find((r) => r.path === "/api/chat.postMessage" && slackArgs(r).thread_ts === ts)
    );
  };

  it("sends the installer to Slack's authorize page with the app's client id, scopes and a state", async () => {
    const { location, state, cookie } = await startInstall();
    expect(`${location.origin}${location.pathname}`).toBe("https://slack.com/oauth/v2/authorize");
    expect(location.searchParams.get("client_id")).toBe(oauthEnv.SLACK_CLIENT_ID);
    expect(location.searchParams.get("scope")?.split(",")).toEqual([...installScopes]);
    expect(state).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(cookie).toBe(`slack-app-oauth-state=${state}`);
  });

  it("stores an installation per workspace and answers each workspace with its own token", async () => {
    const north = await install("code-north");
    expect(north.status).toBe(200);
    // The workspace's name is shown, escaped.
    expect(await north.text()).toContain("the workspace North &#60;Ops&#62;");
    expect((await install("code-south")).status).toBe(200);
    expect(await store().get("slack:installation:team:T0NORTH")).toContain("xoxb-north-token");
    expect(await store().get("slack:installation:team:T0SOUTH")).toContain("xoxb-south-token");

    expect((await mention("T0NORTH", "1764500000.000100")).status).toBe(200);
    expect((await mention("T0SOUTH", "1764500000.000200")).status).toBe(200);
    const northAnswer = await until(() => answerTo("1764500000.000100"), 15_000, "North's answer");
    const southAnswer = await until(() => answerTo("1764500000.000200"), 15_000, "South's answer");
    expect(bearer(northAnswer)).toBe("Bearer xoxb-north-token");
    expect(bearer(southAnswer)).toBe("Bearer xoxb-south-token");
    expect(String(slackArgs(northAnswer).text)).not.toMatch(/you asked/i);
  });

  it("keeps two histories for the same channel and thread ids in two workspaces", async () => {
    const ts = "1764500000.000300";
    await mention("T0NORTH", ts);
    await until(() => answerTo(ts), 15_000, "North's answer");
    const keys = await (store() as RedisStore).client.keys(`${(store() as RedisStore).prefix}thread:slack:*${ts}*`);
    expect(keys.map((k) => k.slice((store() as RedisStore).prefix.length))).toEqual([
      `thread:slack:T0NORTH:C0ENGINEERING:${encodeURIComponent(ts)}:history`,
    ]);
    await mention("T0SOUTH", ts);
    // Both answered (posted() leaves out placeholders the answers have not replaced yet).
    await until(() => w.slack.posted().filter((p) => p.args.thread_ts === ts)[1]);
    const both = await (store() as RedisStore).client.keys(`${(store() as RedisStore).prefix}thread:slack:*${ts}*`);
    expect(both).toHaveLength(2);
    const tokens = w.slack.requests
      .filter((r) => r.path === "/api/chat.postMessage" && slackArgs(r).thread_ts === ts)
      .map(bearer);
    expect(tokens.sort()).toEqual(["Bearer xoxb-north-token", "Bearer xoxb-south-token"]);
  });

  it("asks each workspace who is in its channel: one workspace's members never decide what another's may see", async () => {
    // The same channel id in both workspaces (as a Slack Connect channel has): North's members
    // may all see Jira, South's include Sam (sales only), so South's answer goes to the asker.
    await mention("T0NORTH", "1764500000.000910", undefined, "C0SHARED");
    const north = await until(() => answerTo("1764500000.000910"), 15_000, "North's answer");
    expect(String(slackArgs(north).text)).not.toMatch(/privately|direct message/i);
    const opensBefore = w.slack.requests.filter((r) => r.path === "/api/conversations.open").length;
    await mention("T0SOUTH", "1764500000.000920", undefined, "C0SHARED");
    const opened = await until(
      () => w.slack.requests.filter((r) => r.path === "/api/conversations.open").slice(opensBefore)[0],
      15_000,
      "South's private answer",
    );
    expect(bearer(opened)).toBe("Bearer xoxb-south-token");
    const members = w.slack.requests.filter((r) => r.path === "/api/conversations.members").map(bearer);
    expect(members).toEqual(expect.arrayContaining(["Bearer xoxb-north-token", "Bearer xoxb-south-token"]));
  });

  it("refuses a callback whose state was never issued, with a page saying so, and stores nothing", async () => {
    const exchanges = w.slack.calls("oauth.v2.access").length;
    const forged = "AAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
    const res = await callback({ code: "code-north", state: forged }, `slack-app-oauth-state=${forged}`);
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain("This install link is not valid here");
    expect(page).toContain("Nothing was installed");
    expect(page).not.toMatch(/Error|stack|at \w+ \(/);
    expect(w.slack.calls("oauth.v2.access")).toHaveLength(exchanges);
  });

  it("refuses a state used twice: the second callback exchanges and stores nothing", async () => {
    await store().delete("slack:installation:team:T0SOUTH");
    const { state, cookie } = await startInstall();
    expect((await callback({ code: "code-south", state }, cookie)).status).toBe(200);
    await store().delete("slack:installation:team:T0SOUTH");
    const exchanges = w.slack.calls("oauth.v2.access").length;
    const replay = await callback({ code: "code-south", state }, cookie);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("was already used");
    expect(w.slack.calls("oauth.v2.access")).toHaveLength(exchanges);
    expect(await store().get("slack:installation:team:T0SOUTH")).toBeUndefined();
    expect((await install("code-south")).status).toBe(200);
  });

  it("refuses an expired state and a state started in another browser", async () => {
    const expired = await startInstall();
    const key = `slack:oauth-state:${expired.state.split(".")[0]}`;
    // Ten minutes pass in Redis: the state's TTL runs out.
    await store().set(key, (await store().get(key)) ?? "", { ttlMs: 1 });
    await settle(20);
    const late = await callback({ code: "code-grid", state: expired.state }, expired.cookie);
    expect(late.status).toBe(400);
    expect(await late.text()).toContain("has expired");

    const elsewhere = await startInstall();
    const noCookie = await callback({ code: "code-grid", state: elsewhere.state });
    expect(noCookie.status).toBe(400);
    expect(await noCookie.text()).toContain("started in another browser");
    expect(await store().get("slack:installation:enterprise:E0GRID")).toBeUndefined();
  });

  it("tells the installer when Slack refuses the code, and stores nothing", async () => {
    const res = await install("code-unknown");
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("Slack did not confirm the installation, so nothing was installed");
  });

  it("keys an org-wide install by enterprise id and answers its workspaces with the org's token", async () => {
    const res = await install("code-grid");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("the organisation Grid Org");
    expect(await store().get("slack:installation:enterprise:E0GRID")).toContain("xoxb-grid-token");
    expect(await store().get("slack:installation:team:E0GRID")).toBeUndefined();

    expect((await mention("T0GRIDSALES", "1764500000.000400", "E0GRID")).status).toBe(200);
    const answer = await until(() => answerTo("1764500000.000400"), 15_000, "the org workspace's answer");
    expect(bearer(answer)).toBe("Bearer xoxb-grid-token");
  });

  it("does not answer a workspace that never installed daybook, and logs it as expected, not as a fault", async () => {
    expect((await mention("T0STRANGER", "1764500000.000500")).status).toBe(200);
    await settle(800);
    expect(answerTo("1764500000.000500")).toBeUndefined();
    expect(logs.map((l) => l.msg)).toContain("ignored an event from a Slack workspace daybook is not installed in");
    expect(logs.filter((l) => l.level === "error")).toEqual([]);
  });

  it("never writes a bot token, the client secret or a state into the logs", () => {
    const text = JSON.stringify(logs);
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [...Object.values(grants).map((g) => g.token), oauthEnv.SLACK_CLIENT_SECRET]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/slack-app-oauth-state=/);
  });

  it("posts each channel's digest with the token of the workspace the org config names for it", async () => {
    const slot = slotOf(Date.UTC(2026, 11, 1, 9, 0));
    const postIn = (channel: string) =>
      w.slack.requests.find((r) => r.path === "/api/chat.postMessage" && slackArgs(r).channel === channel);
    await w.app.work?.dispatchDigest("standup", slot);
    await w.app.work?.dispatchDigest("sales", slot);
    await w.app.work?.dispatchDigest("weekly", slot);
    expect(bearer(await until(() => postIn("C0NORTHENG"), 20_000, "the standup"))).toBe("Bearer xoxb-north-token");
    expect(bearer(await until(() => postIn("C0SOUTHSALES"), 20_000, "the sales digest"))).toBe(
      "Bearer xoxb-south-token",
    );
    // A channel that names no workspace gets nothing, and its delivery says what to set.
    const weekly = await latestRun("weekly");
    const slackDelivery = weekly.deliveries.find((d) => d.platform === "slack");
    expect(slackDelivery?.receipt).toBeUndefined();
    expect(slackDelivery?.error?.message).toMatch(/set channels\.<name>\.slackTeam/);
    expect(postIn("C0NOTEAM")).toBeUndefined();
  });

  it("removes the installation on app_uninstalled, and a later event from that team is not answered", async () => {
    expect(await store().get("slack:installation:team:T0SOUTH")).toBeDefined();
    expect((await w.slackEnvelope(envelope("T0SOUTH", { type: "app_uninstalled" }))).status).toBe(200);
    await eventuallyGone("slack:installation:team:T0SOUTH");

    expect((await mention("T0SOUTH", "1764500000.000600")).status).toBe(200);
    await settle(800);
    expect(answerTo("1764500000.000600")).toBeUndefined();
    // North is untouched.
    await mention("T0NORTH", "1764500000.000700");
    expect(bearer(await until(() => answerTo("1764500000.000700")))).toBe("Bearer xoxb-north-token");
  });

  it("removes the installation when Slack revokes its bot token", async () => {
    expect(
      (
        await w.slackEnvelope(
          envelope("T0NORTH", { type: "tokens_revoked", tokens: { oauth: [], bot: ["U0NORTHBOT"] } }),
        )
      ).status,
    ).toBe(200);
    await eventuallyGone("slack:installation:team:T0NORTH");
    await mention("T0NORTH", "1764500000.000800");
    await settle(800);
    expect(answerTo("1764500000.000800")).toBeUndefined();
  });

  async function latestRun(digest: "weekly") {
    const end = Date.now() + 20_000;
    for (;;) {
      const [run] = await w.app.scheduler.runLog(digest, 1);
      if (run) return run;
      if (Date.now() > end) throw new Error(`no ${digest} run recorded`);
      await settle(50);
    }
  }

  async function eventuallyGone(key: string): Promise<void> {
    const end = Date.now() + 5_000;
    while ((await store().get(key)) !== undefined) {
      if (Date.now() > end) throw new Error(`${key} is still stored`);
      await settle(25);
    }
  }
});
