import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackIntegration } from "../adapters/slack/app.ts";
import { signSlackRequest } from "../adapters/slack/webhook/verify.ts";
import { fixedClock } from "../src/core/clock.ts";
import { createLogger } from "../src/core/logger.ts";
import { InFlight } from "../src/in-flight.ts";
import { createServer } from "../src/server.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { startFakeServer } from "./support/http.ts";
import { countingStore, type LogLine } from "./support/side-effects.ts";
import { encode, expectation, marker, mutate, mutationsFor, shapes } from "./support/slack-shapes.ts";

/**
 * Every payload shape Slack may send to the request URL, each with every field mutated in
 * every way (missing, null, wrong type, empty, huge), signed with the right secret. A mutation
 * that breaks a field Bolt or a listener reads must be answered 200 (400 when the body cannot
 * be a Slack payload at all) with one warn line naming the field, and do nothing: no Slack Web
 * API call, no store write, no turn, no click. A mutation of an optional field may be handled,
 * but never with a 5xx or an error log. No log line carries a payload value: every value below
 * contains the marker "zq7", which must appear in no log line.
 */

const secret = "shapes-signing-secret";
const clock = fixedClock("2026-11-23T09:00:00Z");

// ---- harness ----------------------------------------------------------------------------------

interface Effects {
  api: number;
  writes: number;
  turns: number;
  clicks: number;
}

let http: Hono;
let inFlight: InFlight;
let fake: Awaited<ReturnType<typeof startFakeServer>>;
let writes: string[];
const logs: LogLine[] = [];
let turns = 0;
let clicks = 0;

beforeAll(async () => {
  fake = await startFakeServer(() => ({ body: { ok: true, channel: "C0ZQ7", ts: "1763888400.000001" } }));
  const counted = countingStore(new MemoryStore({ clock }));
  writes = counted.writes;
  const logger = createLogger({ level: "debug", write: (line) => logs.push(JSON.parse(line) as LogLine) });
  const slack = createSlackIntegration({
    signingSecret: secret,
    botToken: "xoxb-shapes",
    socketMode: false,
    apiUrl: `${fake.url}/api`,
    devSkipVerify: false,
    nodeEnv: "test",
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
  http = createServer({ store: counted.store, logger, inFlight, routes: [slack.route] });
});
afterAll(async () => {
  await fake.close();
});

const effects = (): Effects => ({ api: fake.requests.length, writes: writes.length, turns, clicks });

async function send(
  raw: string,
  contentType: string,
): Promise<{ status: number; text: string; logs: LogLine[]; done: Effects }> {
  // A fresh minute per request, so each rejection gets its own (rate-gated) warn line.
  clock.advance(61_000);
  const before = effects();
  const from = logs.length;
  const timestamp = Math.floor(clock.now() / 1000);
  const response = await http.request("/slack/events", {
    method: "POST",
    body: raw,
    headers: {
      "content-type": contentType,
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signSlackRequest(secret, timestamp, raw),
    },
  });
  const text = await response.text();
  expect(await inFlight.drain(5_000)).toBe(true);
  const after = effects();
  return {
    status: response.status,
    text,
    logs: logs.slice(from),
    done: {
      api: after.api - before.api,
      writes: after.writes - before.writes,
      turns: after.turns - before.turns,
      clicks: after.clicks - before.clicks,
    },
  };
}

const none: Effects = { api: 0, writes: 0, turns: 0, clicks: 0 };
const cleanOf = (lines: LogLine[]) => lines.filter((l) => marker.test(JSON.stringify(l)));

// ---- the generated cases ----------------------------------------------------------------------

describe.each(shapes)("a signed $name payload", (shape) => {
  it(shape.handled ? "is handled when well-formed" : "is acknowledged and ignored when well-formed", async () => {
    const { raw, contentType } = encode(shape.encoding, shape.body());
    const result = await send(raw, contentType);
    expect(result.status).toBe(200);
    // Slack's notice that it is dropping events is worth a (rate-gated) warning; nothing else is.
    const expectedWarnings = shape.name === "app_rate_limited" ? ["Slack is rate-limiting event deliveries"] : [];
    expect(result.logs.filter((l) => l.level === "warn" || l.level === "error").map((l) => l.msg)).toEqual(
      expectedWarnings,
    );
    expect(cleanOf(result.logs)).toEqual([]);
    if (!shape.handled) expect(result.done).toEqual(none);
    else expect(result.done.turns + result.done.clicks + result.done.api).toBeGreaterThan(0);
  });

  const cases = shape.fields.flatMap((field) =>
    mutationsFor(shape.encoding).flatMap((mutation) => {
      const expected = expectation(field, mutation);
      return expected ? [{ field, mutation, expected, label: `${field.path.join(".")} ${mutation}` }] : [];
    }),
  );

  it.each(cases)("$label: $expected", async ({ field, mutation, expected }) => {
    const { raw, contentType } = encode(shape.encoding, mutate(shape.body(), field, mutation));
    const result = await send(raw, contentType);
    if (expected === "bad request") {
      expect(result.status).toBe(400);
      expect(JSON.parse(result.text)).toMatchObject({ error: { code: "bad_request" } });
      expect(result.done).toEqual(none);
    } else {
      expect(result.status).toBe(200);
      expect(result.text).toBe("");
    }
    expect(result.logs.filter((l) => l.level === "error")).toEqual([]);
    expect(cleanOf(result.logs)).toEqual([]);
    if (expected === "reject") {
      expect(result.done).toEqual(none);
      const warned = result.logs.filter((l) => l.level === "warn");
      expect(warned).toEqual([
        expect.objectContaining({
          msg: "ignored a malformed Slack payload",
          reason: expect.stringMatching(/^[\w.[\]]+:\w+$/),
        }),
      ]);
    }
  });
});

describe("signed bodies that cannot be a Slack payload", () => {
  const payload = (json: string) => new URLSearchParams({ payload: json }).toString();
  const form = "application/x-www-form-urlencoded";
  const bodies: [string, string, string][] = [
    ["a payload that is a JSON array", payload('["zq7"]'), form],
    ["a payload that is a JSON string", payload('"zq7"'), form],
    ["a payload that is a number", payload("7777"), form],
    ["a payload that is null", payload("null"), form],
    ["a payload that is not JSON", payload("{zq7"), form],
    ["a payload without a type", payload('{"actions":[{"action_id":"zq7"}]}'), form],
    ["a payload whose type is a number", payload('{"type":7777}'), form],
    ["a form that is neither payload nor command", "zq7=1", form],
    ["a JSON array", '["zq7"]', "application/json"],
    ["JSON null", "null", "application/json"],
    ["a JSON string", '"zq7"', "application/json"],
    ["JSON with an unknown top-level type", '{"type":"zq7"}', "application/json"],
    ["an event_callback without an event", '{"type":"event_callback","event_id":"EvZQ7"}', "application/json"],
    ["an event_callback whose event is an array", '{"type":"event_callback","event":["zq7"]}', "application/json"],
    ["url_verification without a challenge", '{"type":"url_verification","token":"zq7"}', "application/json"],
    ["url_verification with a numeric challenge", '{"type":"url_verification","challenge":7777}', "application/json"],
    ["another content type", "zq7", "text/plain"],
  ];
  it.each(bodies)(
    "%s: 400 with a JSON error that quotes nothing back, and no side effect",
    async (_name, raw, type) => {
      const result = await send(raw, type);
      expect(result.status).toBe(400);
      expect(JSON.parse(result.text)).toMatchObject({ error: { code: "bad_request" } });
      expect(result.text).not.toMatch(marker);
      expect(result.done).toEqual(none);
      expect(result.logs.filter((l) => l.level === "error")).toEqual([]);
      expect(cleanOf(result.logs)).toEqual([]);
    },
  );

  it("answers url_verification with its challenge", async () => {
    const result = await send('{"type":"url_verification","challenge":"zq7-challenge"}', "application/json");
    expect(result.status).toBe(200);
    expect(JSON.parse(result.text)).toEqual({ challenge: "zq7-challenge" });
    expect(result.done).toEqual(none);
  });
});

describe("payloads that carry another kind's routing keys", () => {
  // Bolt classifies a body by `event`, `command`, `name` or `actions` before it reads `type`.
  const base = shapes[0]?.body() ?? {};
  it.each([
    ["event", "zq7"],
    ["command", "/zq7"],
    ["name", "zq7"],
  ])("a block_actions payload with a %s key is ignored, not misrouted into a crash", async (key, value) => {
    const { raw, contentType } = encode("payload", { ...base, [key]: value });
    const result = await send(raw, contentType);
    expect(result.status).toBe(200);
    expect(result.done).toEqual(none);
    expect(result.logs.filter((l) => l.level === "error")).toEqual([]);
  });

  it("a slash command form with an event field is ignored", async () => {
    const command = shapes.find((s) => s.encoding === "form")?.body() ?? {};
    const { raw, contentType } = encode("form", { ...command, event: "zq7" });
    const result = await send(raw, contentType);
    expect(result.status).toBe(200);
    expect(result.done).toEqual(none);
  });
});

describe("the same payloads over Socket Mode", () => {
  // SocketModeReceiver hands each envelope's payload to app.processEvent, with an ack.
  it("acks and drops every payload with a required field missing, and still handles a well-formed one", async () => {
    let socketTurns = 0;
    let socketClicks = 0;
    const slack = createSlackIntegration({
      botToken: "xoxb-shapes",
      appToken: "xapp-shapes",
      socketMode: true,
      apiUrl: `${fake.url}/api`,
      devSkipVerify: false,
      nodeEnv: "test",
      store: new MemoryStore({ clock }),
      logger: createLogger({ level: "silent" }),
      clock,
      handle: async () => {
        socketTurns++;
      },
      onClick: async () => {
        socketClicks++;
        return { kind: "none" };
      },
    });
    const apiBefore = fake.requests.length;
    let cases = 0;
    for (const shape of shapes) {
      for (const field of shape.fields.filter((f) => f.required)) {
        let acks = 0;
        await slack.app.processEvent({
          body: mutate(shape.body(), field, "missing"),
          ack: async () => {
            acks++;
          },
        });
        expect(acks, `${shape.name}: ${field.path.join(".")}`).toBe(1);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(30);
    expect({ turns: socketTurns, clicks: socketClicks, api: fake.requests.length - apiBefore }).toEqual({
      turns: 0,
      clicks: 0,
      api: 0,
    });

    const mention = shapes.find((s) => s.name === "app_mention")?.body() ?? {};
    await slack.app.processEvent({ body: mention, ack: async () => {} });
    expect(socketTurns).toBe(1);
  });
});
