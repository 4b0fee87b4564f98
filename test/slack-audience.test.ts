/**
 * Issue 12, "answers respect their audience", on Slack: the composed server (queued turns, the
 * offline agent over the demo organisation) at POST /slack/events with a local fake of the
 * Slack Web API. A finance user's finance question asked in an engineering channel is answered
 * in a DM, and the channel's thread gets only a note; in the finance channel and in a DM it is
 * answered where it was asked.
 */
import { randomUUID } from "node:crypto";
import type { Hono } from "hono";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { signSlackRequest } from "../adapters/slack/webhook/verify.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import type { OrgConfig } from "../src/config/org.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import { type App, compose } from "../src/main.ts";
import { createServer } from "../src/server.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";
import { SlackMessages } from "./support/slack-messages.ts";

const secret = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const clock = fixedClock("2026-11-30T09:00:00Z");
const fiona = "U0DEMOFIONA";
const maria = "U0DEMOMARIA";
const question = "what's left for the close?";
/** What the close answer shows and the note never does (the demo's close has exceptions). */
const closeWords = /close|exception|unmatched|bill|invoice/i;
const note = "I sent you the answer privately: it contains finance data this channel may not see.";

/** The demo people, with Slack channels that declare what they may show. */
const org: OrgConfig = {
  ...demoOrg,
  channels: {
    ...demoOrg.channels,
    engineering: { slack: "C0ENG", audience: ["jira"] },
    finance: { slack: "C0FIN", audience: ["accounting"] },
  },
};

let tsSeq = 0;
/** Slack message ts: seconds, a dot, six digits. */
const nextTs = () => `1764493000.${String(++tsSeq).padStart(6, "0")}`;

function apiArgs(req: RecordedRequest): Record<string, unknown> {
  if ((req.headers["content-type"] ?? "").includes("json")) return JSON.parse(req.body || "{}");
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(req.body)) out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  return out;
}

describe("the channel audience policy over Slack's HTTP API", () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  let app: App;
  let http: Hono;
  /** Members of channels that declare no audience. */
  const rosters: Record<string, string[]> = { C0MIXED: [fiona, maria, "U0BOT"], C0FINTEAM: [fiona, "U0BOT"] };
  const calls = (method: string) => fake.requests.filter((r) => r.path === `/api/${method}`).map(apiArgs);
  // As people read them: an answer replaces its turn's placeholder (support/slack-messages.ts).
  const messages = new SlackMessages();
  const postsTo = (channel: string) =>
    messages
      .posted()
      .map((m) => m.args)
      .filter((p) => p.channel === channel);
  const shown = (p: Record<string, unknown> | undefined) => `${String(p?.text)}\n${JSON.stringify(p?.blocks ?? [])}`;

  beforeAll(async () => {
    fake = await startFakeServer((req) => {
      const args = apiArgs(req);
      switch (req.path) {
        case "/api/chat.postMessage":
          return messages.post(args);
        case "/api/chat.update":
          return messages.update(args);
        case "/api/conversations.open":
          return { body: { ok: true, channel: { id: `D${String(args.users).slice(1)}` } } };
        case "/api/auth.test":
          return { body: { ok: true, user_id: "U0BOT" } };
        case "/api/conversations.members": {
          const members = rosters[String(args.channel)];
          return members ? { body: { ok: true, members } } : { body: { ok: false, error: "channel_not_found" } };
        }
        case "/respond":
          return { body: { ok: true } };
        default:
          return { body: { ok: true } };
      }
    });
    const env = loadConfig({
      SLACK_SIGNING_SECRET: secret,
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_API_URL: `${fake.url}/api/`,
    }).env;
    const store = new MemoryStore({ clock });
    app = await compose(
      { env, org, orgSource: "test" },
      { store, ports: createDemoPorts({ clock }), clock, logger: silentLogger, platforms: true, role: "all" },
    );
    http = createServer({ store, logger: silentLogger, inFlight: app.inFlight, routes: app.routes });
  });

  afterEach(() => {
    fake.requests.splice(0);
    messages.clear();
  });

  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const signed = (body: string, contentType: string) => {
    const now = Math.floor(clock.now() / 1000);
    return http.request("/slack/events", {
      method: "POST",
      body,
      headers: {
        "content-type": contentType,
        "x-slack-request-timestamp": String(now),
        "x-slack-signature": signSlackRequest(secret, now, body),
      },
    });
  };

  const event = (event: Record<string, unknown>) =>
    signed(
      JSON.stringify({
        token: "legacy",
        team_id: "T0DEMO",
        api_app_id: "A0DAYBOOK",
        type: "event_callback",
        event_id: `Ev${randomUUID().replace(/-/g, "").slice(0, 12).toUpperCase()}`,
        event_time: Math.floor(clock.now() / 1000),
        event,
        authorizations: [{ team_id: "T0DEMO", user_id: "U0BOT", is_bot: true }],
      }),
      "application/json",
    );

  const mention = (channel: string, user = fiona) => {
    const ts = nextTs();
    return { ts, sent: event({ type: "app_mention", user, text: `<@U0BOT> ${question}`, ts, channel, event_ts: ts }) };
  };

  it("answers a finance question in an engineering channel in the asker's DM, with only a note in the thread", async () => {
    const { ts, sent } = mention("C0ENG");
    expect((await sent).status).toBe(200);
    await vi.waitFor(() => expect(postsTo("D0DEMOFIONA")).toHaveLength(1), { timeout: 15_000 });
    await vi.waitFor(() => expect(postsTo("C0ENG")).toHaveLength(1));

    expect(calls("conversations.open")).toEqual([expect.objectContaining({ users: fiona })]);
    const dm = postsTo("D0DEMOFIONA")[0];
    expect(dm?.thread_ts).toBeUndefined();
    expect(shown(dm)).toMatch(closeWords);
    expect(shown(dm)).toMatch(/sources: accounting/);

    const inChannel = postsTo("C0ENG");
    expect(inChannel).toHaveLength(1);
    expect(inChannel[0]?.thread_ts).toBe(ts);
    expect(String(inChannel[0]?.text)).toBe(note);
    expect(shown(inChannel[0])).not.toMatch(/exception|unmatched|sources: accounting/i);
  });

  it("answers the same question in the finance channel's thread", async () => {
    const { ts, sent } = mention("C0FIN");
    expect((await sent).status).toBe(200);
    await vi.waitFor(() => expect(postsTo("C0FIN")).toHaveLength(1), { timeout: 15_000 });
    expect(postsTo("C0FIN")[0]?.thread_ts).toBe(ts);
    expect(shown(postsTo("C0FIN")[0])).toMatch(/sources: accounting/);
    expect(calls("conversations.open")).toEqual([]);
  });

  it("answers it in a DM, in the DM", async () => {
    const ts = nextTs();
    const sent = event({
      type: "message",
      channel_type: "im",
      user: fiona,
      text: question,
      ts,
      channel: "D0DEMOFIONA",
    });
    expect((await sent).status).toBe(200);
    await vi.waitFor(() => expect(postsTo("D0DEMOFIONA")).toHaveLength(1), { timeout: 15_000 });
    expect(postsTo("D0DEMOFIONA")[0]?.thread_ts).toBe(ts);
    expect(shown(postsTo("D0DEMOFIONA")[0])).toMatch(/sources: accounting/);
    expect(calls("conversations.members")).toEqual([]);
  });

  it("goes by the members where a channel declares no audience: private with an engineer there, in the thread without", async () => {
    const mixed = mention("C0MIXED");
    await mixed.sent;
    await vi.waitFor(() => expect(postsTo("C0MIXED")).toHaveLength(1), { timeout: 15_000 });
    expect(String(postsTo("C0MIXED")[0]?.text)).toBe(note);
    await vi.waitFor(() => expect(postsTo("D0DEMOFIONA")).toHaveLength(1));

    const team = mention("C0FINTEAM");
    await team.sent;
    await vi.waitFor(() => expect(postsTo("C0FINTEAM")).toHaveLength(1), { timeout: 15_000 });
    expect(postsTo("C0FINTEAM")[0]?.thread_ts).toBe(team.ts);
    expect(shown(postsTo("C0FINTEAM")[0])).toMatch(/sources: accounting/);
    expect(calls("conversations.members").map((c) => c.channel)).toEqual(["C0MIXED", "C0FINTEAM"]);
  });

  it("fails closed where Slack cannot list the channel's members", async () => {
    const { sent } = mention("C0UNLISTED");
    await sent;
    await vi.waitFor(() => expect(postsTo("C0UNLISTED")).toHaveLength(1), { timeout: 15_000 });
    expect(String(postsTo("C0UNLISTED")[0]?.text)).toBe(note);
    await vi.waitFor(() => expect(postsTo("D0DEMOFIONA")).toHaveLength(1));
  });

  it("sends an approval card for a finance write asked for in the engineering channel to the requester's DM", async () => {
    const ts = nextTs();
    await event({
      type: "app_mention",
      user: fiona,
      text: "<@U0BOT> approve invoice 4729",
      ts,
      channel: "C0ENG",
      event_ts: ts,
    });
    await vi.waitFor(
      () => expect(postsTo("D0DEMOFIONA").some((p) => shown(p).includes(APPROVE_ACTION_ID))).toBe(true),
      {
        timeout: 15_000,
      },
    );
    // The turn's reply ("approval requested", from accounting tools) follows the card privately.
    await vi.waitFor(() => expect(postsTo("C0ENG")).toHaveLength(2));
    await vi.waitFor(() => expect(postsTo("D0DEMOFIONA")).toHaveLength(2));
    const inChannel = postsTo("C0ENG");
    expect(inChannel.map((p) => String(p.text))).toContain(
      "I sent you the approval request privately: it contains finance data this channel may not see.",
    );
    expect(inChannel.some((p) => shown(p).includes(APPROVE_ACTION_ID) || /4729/.test(shown(p)))).toBe(false);
    const card = shown(postsTo("D0DEMOFIONA").find((p) => shown(p).includes(APPROVE_ACTION_ID)));
    // Marked once as sent privately, so the requester knows why it came to the DM.
    expect(card.match(/Sent to you alone/g)).toHaveLength(1);
    const id = /"value":"([a-z0-9]{10})"/.exec(card)?.[1] ?? "";
    // Its updates and its result go where the card went.
    expect((await app.approvals.get(id))?.message?.thread.channel).toBe("D0DEMOFIONA");
  });

  it("answers /daybook in the engineering channel privately too: the channel sees the question and the note", async () => {
    const body = new URLSearchParams({
      command: "/daybook",
      text: question,
      team_id: "T0DEMO",
      channel_id: "C0ENG",
      user_id: fiona,
      user_name: "fiona",
      response_url: `${fake.url}/respond`,
      trigger_id: "1.2.3",
    }).toString();
    expect((await signed(body, "application/x-www-form-urlencoded")).status).toBe(200);
    await vi.waitFor(() => expect(postsTo("C0ENG")).toHaveLength(2), { timeout: 15_000 });
    const [root, reply] = postsTo("C0ENG");
    expect(String(root?.text)).toContain("asked");
    expect(String(reply?.text)).toBe(note);
    await vi.waitFor(() => expect(postsTo("D0DEMOFIONA")).toHaveLength(1));
    expect(shown(postsTo("D0DEMOFIONA")[0])).toMatch(closeWords);
  });
});
