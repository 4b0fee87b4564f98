import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeamsIntegration } from "../adapters/teams/teams-integration.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { fixedClock } from "../src/core/clock.ts";
import { createLogger } from "../src/core/logger.ts";
import { InFlight } from "../src/in-flight.ts";
import { createServer } from "../src/server.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { startFakeServer } from "./support/http.ts";
import { countingStore, type LogLine } from "./support/side-effects.ts";
import { expectation, type Field, type Mutation, mutate, opt, req } from "./support/slack-shapes.ts";
import { startTeamsAuth, type TeamsTestAuth } from "./support/teams-tokens.ts";

/**
 * Every Bot Framework activity daybook handles (messages with and without mentions, card
 * clicks, installs, conversation updates), with every field botbuilder or the handler reads
 * mutated (missing, null, wrong type, empty, huge). Each carries a real channel token for its
 * serviceUrl (a local identity provider), so the activity reaches botbuilder: a broken field must be a 400 with one warn line naming the field
 * and no turn, click, connector call or store write; any other mutation may be handled, never
 * with a 5xx or an error log. Free text carries the marker "zq7", which no log line may show.
 */

const clock = fixedClock("2026-11-23T09:00:00Z");
const marker = /zq7/i;
const mutations: Mutation[] = ["missing", "null", "wrong type", "empty", "huge"];

interface ActivityShape {
  name: string;
  body: (serviceUrl: string) => Record<string, unknown>;
  fields: Field[];
}

const common = (serviceUrl: string) => ({
  id: "act-1",
  channelId: "msteams",
  serviceUrl,
  from: { id: "29:sam", aadObjectId: "aad-sam", name: "Sam zq7" },
  recipient: { id: "28:daybook", name: "daybook" },
  conversation: { id: "a:chat-1", conversationType: "personal", tenantId: "tenant-1" },
  channelData: { tenant: { id: "tenant-1" } },
  timestamp: "2026-11-23T09:00:00.000Z",
});
const commonFields: Field[] = [
  req(["type"], "label"),
  opt(["id"], "id"),
  req(["channelId"], "label"),
  req(["serviceUrl"], "url"),
  req(["conversation"], "object"),
  req(["conversation", "id"], "id"),
  opt(["conversation", "conversationType"], "name"),
  opt(["conversation", "tenantId"], "id"),
  req(["from"], "object"),
  req(["from", "id"], "id"),
  opt(["from", "aadObjectId"], "id"),
  opt(["from", "name"], "name"),
  req(["recipient"], "object"),
  req(["recipient", "id"], "id"),
  opt(["channelData"], "object", { emptyOk: true }),
  opt(["channelData", "tenant"], "object", { emptyOk: true }),
  opt(["timestamp"], "ts"),
];

const shapes: ActivityShape[] = [
  {
    name: "a 1:1 message",
    body: (url) => ({ ...common(url), type: "message", text: "what's blocking the sprint zq7?" }),
    fields: [...commonFields, opt(["text"], "text")],
  },
  {
    name: "a channel message that mentions daybook",
    body: (url) => ({
      ...common(url),
      type: "message",
      conversation: { id: "19:chan@thread.tacv2;messageid=1", conversationType: "channel", tenantId: "tenant-1" },
      text: "<at>daybook</at> hello zq7",
      entities: [{ type: "mention", mentioned: { id: "28:daybook", name: "daybook" }, text: "<at>daybook</at>" }],
    }),
    fields: [
      ...commonFields,
      opt(["text"], "text"),
      opt(["entities"], "array", { emptyOk: true }),
      opt(["entities", 0], "object"),
      req(["entities", 0, "type"], "name"),
      req(["entities", 0, "mentioned"], "object"),
      req(["entities", 0, "mentioned", "id"], "id"),
      req(["entities", 0, "text"], "text"),
    ],
  },
  {
    name: "a card click (adaptiveCard/action)",
    body: (url) => ({
      ...common(url),
      type: "invoke",
      name: "adaptiveCard/action",
      replyToId: "msg-1",
      value: {
        action: { type: "Action.Execute", verb: APPROVE_ACTION_ID, data: { value: "ap-zq7" } },
        trigger: "manual",
      },
    }),
    fields: [
      ...commonFields,
      opt(["replyToId"], "id"),
      req(["value"], "object"),
      req(["value", "action"], "object"),
      req(["value", "action", "type"], "label"),
      req(["value", "action", "verb"], "label"),
      opt(["value", "action", "data"], "object", { emptyOk: true }),
      opt(["value", "action", "data", "value"], "name"),
    ],
  },
  {
    name: "daybook added to a conversation",
    body: (url) => ({
      ...common(url),
      type: "conversationUpdate",
      conversation: { id: "a:chat-added", conversationType: "personal", tenantId: "tenant-1" },
      membersAdded: [{ id: "28:daybook" }],
    }),
    fields: [
      ...commonFields,
      opt(["membersAdded"], "array", { emptyOk: true }),
      opt(["membersAdded", 0], "object"),
      req(["membersAdded", 0, "id"], "id"),
    ],
  },
  {
    name: "an app install",
    body: (url) => ({
      ...common(url),
      type: "installationUpdate",
      conversation: { id: "a:chat-installed", conversationType: "personal", tenantId: "tenant-1" },
      action: "add",
    }),
    fields: commonFields,
  },
];

// ---- harness ----------------------------------------------------------------------------------

let http: Hono;
let inFlight: InFlight;
let connector: Awaited<ReturnType<typeof startFakeServer>>;
let writes: string[];
const logs: LogLine[] = [];
let turns = 0;
let clicks = 0;
let auth: TeamsTestAuth;

beforeAll(async () => {
  auth = await startTeamsAuth();
  connector = await startFakeServer(() => ({ body: { id: "msg-2" } }));
  const counted = countingStore(new MemoryStore({ clock }));
  writes = counted.writes;
  const logger = createLogger({ level: "debug", write: (line) => logs.push(JSON.parse(line) as LogLine) });
  const teams = createTeamsIntegration({
    appType: "MultiTenant",
    nodeEnv: "test",
    ...auth.credentials,
    store: counted.store,
    logger,
    clock,
    handle: async () => {
      turns++;
    },
    onClick: async () => {
      clicks++;
      return { kind: "none" };
    },
  });
  inFlight = new InFlight();
  http = createServer({ store: counted.store, logger, inFlight, routes: [teams.route] });
});
afterAll(async () => {
  await connector.close();
  await auth?.close();
});

async function post(body: unknown) {
  clock.advance(61_000); // a fresh minute: each rejection gets its own (rate-gated) warn line
  const before = { connector: connector.requests.length, writes: writes.length, turns, clicks };
  const from = logs.length;
  const response = await http.request("/api/messages", {
    method: "POST",
    headers: { "content-type": "application/json", ...auth.headers({ serviceUrl: serviceUrlOf(body) }) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  expect(await inFlight.drain(5_000)).toBe(true);
  return {
    status: response.status,
    text,
    logs: logs.slice(from),
    effects:
      connector.requests.length -
      before.connector +
      writes.length -
      before.writes +
      turns -
      before.turns +
      clicks -
      before.clicks,
  };
}

/** The token's serviceurl claim is what the activity says, as the Bot Framework mints it. */
function serviceUrlOf(body: unknown): string | undefined {
  const url = (body as { serviceUrl?: unknown } | null)?.serviceUrl;
  return typeof url === "string" ? url : undefined;
}

describe.each(shapes)("$name", (shape) => {
  it("is handled when well-formed", async () => {
    const result = await post(shape.body(connector.url));
    expect(result.status).toBe(200);
    // A turn, a click, or the stored conversation reference.
    expect(result.effects).toBeGreaterThan(0);
    expect(result.logs.filter((l) => l.level === "error" || l.level === "warn")).toEqual([]);
    expect(result.logs.filter((l) => marker.test(JSON.stringify(l)))).toEqual([]);
  });

  const cases = shape.fields.flatMap((field) =>
    mutations.flatMap((mutation) => {
      const expected = expectation(field, mutation);
      return expected ? [{ field, mutation, expected, label: `${field.path.join(".")} ${mutation}` }] : [];
    }),
  );

  it.each(cases)("$label: $expected", async ({ field, mutation, expected }) => {
    const result = await post(mutate(shape.body(connector.url), field, mutation));
    expect(result.status).toBeLessThan(500);
    expect(result.logs.filter((l) => l.level === "error")).toEqual([]);
    expect(result.logs.filter((l) => marker.test(JSON.stringify(l)))).toEqual([]);
    if (expected === "reject") {
      expect(result.status).toBe(400);
      expect(JSON.parse(result.text)).toMatchObject({ error: { code: "bad_request" } });
      expect(result.effects).toBe(0);
      expect(result.logs.filter((l) => l.level === "warn")).toEqual([
        expect.objectContaining({ msg: "rejected a malformed Teams activity", reason: expect.any(String) }),
      ]);
    }
  });
});

describe("invokes daybook does not handle", () => {
  it.each([
    ["an unknown invoke name", { name: "composeExtension/zq7" }],
    ["an invoke without a name", {}],
  ])("%s is a 200 with nothing done (botbuilder's 501 is not passed on)", async (_label, extra) => {
    const { value: _value, name: _name, ...rest } = shapes[2]?.body(connector.url) ?? {};
    const result = await post({ ...rest, ...extra });
    expect(result.status).toBe(200);
    expect(result.effects).toBe(0);
    expect(result.logs.filter((l) => l.level === "error" || l.level === "warn")).toEqual([]);
  });
});
