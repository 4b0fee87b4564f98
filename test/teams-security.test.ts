import type { Hono } from "hono";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { admissionRefusal } from "../adapters/teams/activity-handler.ts";
import { conversationsKey } from "../adapters/teams/conversation-references.ts";
import { createTeamsIntegration, type TeamsIntegration } from "../adapters/teams/teams-integration.ts";
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from "../src/core/action-ids.ts";
import type { Card } from "../src/core/card.ts";
import type { ButtonClick, ClickResult, IncomingMessage } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { DaybookError } from "../src/core/errors.ts";
import { createLogger, silentLogger } from "../src/core/logger.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { InFlight } from "../src/in-flight.ts";
import { createServer } from "../src/server.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";
import { startTeamsAuth, type TeamsTestAuth } from "./support/teams-tokens.ts";

const clock = fixedClock("2026-11-23T09:00:00Z");
const tenantId = "tenant-1";
const bot = { id: "28:daybook-bot", name: "daybook" };
const chatId = "a:1personal-chat";
const sam = { id: "29:aad-sam", aadObjectId: "aad-sam", name: "Sam Patel" };

type Activity = Record<string, unknown>;

function message(serviceUrl: string, overrides: Activity = {}): Activity {
  return {
    type: "message",
    id: `m-${Math.random().toString(36).slice(2)}`,
    channelId: "msteams",
    serviceUrl,
    from: sam,
    recipient: bot,
    conversation: { id: chatId, conversationType: "personal", tenantId },
    channelData: { tenant: { id: tenantId } },
    text: "help",
    ...overrides,
  };
}

function click(serviceUrl: string, messageId: string, overrides: Activity = {}): Activity {
  return {
    type: "invoke",
    name: "adaptiveCard/action",
    id: `i-${Math.random().toString(36).slice(2)}`,
    channelId: "msteams",
    serviceUrl,
    from: sam,
    recipient: bot,
    conversation: { id: chatId, conversationType: "personal", tenantId },
    channelData: { tenant: { id: tenantId } },
    replyToId: messageId,
    value: { action: { type: "Action.Execute", verb: APPROVE_ACTION_ID, data: { value: "ap-1" } }, trigger: "manual" },
    ...overrides,
  };
}

const approvalCard: Card = {
  header: "Log a call on BrightTech Inc",
  blocks: [
    { type: "text", text: "Renewal call" },
    {
      type: "actions",
      buttons: [
        { actionId: APPROVE_ACTION_ID, label: "Approve", value: "ap-1", style: "primary" },
        { actionId: REJECT_ACTION_ID, label: "Reject", value: "ap-1", style: "danger" },
      ],
    },
  ],
};
const decidedCard: Card = {
  header: "Log a call on BrightTech Inc",
  blocks: [{ type: "context", text: "Approved by Sam Patel" }],
};

/** A JWT-shaped bearer token (unsigned): enough for the pre-checks, never for botbuilder. */
function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT", kid: "made-up" })}.${part(payload)}.c2lnbmF0dXJl`;
}

interface Harness {
  app: Hono;
  teams: TeamsIntegration;
  inFlight: InFlight;
  store: MemoryStore;
  connector: Awaited<ReturnType<typeof startFakeServer>>;
  handled: IncomingMessage[];
  clicks: ButtonClick[];
  logs: Record<string, unknown>[];
  /** Posts with a channel token for the activity, or with exactly `headers` when given. */
  post(activity: Activity, headers?: Record<string, string>): Promise<Response>;
  postRaw(body: string, headers?: Record<string, string>): Promise<Response>;
  /** A valid channel token's headers for this activity. */
  signed(activity: Activity): Record<string, string>;
}

let open: Harness[] = [];
// One identity provider for the file: botframework-connector caches outbound tokens per app id.
let auth: TeamsTestAuth;
beforeAll(async () => {
  // Endorsed for other channels too, as Microsoft's keys are: their activities pass the token
  // check, and what refuses them is daybook's own channel check.
  auth = await startTeamsAuth({ endorsements: ["msteams", "webchat", "directline", "emulator"] });
});
afterAll(async () => {
  await auth?.close();
});

async function harness(
  options: {
    /** TEAMS_DEV_SKIP_AUTH instead of the app's credentials (only the test of that switch). */
    skipAuth?: boolean;
    allowedTenants?: string[];
    invokeAnswerMs?: number;
    onClick?: (click: ButtonClick) => Promise<ClickResult>;
  } = {},
): Promise<Harness> {
  let n = 0;
  const connector = await startFakeServer(() => ({ body: { id: `msg-${++n}` } }));
  const store = new MemoryStore({ clock });
  const inFlight = new InFlight();
  const handled: IncomingMessage[] = [];
  const clicks: ButtonClick[] = [];
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "debug",
    write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
  });
  const teams = createTeamsIntegration({
    ...(options.skipAuth ? { devSkipAuth: true } : auth.credentials),
    appType: "MultiTenant",
    nodeEnv: "test",
    allowedTenants: options.allowedTenants,
    invokeAnswerMs: options.invokeAnswerMs,
    store,
    logger,
    clock,
    handle: async (incoming) => {
      handled.push(incoming);
    },
    onClick: async (c) => {
      clicks.push(c);
      return options.onClick ? options.onClick(c) : { kind: "none" };
    },
  });
  const app = createServer({ store, logger: silentLogger, inFlight, routes: [teams.route] });
  const postRaw = async (body: string, headers: Record<string, string> = {}) =>
    app.request("/api/messages", { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const h: Harness = {
    app,
    teams,
    inFlight,
    store,
    connector,
    handled,
    clicks,
    logs,
    postRaw,
    signed: (activity) => auth.headers(activity as { serviceUrl?: string }),
    post: async (activity, headers) => {
      const sent = headers ?? (options.skipAuth ? {} : auth.headers(activity as { serviceUrl?: string }));
      const response = await postRaw(JSON.stringify(activity), sent);
      await inFlight.drain(5_000);
      return response;
    },
  };
  open.push(h);
  return h;
}

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(open.map((h) => h.connector.close()));
  open = [];
});

describe("Teams only trusts the msteams channel and the allowed tenants", () => {
  it("ignores a Direct Line click posing as an approver: 200, no click handled, nothing stored", async () => {
    const h = await harness();
    const response = await h.post(click(h.connector.url, "msg-1", { channelId: "directline" }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect(h.clicks).toHaveLength(0);
    expect(await h.store.mapGetAll(conversationsKey)).toEqual({});
    expect(h.connector.requests).toHaveLength(0);
    expect(h.logs).toContainEqual(
      expect.objectContaining({ level: "debug", msg: "ignored a Teams activity", channelId: "directline" }),
    );
  });

  it("ignores a Web Chat message and still answers the same message from Teams", async () => {
    const h = await harness();
    expect((await h.post(message(h.connector.url, { channelId: "webchat" }))).status).toBe(200);
    expect(h.handled).toHaveLength(0);
    expect((await h.post(message(h.connector.url))).status).toBe(200);
    expect(h.handled).toHaveLength(1);
    expect(h.handled[0]?.user.id).toBe("aad-sam");
  });

  it("refuses activities from a tenant outside allowedTenants with a 403", async () => {
    const h = await harness({ allowedTenants: [tenantId] });
    const foreign = message(h.connector.url, {
      conversation: { id: chatId, conversationType: "personal", tenantId: "tenant-evil" },
      channelData: { tenant: { id: "tenant-evil" } },
    });
    expect((await h.post(foreign)).status).toBe(403);
    expect(
      (
        await h.post(
          click(h.connector.url, "msg-1", { conversation: foreign.conversation, channelData: foreign.channelData }),
        )
      ).status,
    ).toBe(403);
    // A tenant claimed in one place and contradicted in the other is not allowed either.
    expect((await h.post(message(h.connector.url, { channelData: { tenant: { id: "tenant-evil" } } }))).status).toBe(
      403,
    );
    expect(h.handled).toHaveLength(0);
    expect(h.clicks).toHaveLength(0);

    await h.post(message(h.connector.url));
    expect(h.handled).toHaveLength(1);
  });

  it("accepts the Bot Framework Emulator only when running with TEAMS_DEV_SKIP_AUTH, which takes unsigned activities and warns", async () => {
    const emulator = { channelId: "emulator", conversation: { id: "c-1" } } as never;
    expect(admissionRefusal(emulator, { allowEmulator: true, allowedTenants: [] })).toBeUndefined();
    expect(admissionRefusal(emulator, { allowEmulator: false, allowedTenants: [] })).toMatch(/not the Microsoft Teams/);
    expect(
      admissionRefusal({ channelId: "msteams", conversation: { id: "c" } } as never, {
        allowEmulator: false,
        allowedTenants: ["t"],
      }),
    ).toMatch(/no tenant/);

    // With the app's credentials an Emulator activity, even with a valid token, is not handled.
    const authenticated = await harness();
    expect(authenticated.teams.authenticated).toBe(true);
    expect((await authenticated.post(message(authenticated.connector.url, { channelId: "emulator" }))).status).toBe(
      200,
    );
    expect(authenticated.handled).toHaveLength(0);

    // The switch itself: no token needed, the Emulator accepted, and a warning at start-up.
    const h = await harness({ skipAuth: true });
    expect(h.teams.authenticated).toBe(false);
    expect(h.logs).toContainEqual(
      expect.objectContaining({ level: "warn", msg: expect.stringMatching(/NOT authenticated/) }),
    );
    await h.post(message(h.connector.url, { channelId: "emulator" }));
    await h.post(message(h.connector.url));
    expect(h.handled).toHaveLength(2);
  });
});

describe("Teams answers junk and unauthenticated requests itself", () => {
  it("answers malformed activities with a 400 JSON error instead of botbuilder's 500", async () => {
    {
      const h = await harness();
      for (const body of [
        "{}",
        '{"type":5}',
        '{"type":""}',
        '{"type":"message"}',
        '{"type":"message","serviceUrl":"https://smba.example","conversation":null}',
        "not json",
        "[1]",
        "null",
      ]) {
        const response = await h.postRaw(body);
        expect(response.status, body).toBe(400);
        const json = (await response.json()) as { error: { code: string; message: string } };
        expect(json.error.code).toBe("bad_request");
        expect(json.error.message).not.toMatch(/at |Error:/);
      }
    }
  });

  it("refuses requests without a usable bearer token with a 401, before botbuilder and without any network call", async () => {
    const h = await harness();
    const now = clock.now() / 1000;
    for (const authorization of [
      undefined,
      "Basic dXNlcjpwYXNz",
      "Bearer not-a-jwt",
      `Bearer ${jwt({ iss: "https://api.botframework.com", exp: now - 3600 })}`,
    ]) {
      const response = await h.post(message(h.connector.url), authorization ? { authorization } : {});
      expect(response.status, String(authorization)).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
    expect(h.handled).toHaveLength(0);
    expect(h.connector.requests).toHaveLength(0);
    expect(await h.store.mapGetAll(conversationsKey)).toEqual({});
  });

  it("logs rejected requests through the JSON logger and writes nothing with console.error", async () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    const consoleWarn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const h = await harness();
    const now = clock.now() / 1000;
    // Well-formed but from an issuer botbuilder does not trust: rejected inside botbuilder.
    const untrusted = `Bearer ${jwt({ iss: "https://issuer.example", aud: "x", exp: now + 3600 })}`;
    expect((await h.post(message(h.connector.url), { authorization: untrusted })).status).toBe(401);
    expect((await h.post(message(h.connector.url), {})).status).toBe(401);
    expect(consoleError).not.toHaveBeenCalled();
    expect((await h.postRaw("{}")).status).toBe(400);
    expect(consoleError).not.toHaveBeenCalled();
    expect(consoleWarn).not.toHaveBeenCalled();
    const rejections = h.logs.filter((l) => String(l.msg).startsWith("rejected"));
    // The bad token, the missing token and the malformed body.
    expect(rejections).toHaveLength(3);
    expect(JSON.stringify(rejections)).not.toContain("\n    at ");
  });
});

describe("Teams answers a slow card click within the invoke bound", () => {
  const thread: ThreadRef = { platform: "teams", workspace: tenantId, channel: chatId, thread: "" };

  async function postedApprovalCard(h: Harness): Promise<string> {
    await h.teams.references.save(
      {
        serviceUrl: h.connector.url,
        channelId: "msteams",
        conversation: { id: chatId, conversationType: "personal", tenantId, isGroup: false, name: "" },
        bot,
      },
      tenantId,
    );
    const receipt = await h.teams.adapter.post(thread, approvalCard);
    h.connector.requests.length = 0;
    return receipt.messageId;
  }

  function gate<T>() {
    let release!: (value: T) => void;
    const promise = new Promise<T>((resolve) => {
      release = resolve;
    });
    return { promise, release };
  }

  const decode = (r: RecordedRequest) => ({
    method: r.method,
    path: decodeURIComponent(r.path),
    activity: JSON.parse(r.body || "{}") as { type?: string; attachments?: { content: unknown }[] },
  });

  it("answers at once with a 'working on it' card without buttons, then edits the message with the outcome", async () => {
    const slow = gate<ClickResult>();
    const h = await harness({ invokeAnswerMs: 50, onClick: () => slow.promise });
    const messageId = await postedApprovalCard(h);

    const started = Date.now();
    const answered = await Promise.race([
      h.postRaw(JSON.stringify(click(h.connector.url, messageId)), h.signed(click(h.connector.url, messageId))),
      new Promise<"timed out">((resolve) => setTimeout(() => resolve("timed out"), 2_000)),
    ]);
    expect(answered).not.toBe("timed out");
    const response = answered as Response;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { statusCode: number; type: string; value: Record<string, unknown> };
    expect(body.statusCode).toBe(200);
    expect(body.type).toBe("application/vnd.microsoft.card.adaptive");
    const interim = JSON.stringify(body.value);
    expect(interim).toContain("Working on it: Sam Patel clicked Approve…");
    expect(interim).toContain("Log a call on BrightTech Inc");
    expect(interim).not.toContain("Action.Execute");
    expect(interim).not.toContain("ActionSet");
    expect(body.value.refresh).toBeUndefined();

    // The click is still running, tracked for graceful shutdown; nothing was edited yet.
    expect(h.inFlight.size).toBeGreaterThan(0);
    expect(h.connector.requests).toHaveLength(0);

    slow.release({ kind: "update", card: decidedCard });
    expect(await h.inFlight.drain(5_000)).toBe(true);
    const edits = h.connector.requests.map(decode).filter((r) => r.method === "PUT");
    expect(edits).toHaveLength(1);
    expect(edits[0]?.path).toBe(`/v3/conversations/${chatId}/activities/${messageId}`);
    const final = JSON.stringify(edits[0]?.activity.attachments?.[0]?.content);
    expect(final).toContain("Approved by Sam Patel");
    expect(h.clicks).toHaveLength(1);
  });

  it("puts the buttons back and posts the notice when a slow click ends in a refusal", async () => {
    const slow = gate<ClickResult>();
    const h = await harness({ invokeAnswerMs: 20, onClick: () => slow.promise });
    const messageId = await postedApprovalCard(h);

    const response = await h.postRaw(
      JSON.stringify(click(h.connector.url, messageId)),
      h.signed(click(h.connector.url, messageId)),
    );
    expect(JSON.stringify(await response.json())).toContain("Working on it");
    slow.release({ kind: "notice", text: "Only Alex Rivera can approve this." });
    await h.inFlight.drain(5_000);

    const sent = h.connector.requests.map(decode);
    const edit = sent.find((r) => r.method === "PUT");
    expect(JSON.stringify(edit?.activity.attachments?.[0]?.content)).toContain(APPROVE_ACTION_ID);
    const notice = sent.find((r) => r.method === "POST" && r.activity.type === "message");
    expect(JSON.stringify(notice?.activity)).toContain("Only Alex Rivera can approve this.");
  });

  it("answers a click that fails slowly with the card restored and a readable notice, not a stack", async () => {
    const slow = gate<void>();
    const h = await harness({
      invokeAnswerMs: 20,
      onClick: async () => {
        await slow.promise;
        throw new DaybookError("upstream_unavailable", "crm down", { userMessage: "The CRM is unavailable." });
      },
    });
    const messageId = await postedApprovalCard(h);
    await h.postRaw(JSON.stringify(click(h.connector.url, messageId)), h.signed(click(h.connector.url, messageId)));
    slow.release();
    await h.inFlight.drain(5_000);
    const posted = h.connector.requests.map(decode).filter((r) => r.method === "POST");
    expect(JSON.stringify(posted.map((p) => p.activity))).toContain("The CRM is unavailable.");
    expect(JSON.stringify(posted.map((p) => p.activity))).not.toContain("crm down");
    // An outage of a connected system is expected: logged at warn (an unexpected fault would be error).
    expect(h.logs).toContainEqual(expect.objectContaining({ level: "warn", msg: "Teams card action failed" }));
  });

  it("still answers a fast click with the final card in the invoke itself", async () => {
    const h = await harness({ onClick: async () => ({ kind: "update", card: decidedCard }) });
    const messageId = await postedApprovalCard(h);
    const response = await h.post(click(h.connector.url, messageId));
    const body = JSON.stringify(await response.json());
    expect(body).toContain("Approved by Sam Patel");
    expect(body).not.toContain("Working on it");
  });
});

describe("Teams credentials", () => {
  const base = {
    appType: "MultiTenant" as const,
    store: new MemoryStore({ clock }),
    logger: silentLogger,
    handle: async () => {},
    onClick: async (): Promise<ClickResult> => ({ kind: "none" }),
  };

  it("refuses to start without credentials unless TEAMS_DEV_SKIP_AUTH is set, naming both settings", () => {
    const start = () => createTeamsIntegration({ ...base, nodeEnv: "development", devSkipAuth: false });
    expect(start).toThrow(DaybookError);
    expect(start).toThrow(/MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD/);
    expect(start).toThrow(/TEAMS_DEV_SKIP_AUTH/);
    try {
      start();
    } catch (error) {
      expect((error as DaybookError).code).toBe("config_invalid");
    }
  });

  it("refuses TEAMS_DEV_SKIP_AUTH in production, with or without credentials", () => {
    expect(() => createTeamsIntegration({ ...base, nodeEnv: "production", devSkipAuth: true })).toThrow(
      /TEAMS_DEV_SKIP_AUTH/,
    );
    expect(() =>
      createTeamsIntegration({
        ...base,
        appId: "00000000-0000-0000-0000-000000000001",
        appPassword: "secret",
        nodeEnv: "production",
        devSkipAuth: true,
      }),
    ).toThrow(/production/);
  });
});
