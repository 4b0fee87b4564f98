import { connect } from "node:net";
import { Readable } from "node:stream";
import { type ServerType, serve } from "@hono/node-server";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signSlackRequest } from "../adapters/slack/webhook/verify.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import { createLogger } from "../src/core/logger.ts";
import type { WorkQueue } from "../src/core/work-queue.ts";
import { type App, compose } from "../src/main.ts";
import { createServer } from "../src/server.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { Rng, randomJson, randomString, randomText } from "./support/fuzz.ts";
import { startFakeServer } from "./support/http.ts";
import { countingStore, type LogLine, leakShapes } from "./support/side-effects.ts";
import { encode, expectation, type Field, type Mutation, marker, mutate, shapes } from "./support/slack-shapes.ts";

/**
 * ≥ 10,000 requests, signed and unsigned, at the real server over a real socket (the composed
 * app with Slack and Teams configured, as `npm start` builds it): Slack events, interactivity
 * and commands; Teams /api/messages with no, malformed, expired and untrusted tokens; the
 * health routes; unknown paths and methods; oversize, chunked, truncated and aborted bodies.
 * Signed Slack bodies are well-formed shapes with at least one field broken, or random.
 *
 * Asserted over the whole run: no 5xx; no Slack Web API call, Bot Connector call, store write
 * or queued job; no stack trace or file path in any response; no error log line; no log line
 * with a payload value (every generated value carries the marker "zq7") or a credential; and
 * at most a couple of warn lines per reason (LogGate), however many requests share it.
 *
 * FUZZ_SEED replays a run; FUZZ_REQUESTS changes its length.
 */

const seed = Number(process.env.FUZZ_SEED ?? 20_261_202);
const total = Number(process.env.FUZZ_REQUESTS ?? 10_400);
const secret = "fuzz-signing-secret-zq7-not-logged";
const botToken = "xoxb-fuzz-token-not-logged";
const appPassword = "fuzz-app-password-not-logged";

interface Sent {
  n: number;
  what: string;
  status: number;
  body: string;
}

let app: App;
let server: ServerType;
let base: string;
let pool: Pool;
let slackApi: Awaited<ReturnType<typeof startFakeServer>>;
let connector: Awaited<ReturnType<typeof startFakeServer>>;
let writes: string[];
let writesAtStart = 0;
let enqueued = 0;
const logs: LogLine[] = [];
const rawLines: string[] = [];

beforeAll(async () => {
  slackApi = await startFakeServer(() => ({ body: { ok: true, channel: "C1", ts: "1763888400.000001" } }));
  connector = await startFakeServer(() => ({ body: { id: "m-1" } }));
  const counted = countingStore(new MemoryStore());
  writes = counted.writes;
  const logger = createLogger({
    level: "debug",
    write: (line) => {
      rawLines.push(line);
      logs.push(JSON.parse(line) as LogLine);
    },
  });
  const env = loadConfig({
    SLACK_SIGNING_SECRET: secret,
    SLACK_BOT_TOKEN: botToken,
    SLACK_API_URL: `${slackApi.url}/api/`,
    MICROSOFT_APP_ID: "00000000-0000-0000-0000-00000000f022",
    MICROSOFT_APP_PASSWORD: appPassword,
    BODY_LIMIT_BYTES: "65536",
  }).env;
  app = await compose(
    { env, org: demoOrg, orgSource: "fuzz" },
    { store: counted.store, logger, platforms: true, role: "all" },
  );
  for (const queue of [app.work?.turns, app.work?.actions, app.work?.notices]) countEnqueues(queue);
  const http = createServer({
    store: app.store,
    logger: app.logger,
    inFlight: app.inFlight,
    routes: app.routes,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
  });
  server = serve({ fetch: http.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  pool = new Pool(base, { connections: 8, pipelining: 1 });
  writesAtStart = writes.length;
}, 60_000);

afterAll(async () => {
  await pool?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await app?.close();
  await slackApi?.close();
  await connector?.close();
});

function countEnqueues(queue: WorkQueue | undefined): void {
  if (!queue) return;
  const enqueue = queue.enqueue.bind(queue);
  queue.enqueue = (job) => {
    enqueued++;
    return enqueue(job);
  };
}

// ---- request generators ----------------------------------------------------------------------

interface FuzzRequest {
  what: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Readable;
  /** The response is the url_verification echo of a generated challenge. */
  echoes?: boolean;
}

const nowSec = () => Math.floor(Date.now() / 1000);

function slackHeaders(rng: Rng, raw: string, contentType: string, signed: boolean): Record<string, string> {
  const headers: Record<string, string> = { "content-type": contentType };
  const timestamp = nowSec();
  if (signed) {
    headers["x-slack-request-timestamp"] = String(timestamp);
    headers["x-slack-signature"] = signSlackRequest(secret, timestamp, raw);
  } else {
    // Unsigned: each of the ways a signature can be wrong.
    rng.weighted<() => void>([
      [2, () => {}],
      [
        2,
        () => {
          headers["x-slack-request-timestamp"] = String(timestamp);
          headers["x-slack-signature"] = signSlackRequest("wrong-secret-zq7", timestamp, raw);
        },
      ],
      [
        2,
        () => {
          headers["x-slack-request-timestamp"] = String(timestamp - 301 - rng.int(100_000));
          headers["x-slack-signature"] = signSlackRequest(secret, timestamp - 301, raw);
        },
      ],
      [
        1,
        () => {
          headers["x-slack-request-timestamp"] = randomString(rng, 12).replace(/[^\x20-\x7e]/g, "");
          headers["x-slack-signature"] = `v0=${randomString(rng, 64).replace(/[^\x20-\x7e]/g, "")}`;
        },
      ],
      [
        1,
        () => {
          // Signed over other bytes than those sent.
          headers["x-slack-request-timestamp"] = String(timestamp);
          headers["x-slack-signature"] = signSlackRequest(secret, timestamp, `${raw} `);
        },
      ],
    ])();
  }
  if (rng.chance(0.1)) headers["x-slack-retry-num"] = rng.pick(["1", "2", "-1", "99999999999", "zq7"]);
  if (rng.chance(0.05)) headers["x-slack-retry-reason"] = rng.pick(["http_timeout", "zq7"]);
  return headers;
}

/** A well-formed shape with at least one field broken (so nothing may happen), maybe more mutations. */
function brokenShape(rng: Rng): { raw: string; contentType: string; what: string } {
  for (;;) {
    const shape = rng.pick(shapes);
    const body = shape.body();
    const mutations: Mutation[] =
      shape.encoding === "form" ? ["missing", "empty", "huge"] : ["missing", "null", "wrong type", "empty", "huge"];
    const field = rng.pick(shape.fields);
    const mutation = rng.pick(mutations);
    const expected = expectation(field, mutation);
    if (expected !== "reject" && expected !== "bad request") continue;
    // Mostly smaller than `huge` (which the body limit already refuses); a form field has no
    // wrong type ("7777" is a string too), so forms keep the huge value.
    const applied = mutation === "huge" && shape.encoding !== "form" && rng.chance(0.8) ? "wrong type" : mutation;
    let mutated = mutate(body, field, applied);
    // Extra mutations elsewhere (never on the broken field's ancestors or descendants, which
    // could remove the break).
    const related = (other: Field) => {
      const a = field.path.join(".");
      const b = other.path.join(".");
      return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
    };
    for (let i = rng.int(3); i > 0; i--) {
      const other = rng.pick(shape.fields);
      if (related(other)) continue;
      const m = rng.pick(mutations.filter((x) => x !== "huge"));
      try {
        mutated = mutate(mutated, other, m);
      } catch {
        // The path no longer exists after an earlier mutation.
      }
    }
    if (rng.chance(0.2)) mutated[rng.pick(["zq7", "extra", "token"])] = randomJson(rng);
    const { raw, contentType } = encode(shape.encoding, mutated);
    return { raw, contentType, what: `slack ${shape.name}: ${field.path.join(".")} ${mutation}` };
  }
}

/** The well-formed shape, unchanged: must still do nothing when the signature is wrong. */
function validShape(rng: Rng): { raw: string; contentType: string; what: string } {
  const shape = rng.pick(shapes);
  return { ...encode(shape.encoding, shape.body()), what: `slack ${shape.name} (well-formed)` };
}

function slackRequest(rng: Rng): FuzzRequest {
  const kind = rng.weighted<"broken" | "random" | "unsigned">([
    [5, "broken"],
    [3, "random"],
    [3, "unsigned"],
  ]);
  if (kind === "random") {
    const contentType = rng.pick([
      "application/json",
      "application/x-www-form-urlencoded",
      "application/json; charset=utf-8",
      "APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8",
      "text/plain",
      "multipart/form-data; boundary=zq7",
      "",
    ]);
    const raw = rng.chance(0.5) ? JSON.stringify(randomJson(rng)) : randomText(rng);
    const signed = rng.chance(0.7);
    return {
      what: `slack random ${signed ? "signed" : "unsigned"} ${contentType || "no content type"}`,
      method: "POST",
      path: "/slack/events",
      headers: slackHeaders(rng, raw, contentType, signed),
      body: raw,
      echoes: true,
    };
  }
  const shape = kind === "broken" ? brokenShape(rng) : validShape(rng);
  return {
    what: `${shape.what}${kind === "unsigned" ? " unsigned" : ""}`,
    method: "POST",
    path: "/slack/events",
    headers: slackHeaders(rng, shape.raw, shape.contentType, kind === "broken"),
    body: shape.raw,
  };
}

function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT", kid: "fuzz" })}.${part(payload)}.c2lnbmF0dXJlenE3`;
}

function activity(rng: Rng): Record<string, unknown> {
  const common = {
    id: `a-${rng.int(1e9)}`,
    channelId: rng.pick(["msteams", "msteams", "webchat", "directline", "emulator"]),
    serviceUrl: connector.url,
    from: { id: "29:zq7", aadObjectId: "aad-zq7", name: "Sam zq7" },
    recipient: { id: "28:daybook-zq7", name: "daybook" },
    conversation: { id: "a:zq7", conversationType: rng.pick(["personal", "channel", "groupChat"]), tenantId: "t-zq7" },
    channelData: { tenant: { id: "t-zq7" } },
  };
  return rng.weighted<() => Record<string, unknown>>([
    [3, () => ({ ...common, type: "message", text: `hello ${randomString(rng)}` })],
    [
      3,
      () => ({
        ...common,
        type: "invoke",
        name: "adaptiveCard/action",
        replyToId: "m-zq7",
        value: rng.chance(0.5)
          ? { action: { type: "Action.Execute", verb: "daybook.approve", data: { value: "ap-zq7" } } }
          : randomJson(rng),
      }),
    ],
    [1, () => ({ ...common, type: "conversationUpdate", membersAdded: [{ id: "28:daybook-zq7" }] })],
    [1, () => ({ ...common, type: "installationUpdate", action: "add" })],
    [1, () => ({ ...common, type: rng.pick(["typing", "event", "messageReaction", "zq7"]) })],
  ])();
}

function teamsRequest(rng: Rng): FuzzRequest {
  let body: string;
  const a = activity(rng);
  const shape = rng.weighted<string>([
    [4, "well-formed"],
    [3, "field broken"],
    [2, "random json"],
    [1, "not json"],
  ]);
  if (shape === "field broken") {
    const key = rng.pick(Object.keys(a));
    a[key] = rng.pick([null, 7777, "zq7", [], {}, randomJson(rng)]);
    if (rng.chance(0.3)) delete a[rng.pick(Object.keys(a))];
    body = JSON.stringify(a);
  } else if (shape === "random json") body = JSON.stringify(randomJson(rng));
  else if (shape === "not json") body = randomText(rng);
  else body = JSON.stringify(a);
  const now = nowSec();
  const token = rng.weighted<[string, string | undefined]>([
    [2, ["no token", undefined]],
    [1, ["basic", "Basic emq3OnpxNw=="]],
    [1, ["not a jwt", `Bearer zq7.${randomString(rng, 20).replace(/[^\x21-\x7e]/g, "")}`]],
    [1, ["expired", `Bearer ${jwt({ iss: "https://api.botframework.com", aud: "zq7", exp: now - 7200 })}`]],
    [3, ["untrusted issuer", `Bearer ${jwt({ iss: "https://issuer.example/zq7", aud: "zq7", exp: now + 3600 })}`]],
    [1, ["no exp", `Bearer ${jwt({ iss: "https://zq7.example" })}`]],
  ]);
  const headers: Record<string, string> = {
    "content-type": rng.pick(["application/json", "application/json; charset=utf-8", "text/plain"]),
  };
  if (token[1] !== undefined) headers.authorization = token[1];
  return {
    what: `teams ${shape} ${JSON.stringify(a.type)} ${token[0]}`,
    method: "POST",
    path: "/api/messages",
    headers,
    body,
  };
}

function otherRequest(rng: Rng): FuzzRequest {
  return rng.weighted<() => FuzzRequest>([
    [3, () => ({ what: "healthz", method: rng.pick(["GET", "HEAD"]), path: "/healthz", headers: {} })],
    [3, () => ({ what: "readyz", method: rng.pick(["GET", "HEAD"]), path: "/readyz", headers: {} })],
    [
      2,
      () => ({
        what: "wrong method",
        method: rng.pick(["PUT", "DELETE", "PATCH", "OPTIONS", "GET", "POST"]),
        path: rng.pick(["/healthz", "/readyz", "/slack/events", "/api/messages"]),
        headers: { "content-type": "application/json" },
        body: "{}",
      }),
    ],
    [
      3,
      () => ({
        what: "unknown path",
        method: rng.pick(["GET", "POST", "PUT"]),
        path: rng.pick([
          "/",
          "/slack",
          "/slack/events/zq7",
          "/api/messages/../../etc/passwd",
          "/%2e%2e/zq7",
          `/zq7/${encodeURIComponent(randomString(rng))}`,
          "/healthz?zq7=1",
          "/SLACK/EVENTS",
          "//slack/events",
          "/slack/events%00",
        ]),
        headers: {},
      }),
    ],
    [
      2,
      () => ({
        what: "oversize declared",
        method: "POST",
        path: rng.pick(["/slack/events", "/api/messages"]),
        headers: { "content-type": "application/json" },
        body: `{"zq7":"${"x".repeat(70_000)}"}`,
      }),
    ],
    [
      2,
      () => ({
        what: "oversize chunked",
        method: "POST",
        path: rng.pick(["/slack/events", "/api/messages"]),
        headers: { "content-type": "application/json" },
        body: Readable.from(
          (async function* () {
            for (let i = 0; i < 10; i++) yield Buffer.from("zq7".repeat(3_000));
          })(),
        ),
      }),
    ],
  ])();
}

function nextRequest(rng: Rng): FuzzRequest {
  return rng.weighted<() => FuzzRequest>([
    [6, () => slackRequest(rng)],
    [3, () => teamsRequest(rng)],
    [1, () => otherRequest(rng)],
  ])();
}

/** Headers, then part of the body, then the client hangs up. */
async function abortMidBody(path: string): Promise<void> {
  const { port } = new URL(base);
  await new Promise<void>((resolve) => {
    const socket = connect(Number(port), "127.0.0.1", () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{"type":"zq7`,
      );
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 5);
    });
    socket.on("error", () => resolve());
  });
}

// ---- the run ---------------------------------------------------------------------------------

describe("HTTP fuzz over a real socket", () => {
  const sent: Sent[] = [];
  let elapsedMs = 0;

  it(`answers ${total} random, mutated, signed and unsigned requests on every route without a 5xx`, async () => {
    const rng = new Rng(seed);
    const requests = Array.from({ length: total }, () => nextRequest(rng));
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const n = next++;
        const r = requests[n] as FuzzRequest;
        const response = await pool.request({
          method: r.method,
          path: r.path,
          headers: r.headers,
          ...(r.body !== undefined ? { body: r.body } : {}),
        });
        const body = await response.body.text();
        sent.push({ n, what: r.what, status: response.statusCode, body: r.echoes ? "" : body });
      }
    };
    const aborts = Array.from({ length: 40 }, (_, i) => abortMidBody(i % 2 ? "/slack/events" : "/api/messages"));
    await Promise.all([...Array.from({ length: 16 }, worker), ...aborts]);
    expect(await app.inFlight.drain(10_000)).toBe(true);
    elapsedMs = Date.now() - started;

    const failures = sent.filter((s) => s.status >= 500);
    expect(
      failures.slice(0, 5).map((f) => `#${f.n} ${f.what}: ${f.status} ${f.body.slice(0, 200)}`),
      `seed ${seed}`,
    ).toEqual([]);
    expect(sent.length).toBe(total);
    const statuses: Record<number, number> = {};
    for (const s of sent) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
    console.info(`fuzz seed ${seed}: ${total} requests + 40 aborts in ${elapsedMs} ms; statuses`, statuses);
  }, 120_000);

  it("had no side effect: no Slack Web API call, Bot Connector call, store write or queued job", () => {
    expect(sent.length, "the run above completed").toBe(total);
    expect(slackApi.requests.map((r) => `${r.path} ${r.body.slice(0, 300)}`)).toEqual([]);
    expect(connector.requests.map((r) => `${r.path} ${r.body.slice(0, 300)}`)).toEqual([]);
    // The approvals sweep takes its cron lock on a timer, whatever the traffic.
    expect(writes.slice(writesAtStart).filter((w) => !w.startsWith("setIfAbsent lock:approvals-sweep:"))).toEqual([]);
    expect(enqueued).toBe(0);
  });

  it("put no stack trace or file path in any response body", () => {
    expect(sent.length, "the run above completed").toBe(total);
    const leaked = sent.filter((s) => leakShapes.some((shape) => shape.test(s.body)));
    expect(leaked.slice(0, 5).map((s) => `#${s.n} ${s.what}: ${s.body.slice(0, 300)}`)).toEqual([]);
  });

  it("logged no error, no payload value and no credential", () => {
    expect(sent.length, "the run above completed").toBe(total);
    expect(logs.filter((l) => l.level === "error").slice(0, 5)).toEqual([]);
    const credentials = [secret, botToken, appPassword, "c2lnbmF0dXJl", "Basic emq3", "eyJ"];
    const dirty = rawLines.filter((line) => marker.test(line) || credentials.some((c) => line.includes(c)));
    expect(dirty.slice(0, 5)).toEqual([]);
  });

  it("wrote a bounded number of warn lines per reason, whatever the number of requests", () => {
    expect(sent.length, "the run above completed").toBe(total);
    const warnings = logs.filter((l) => l.level === "warn");
    const perReason = new Map<string, number>();
    for (const w of warnings) {
      const key = `${w.msg} / ${String(w.reason ?? "")}`;
      perReason.set(key, (perReason.get(key) ?? 0) + 1);
    }
    // One line per reason per minute (LogGate), so a run of under a minute may straddle two.
    const bound = Math.ceil(elapsedMs / 60_000) + 1;
    const over = [...perReason].filter(([, count]) => count > bound);
    expect(over).toEqual([]);
    // Reasons are a fixed set (schema field names, signature failures), not one per request.
    console.info(`fuzz: ${warnings.length} warn lines over ${perReason.size} reasons for ${total} requests`);
    expect(perReason.size).toBeLessThan(250);
    const signatureReasons = [...perReason.keys()].filter((k) => k.startsWith("rejected a Slack request /"));
    expect(signatureReasons.length).toBeLessThanOrEqual(3);
    // Client aborts are not warnings or errors.
    expect(logs.filter((l) => /abort|prematurely/i.test(l.msg) && l.level !== "debug")).toEqual([]);
  });
});
