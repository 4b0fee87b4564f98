import { connect } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOrg } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import { createLogger } from "../src/core/logger.ts";
import type { WorkQueue } from "../src/core/work-queue.ts";
import { type App, compose } from "../src/main.ts";
import { createServer } from "../src/server.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { Rng } from "./support/fuzz.ts";
import { type FuzzRequest, fuzzRequests } from "./support/fuzz-requests.ts";
import { startFakeServer } from "./support/http.ts";
import { countingStore, type LogLine, leakShapes } from "./support/side-effects.ts";
import { marker } from "./support/slack-shapes.ts";

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
    const nextRequest = fuzzRequests({ secret, serviceUrl: connector.url });
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
