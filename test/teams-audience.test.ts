/**
 * Issue 12, "answers respect their audience", on Teams: the composed server (queued turns, the
 * offline agent over the demo organisation) at POST /api/messages with a local fake of the Bot
 * Framework connector. A finance user's finance question @mentioned in an engineering channel
 * is answered in a 1:1 chat daybook opens with them, and the channel's reply chain gets only a
 * note; in the finance channel and in a personal chat it is answered where it was asked.
 */
import type { Hono } from "hono";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { demoOrg } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import type { OrgConfig } from "../src/config/org.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { type App, compose } from "../src/main.ts";
import { createServer } from "../src/server.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";
import { startTeamsAuth, type TeamsTestAuth } from "./support/teams-tokens.ts";

const clock = fixedClock("2026-11-30T09:00:00Z");
const tenantId = "tenant-1";
const bot = { id: "28:daybook-bot", name: "daybook" };
const fiona = { id: "29:fiona", aadObjectId: "aad-fiona", name: "Fiona Walsh" };
const maria = { id: "29:maria", aadObjectId: "aad-maria", name: "Maria Garcia" };
const engineering = "19:engineering@thread.tacv2";
const finance = "19:finance@thread.tacv2";
const mixed = "19:mixed@thread.tacv2";
/** The 1:1 chat the fake connector creates for Fiona. */
const fionaChat = "a:1fiona-personal";
const question = "what's left for the close?";
const note = "I sent you the answer privately: it contains finance data this channel may not see.";

/** The demo people with Teams AAD ids, and Teams channels that declare what they may show. */
const org: OrgConfig = {
  ...demoOrg,
  users: demoOrg.users.map((u) =>
    u.id === "fiona" ? { ...u, teams: "aad-fiona" } : u.id === "maria" ? { ...u, teams: "aad-maria" } : u,
  ),
  channels: {
    ...demoOrg.channels,
    engineering: { teams: engineering, audience: ["jira"] },
    finance: { teams: finance, audience: ["accounting"] },
  },
};

interface Sent {
  conversationId: string;
  replyToId: string | undefined;
  text: string;
}

function decode(request: RecordedRequest): Sent | undefined {
  const match = /^\/v3\/conversations\/([^/?]+)\/activities(?:\/([^/?]+))?/.exec(request.path);
  if (!match || request.method !== "POST") return undefined;
  const activity = JSON.parse(request.body || "{}") as Record<string, unknown>;
  if (activity.type !== "message") return undefined;
  return {
    conversationId: decodeURIComponent(match[1] ?? ""),
    replyToId: match[2] === undefined ? undefined : decodeURIComponent(match[2]),
    text: JSON.stringify(activity.attachments ?? activity.text ?? ""),
  };
}

describe("the channel audience policy over the Bot Framework connector", () => {
  let connector: Awaited<ReturnType<typeof startFakeServer>>;
  let app: App;
  let http: Hono;
  let n = 0;
  let auth: TeamsTestAuth;
  const rosters: Record<string, unknown[]> = { [mixed]: [fiona, maria] };
  const sent = () => connector.requests.map(decode).filter((s): s is Sent => s !== undefined);
  const sentTo = (conversation: string) => sent().filter((s) => s.conversationId.split(";")[0] === conversation);
  const created = () => connector.requests.filter((r) => r.method === "POST" && r.path === "/v3/conversations");

  beforeAll(async () => {
    connector = await startFakeServer((req) => {
      const paged = /^\/v3\/conversations\/([^/?]+)\/pagedmembers/.exec(req.path);
      if (paged) {
        const roster = rosters[decodeURIComponent(paged[1] ?? "")];
        return roster ? { body: { members: roster } } : { status: 404, body: { error: { code: "NotFound" } } };
      }
      if (req.method === "POST" && req.path === "/v3/conversations") return { body: { id: fionaChat } };
      return { body: { id: `msg-${++n}` } };
    });
    auth = await startTeamsAuth();
    const env = loadConfig({
      MICROSOFT_APP_ID: auth.appId,
      MICROSOFT_APP_PASSWORD: auth.appPassword,
      MICROSOFT_APP_TYPE: "MultiTenant",
    }).env;
    const store = new MemoryStore({ clock });
    app = await compose(
      { env, org, orgSource: "test" },
      {
        store,
        ports: createDemoPorts({ clock }),
        clock,
        logger: silentLogger,
        platforms: true,
        role: "all",
        teamsEndpoints: auth.endpoints,
      },
    );
    http = createServer({ store, logger: silentLogger, inFlight: app.inFlight, routes: app.routes });
  });

  afterEach(() => {
    connector.requests.splice(0);
  });

  afterAll(async () => {
    await app?.close();
    await connector?.close();
    await auth?.close();
  });

  let seq = 0;
  async function ask(conversationId: string, conversationType: "channel" | "personal"): Promise<string> {
    const id = `17000000${String(++seq).padStart(5, "0")}`;
    const inChannel = conversationType === "channel";
    const activity = {
      type: "message",
      id,
      channelId: "msteams",
      serviceUrl: connector.url,
      timestamp: "2026-11-30T09:00:00.000Z",
      from: fiona,
      recipient: bot,
      conversation: {
        id: inChannel ? `${conversationId};messageid=${id}` : conversationId,
        conversationType,
        tenantId,
      },
      channelData: { tenant: { id: tenantId } },
      textFormat: "plain",
      text: inChannel ? `<at>daybook</at> ${question}` : question,
      entities: inChannel ? [{ type: "mention", mentioned: bot, text: "<at>daybook</at>" }] : [],
    };
    const res = await http.request("/api/messages", {
      method: "POST",
      headers: { "content-type": "application/json", ...auth.headers(activity) },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(200);
    return id;
  }

  it("answers a finance question in an engineering channel in a 1:1 chat, with only a note in the reply chain", async () => {
    const root = await ask(engineering, "channel");
    await vi.waitFor(() => expect(sentTo(fionaChat)).toHaveLength(1), { timeout: 15_000 });
    await vi.waitFor(() => expect(sentTo(engineering)).toHaveLength(1));

    const [create] = created();
    const parameters = JSON.parse(create?.body ?? "{}") as Record<string, unknown>;
    expect(parameters).toMatchObject({ isGroup: false, members: [{ id: fiona.id }], tenantId });
    const privately = sentTo(fionaChat)[0];
    expect(privately?.replyToId).toBeUndefined();
    expect(privately?.text).toMatch(/sources: accounting/);

    const inChannel = sentTo(engineering);
    expect(inChannel).toHaveLength(1);
    expect(inChannel[0]?.conversationId).toBe(`${engineering};messageid=${root}`);
    expect(inChannel[0]?.text).toContain(note);
    expect(inChannel[0]?.text).not.toMatch(/sources: accounting|exception/i);
    // The 1:1 chat's reference is kept, so an approval card sent there can be updated later.
    expect((await app.store.mapGet("teams:conversations", fionaChat)) ?? "").toContain(connector.url);
  });

  it("answers the same question in the finance channel's reply chain", async () => {
    const root = await ask(finance, "channel");
    await vi.waitFor(() => expect(sentTo(finance)).toHaveLength(1), { timeout: 15_000 });
    expect(sentTo(finance)[0]?.conversationId).toBe(`${finance};messageid=${root}`);
    expect(sentTo(finance)[0]?.text).toMatch(/sources: accounting/);
    expect(created()).toEqual([]);
  });

  it("answers it in a personal chat, in that chat, without asking who is there", async () => {
    await ask("a:1fiona-own", "personal");
    await vi.waitFor(() => expect(sentTo("a:1fiona-own")).toHaveLength(1), { timeout: 15_000 });
    expect(sentTo("a:1fiona-own")[0]?.text).toMatch(/sources: accounting/);
    expect(connector.requests.some((r) => r.path.includes("pagedmembers"))).toBe(false);
  });

  it("goes by the roster where a channel declares no audience, and fails closed where there is none", async () => {
    await ask(mixed, "channel");
    await vi.waitFor(() => expect(sentTo(mixed)).toHaveLength(1), { timeout: 15_000 });
    expect(sentTo(mixed)[0]?.text).toContain(note);
    await vi.waitFor(() => expect(sentTo(fionaChat)).toHaveLength(1));
    expect(connector.requests.filter((r) => r.path.includes("pagedmembers"))).toHaveLength(1);

    await ask("19:unlisted@thread.tacv2", "channel");
    await vi.waitFor(() => expect(sentTo("19:unlisted@thread.tacv2")).toHaveLength(1), { timeout: 15_000 });
    expect(sentTo("19:unlisted@thread.tacv2")[0]?.text).toContain(note);
  });
});
