import type { Hono } from "hono";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { teamsApproverIds } from "../adapters/teams/approvers.ts";
import { conversationsKey } from "../adapters/teams/conversation-references.ts";
import { createTeamsIntegration, type TeamsIntegration } from "../adapters/teams/teams-integration.ts";
import { Approvals } from "../src/approvals/approvals.ts";
import { Bot } from "../src/bot/bot.ts";
import { createClickRouter } from "../src/bot/clicks.ts";
import { HelpAnswerer } from "../src/bot/help-answerer.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { ThreadHistory } from "../src/bot/thread-history.ts";
import { orgSchema } from "../src/config/org.ts";
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from "../src/core/action-ids.ts";
import type { WriteAction } from "../src/core/actions.ts";
import type { Approval } from "../src/core/approval.ts";
import { fixedClock } from "../src/core/clock.ts";
import { DaybookError } from "../src/core/errors.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { Store } from "../src/core/store.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { InFlight } from "../src/in-flight.ts";
import { createServer } from "../src/server.ts";
import { expectValidAdaptiveCard as expectValidCard } from "./support/adaptive-cards.ts";
import { type RecordedRequest, startFakeServer } from "./support/http.ts";
import { connectTestRedis, redisSkipReason } from "./support/redis.ts";
import { startTeamsAuth, type TeamsTestAuth } from "./support/teams-tokens.ts";

// --- the org: alex approves everything, sam may log CRM activity, maria may not ---
const org = orgSchema.parse({
  users: [
    { id: "alex", name: "Alex Rivera", roles: ["admin", "sales"], teams: "aad-alex" },
    { id: "sam", name: "Sam Patel", roles: ["sales"], teams: "aad-sam" },
    { id: "maria", name: "Maria Garcia", roles: ["engineering"], teams: "aad-maria" },
  ],
  roles: { admin: ["jira", "crm", "accounting"], sales: ["crm"], engineering: ["jira"] },
  approvals: { default: { roles: ["admin"] }, crm_log_activity: { roles: ["sales", "admin"] } },
});
const principals = createPrincipalResolver(org);

const tenantId = "tenant-1";
const bot = { id: "28:daybook-bot", name: "daybook" };
const personalId = "a:1personal-chat";
const channelId = "19:engineering@thread.tacv2";

type Activity = Record<string, unknown>;

function person(aad: string, name: string) {
  return { id: `29:${aad}`, aadObjectId: aad, name };
}

function messageActivity(
  serviceUrl: string,
  options: { id: string; conversationId: string; conversationType: string; text: string; mention?: boolean },
): Activity {
  return {
    type: "message",
    id: options.id,
    channelId: "msteams",
    serviceUrl,
    timestamp: "2026-11-23T09:00:00.000Z",
    from: person("aad-alex", "Alex Rivera"),
    recipient: bot,
    conversation: { id: options.conversationId, conversationType: options.conversationType, tenantId },
    channelData: { tenant: { id: tenantId } },
    text: options.mention ? `<at>daybook</at> ${options.text}` : options.text,
    entities: options.mention ? [{ type: "mention", mentioned: bot, text: "<at>daybook</at>" }] : [],
  };
}

function botAddedActivity(serviceUrl: string, conversationId: string): Activity {
  return {
    type: "conversationUpdate",
    id: "f:added-1",
    channelId: "msteams",
    serviceUrl,
    from: person("aad-alex", "Alex Rivera"),
    recipient: bot,
    conversation: { id: conversationId, conversationType: "channel", tenantId },
    channelData: { tenant: { id: tenantId }, team: { id: conversationId }, eventType: "teamMemberAdded" },
    membersAdded: [{ id: bot.id }],
  };
}

function invokeActivity(
  serviceUrl: string,
  options: { id: string; from: ReturnType<typeof person>; messageId: string; verb: string; value: string },
): Activity {
  return {
    type: "invoke",
    name: "adaptiveCard/action",
    id: options.id,
    channelId: "msteams",
    serviceUrl,
    from: options.from,
    recipient: bot,
    conversation: { id: personalId, conversationType: "personal", tenantId },
    channelData: { tenant: { id: tenantId } },
    replyToId: options.messageId,
    value: {
      action: { type: "Action.Execute", verb: options.verb, data: { value: options.value } },
      trigger: "manual",
    },
  };
}

/** What the fake connector received, decoded from its path and body. */
interface Sent {
  method: string;
  conversationId: string;
  replyToId: string | undefined;
  activity: Record<string, unknown>;
}

function decode(request: RecordedRequest): Sent | undefined {
  const match = /^\/v3\/conversations\/([^/?]+)\/activities(?:\/([^/?]+))?/.exec(request.path);
  if (!match) return undefined;
  return {
    method: request.method,
    conversationId: decodeURIComponent(match[1] ?? ""),
    replyToId: match[2] === undefined ? undefined : decodeURIComponent(match[2]),
    activity: JSON.parse(request.body || "{}") as Record<string, unknown>,
  };
}

function cardOf(sent: Sent): Record<string, unknown> {
  const attachments = sent.activity.attachments as { contentType: string; content: Record<string, unknown> }[];
  expect(attachments[0]?.contentType).toBe("application/vnd.microsoft.card.adaptive");
  return attachments[0]!.content;
}

/** A real WriteAction whose only side effect is counting its executions. */
function countingAction(executions: string[]): WriteAction {
  const schema = z.object({ customer: z.string(), note: z.string() });
  return {
    name: "crm_log_activity",
    domain: "crm",
    description: "Log a call",
    schema,
    requiresApproval: true,
    title: (args: z.infer<typeof schema>) => `Log a call on ${args.customer}`,
    describe: (args: z.infer<typeof schema>) => [
      { label: "Customer", value: args.customer },
      { label: "Note", value: args.note },
    ],
    execute: async (_args: unknown, { idempotencyKey }: { idempotencyKey: string }) => {
      executions.push(idempotencyKey);
      return { ok: true, summary: "Logged the call" };
    },
  } as WriteAction;
}

describe.skipIf(redisSkipReason)("Teams adapter over HTTP with a fake Bot Framework connector", () => {
  let store: Store;
  let connector: Awaited<ReturnType<typeof startFakeServer>>;
  let inFlight: InFlight;
  let teams: TeamsIntegration;
  let app: Hono;
  let approvals: Approvals;
  let executions: string[];
  const clock = fixedClock("2026-11-23T09:00:00Z");

  let auth: TeamsTestAuth;
  beforeAll(async () => {
    auth = await startTeamsAuth();
  });
  afterAll(async () => {
    await auth?.close();
  });

  const sent = () => connector.requests.map(decode).filter((s): s is Sent => s !== undefined);
  const messages = () => sent().filter((s) => s.method === "POST" && s.activity.type === "message");

  function build(): TeamsIntegration {
    const history = new ThreadHistory(store);
    const botCore = new Bot({ answerer: new HelpAnswerer(), history, principals, logger: silentLogger, clock });
    const integration: TeamsIntegration = createTeamsIntegration({
      appType: "MultiTenant",
      nodeEnv: "test",
      // Inbound tokens validated and outbound ones fetched for real, against a local identity provider.
      ...auth.credentials,
      store,
      logger: silentLogger,
      clock,
      handle: botCore.handle,
      onClick: createClickRouter({ approvals, logger: silentLogger }),
      approverIdsFor: async (approvalId) => {
        const approval = await approvals.get(approvalId);
        return approval ? teamsApproverIds(approval, org.users) : [];
      },
    });
    return integration;
  }

  async function send(activity: Activity, headers: Record<string, string> = {}): Promise<Response> {
    const response = await app.request("/api/messages", {
      method: "POST",
      headers: { "content-type": "application/json", ...auth.headers(activity), ...headers },
      body: JSON.stringify(activity),
    });
    await inFlight.drain(10_000);
    return response;
  }

  beforeEach(async () => {
    store = await connectTestRedis();
    let n = 0;
    connector = await startFakeServer(() => ({ body: { id: `msg-${++n}` } }));
    inFlight = new InFlight();
    executions = [];
    approvals = new Approvals({
      store,
      actions: [countingAction(executions)],
      policies: org.approvals,
      principals,
      clock,
      logger: silentLogger,
    });
    teams = build();
    app = createServer({ store, logger: silentLogger, inFlight, routes: [teams.route] });
  });

  afterEach(async () => {
    await connector.close();
    await store.close();
  });

  it("replies to a 1:1 message at the fake connector, after a typing indicator", async () => {
    const response = await send(
      messageActivity(connector.url, {
        id: "m-1",
        conversationId: personalId,
        conversationType: "personal",
        text: "what's blocking the sprint?",
      }),
    );
    expect(response.status).toBe(200);

    const all = sent();
    expect(all[0]?.activity.type).toBe("typing");
    const replies = messages();
    expect(replies).toHaveLength(1);
    expect(replies[0]?.conversationId).toBe(personalId);
    expect(replies[0]?.replyToId).toBeUndefined();
    const card = cardOf(replies[0]!);
    expectValidCard(card);
    expect(JSON.stringify(card)).toContain("what's blocking the sprint?");
    expect(replies[0]?.activity.summary).toBeTruthy();
  });

  it("answers a channel @mention in that message's reply chain, without the mention text", async () => {
    const root = "1700000000001";
    await send(
      messageActivity(connector.url, {
        id: root,
        conversationId: `${channelId};messageid=${root}`,
        conversationType: "channel",
        text: "which deals need me today?",
        mention: true,
      }),
    );
    const replies = messages();
    expect(replies).toHaveLength(1);
    expect(replies[0]?.conversationId).toBe(`${channelId};messageid=${root}`);
    expect(replies[0]?.replyToId).toBe(root);
    const text = JSON.stringify(cardOf(replies[0]!));
    expect(text).toContain("You asked: _which deals need me today?_");
    expect(text).not.toContain("<at>");

    const thread: ThreadRef = { platform: "teams", workspace: tenantId, channel: channelId, thread: root };
    const remembered = await new ThreadHistory(store).load(thread);
    expect(remembered.map((e) => e.role)).toEqual(["user", "assistant"]);
  });

  it("starts a reply chain on a channel post that arrives without a thread suffix", async () => {
    await send(
      messageActivity(connector.url, {
        id: "1700000000005",
        conversationId: channelId,
        conversationType: "channel",
        text: "help",
        mention: true,
      }),
    );
    const replies = messages();
    expect(replies).toHaveLength(1);
    expect(replies[0]?.conversationId).toBe(`${channelId};messageid=1700000000005`);
    expect(replies[0]?.replyToId).toBe("1700000000005");
  });

  it("ignores channel messages that do not mention daybook", async () => {
    const response = await send(
      messageActivity(connector.url, {
        id: "1700000000002",
        conversationId: `${channelId};messageid=1700000000002`,
        conversationType: "channel",
        text: "lunch anyone?",
      }),
    );
    expect(response.status).toBe(200);
    expect(sent()).toHaveLength(0);
  });

  it("handles a redelivered activity once", async () => {
    const activity = messageActivity(connector.url, {
      id: "m-dup",
      conversationId: personalId,
      conversationType: "personal",
      text: "help",
    });
    await send(activity);
    await send(activity);
    expect(messages()).toHaveLength(1);
  });

  it("stores the full conversation reference when daybook is added to a team", async () => {
    const response = await send(botAddedActivity(connector.url, channelId));
    expect(response.status).toBe(200);

    const raw = await store.mapGet(conversationsKey, channelId);
    expect(raw).toBeDefined();
    const stored = await teams.references.get(channelId);
    expect(stored?.reference.serviceUrl).toBe(connector.url);
    expect(stored?.reference.conversation?.id).toBe(channelId);
    expect(stored?.reference.bot?.id).toBe(bot.id);
    expect(stored?.tenantId).toBe(tenantId);
    expect(stored?.conversationType).toBe("channel");
  });

  it("posts proactively after a restart, at the top level and into a thread", async () => {
    await send(botAddedActivity(connector.url, channelId));

    // A new process: new integration, new CloudAdapter, same Redis.
    const restarted = build();
    const top: ThreadRef = { platform: "teams", workspace: tenantId, channel: channelId, thread: "" };
    const receipt = await restarted.adapter.post(top, {
      header: "Standup",
      blocks: [{ type: "text", text: "All good" }],
    });

    const posted = messages();
    expect(posted).toHaveLength(1);
    expect(posted[0]?.conversationId).toBe(channelId);
    expect(posted[0]?.replyToId).toBeUndefined();
    expect(receipt).toMatchObject({ platform: "teams", thread: top, postedAt: clock.now() });
    expect(receipt.messageId).toBe("msg-1");
    expectValidCard(cardOf(posted[0]!));

    await restarted.adapter.post(
      { ...top, thread: receipt.messageId },
      { blocks: [{ type: "text", text: "Details" }] },
    );
    const threaded = messages()[1];
    expect(threaded?.conversationId).toBe(`${channelId};messageid=msg-1`);
    expect(threaded?.replyToId).toBe("msg-1");
  });

  it("refuses a proactive post to a conversation daybook was never added to", async () => {
    const unknown: ThreadRef = {
      platform: "teams",
      workspace: tenantId,
      channel: "19:nowhere@thread.tacv2",
      thread: "",
    };
    const error = await teams.adapter
      .post(unknown, { blocks: [{ type: "text", text: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaybookError);
    expect((error as DaybookError).code).toBe("not_found");
    expect((error as DaybookError).message).toContain("19:nowhere@thread.tacv2");
    expect(sent()).toHaveLength(0);
  });

  async function requestApproval(): Promise<Approval> {
    // The first message stores the chat's reference, so the approval card can be posted.
    await send(
      messageActivity(connector.url, {
        id: "m-0",
        conversationId: personalId,
        conversationType: "personal",
        text: "help",
      }),
    );
    const thread: ThreadRef = { platform: "teams", workspace: tenantId, channel: personalId, thread: "" };
    const approval = await approvals.requestApproval(
      {
        tool: "crm_log_activity",
        args: { customer: "BrightTech Inc", note: "Renewal call" },
        requester: principals.resolve({ platform: "teams", id: "aad-alex" }),
        thread,
      },
      (card) => teams.adapter.post(thread, card),
    );
    return approval;
  }

  it("posts approval cards with Action.Execute buttons and a refresh for the allowed approvers", async () => {
    const approval = await requestApproval();
    const posted = messages().at(-1)!;
    const card = cardOf(posted);
    expectValidCard(card);
    expect(posted.activity.summary).toBeTruthy();
    const json = JSON.stringify(card);
    expect(json).toContain(`"verb":"${APPROVE_ACTION_ID}"`);
    expect(json).toContain(`"verb":"${REJECT_ACTION_ID}"`);
    expect(json).toContain(`{"value":"${approval.id}"}`);
    // Alex requested it and the policy does not allow self-approval (the default), so only Sam.
    expect(card.refresh).toMatchObject({ action: { type: "Action.Execute" }, userIds: ["aad-sam"] });
  });

  it("executes an approved action once when an allowed approver clicks Approve twice", async () => {
    const approval = await requestApproval();
    const messageId = approval.message!.messageId;
    const click = (id: string) =>
      invokeActivity(connector.url, {
        id,
        from: person("aad-sam", "Sam Patel"),
        messageId,
        verb: APPROVE_ACTION_ID,
        value: approval.id,
      });

    const first = await send(click("i-1"));
    expect(first.status).toBe(200);
    const body = (await first.json()) as { statusCode: number; type: string; value: Record<string, unknown> };
    expect(body.statusCode).toBe(200);
    expect(body.type).toBe("application/vnd.microsoft.card.adaptive");
    expectValidCard(body.value);
    const decided = JSON.stringify(body.value);
    expect(decided).toContain("Sam Patel");
    expect(decided).not.toContain(APPROVE_ACTION_ID);
    expect(executions).toHaveLength(1);

    // Everyone else's copy of the card is edited too.
    const edit = sent().find((s) => s.method === "PUT");
    expect(edit?.replyToId).toBe(messageId);
    expectValidCard(cardOf(edit!));

    const second = await send(click("i-2"));
    expect(second.status).toBe(200);
    expectValidCard(((await second.json()) as { value: unknown }).value);
    expect(executions).toHaveLength(1);
    expect((await approvals.get(approval.id))?.status).toBe("approved");
  });

  it("answers a user the policy does not list with a card saying who can approve, and executes nothing", async () => {
    const approval = await requestApproval();
    const response = await send(
      invokeActivity(connector.url, {
        id: "i-3",
        from: person("aad-maria", "Maria Garcia"),
        messageId: approval.message!.messageId,
        verb: APPROVE_ACTION_ID,
        value: approval.id,
      }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { statusCode: number; type: string; value: Record<string, unknown> };
    expect(body.type).toBe("application/vnd.microsoft.card.adaptive");
    expectValidCard(body.value);
    expect(JSON.stringify(body.value)).toMatch(/Only .*can approve this/);
    expect(executions).toHaveLength(0);
    expect((await approvals.get(approval.id))?.status).toBe("pending");
    expect(sent().filter((s) => s.method === "PUT")).toHaveLength(0);
  });

  it("answers the approvers' automatic refresh with the card as it stands", async () => {
    const approval = await requestApproval();
    const response = await send(
      invokeActivity(connector.url, {
        id: "i-4",
        from: person("aad-alex", "Alex Rivera"),
        messageId: approval.message!.messageId,
        verb: "daybook.card.refresh",
        value: approval.id,
      }),
    );
    const body = (await response.json()) as { statusCode: number; value: Record<string, unknown> };
    expect(body.statusCode).toBe(200);
    expectValidCard(body.value);
    expect(JSON.stringify(body.value)).toContain(APPROVE_ACTION_ID);
    expect(executions).toHaveLength(0);
  });
});

describe("Teams authentication", () => {
  it("rejects an activity without a token when app credentials are configured, before any network call", async () => {
    const store = (await import("../src/store/memory-store.ts")).MemoryStore;
    const memory = new store();
    const connector = await startFakeServer(() => ({ body: { id: "x" } }));
    const teams = createTeamsIntegration({
      appId: "00000000-0000-0000-0000-000000000001",
      appPassword: "not-a-real-secret",
      appType: "MultiTenant",
      nodeEnv: "production",
      devSkipAuth: false,
      store: memory,
      logger: silentLogger,
      handle: async () => {
        throw new Error("must not be called");
      },
      onClick: async () => ({ kind: "none" }),
    });
    expect(teams.authenticated).toBe(true);
    const app = createServer({ store: memory, logger: silentLogger, inFlight: new InFlight(), routes: [teams.route] });
    const activity = messageActivity(connector.url, {
      id: "m-unauth",
      conversationId: personalId,
      conversationType: "personal",
      text: "help",
    });
    // A missing Authorization header is refused by botbuilder before it fetches OpenID metadata
    // (ParameterizedBotFrameworkAuthentication.JwtTokenValidation_authenticateRequest).
    const started = Date.now();
    const response = await app.request("/api/messages", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(activity),
    });
    expect(response.status).toBe(401);
    expect(Date.now() - started).toBeLessThan(2_000);

    // A token that is not a JWT from a known issuer is refused before any key lookup too.
    const forged = await app.request("/api/messages", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer not-a-jwt" },
      body: JSON.stringify(activity),
    });
    expect(forged.status).toBe(401);
    expect(connector.requests).toHaveLength(0);
    expect(await memory.mapGetAll(conversationsKey)).toEqual({});
    await connector.close();
  });

  it("refuses to run unauthenticated when NODE_ENV is production", () => {
    const start = () =>
      createTeamsIntegration({
        appType: "MultiTenant",
        nodeEnv: "production",
        devSkipAuth: false,
        store: {} as Store,
        logger: silentLogger,
        handle: async () => {},
        onClick: async () => ({ kind: "none" }),
      });
    expect(start).toThrow(DaybookError);
    expect(start).toThrow(/MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD/);
  });

  it("authenticates single-tenant and managed-identity apps configured with their tenant", () => {
    for (const appType of ["SingleTenant", "UserAssignedMSI"] as const) {
      const teams = createTeamsIntegration({
        appId: "00000000-0000-0000-0000-000000000001",
        ...(appType === "SingleTenant" ? { appPassword: "secret" } : {}),
        appType,
        tenantId: "11111111-2222-3333-4444-555555555555",
        nodeEnv: "production",
        devSkipAuth: false,
        store: {} as Store,
        logger: silentLogger,
        handle: async () => {},
        onClick: async () => ({ kind: "none" }),
      });
      expect(teams.authenticated).toBe(true);
    }
  });

  it("requires a tenant id for a single-tenant app", () => {
    expect(() =>
      createTeamsIntegration({
        appId: "00000000-0000-0000-0000-000000000001",
        appPassword: "secret",
        appType: "SingleTenant",
        nodeEnv: "test",
        devSkipAuth: false,
        store: {} as Store,
        logger: silentLogger,
        handle: async () => {},
        onClick: async () => ({ kind: "none" }),
      }),
    ).toThrow(/MICROSOFT_APP_TENANT_ID/);
  });
});
