/**
 * Slack receiver overhead benchmark (issue 5): signed `event_callback` deliveries on loopback against
 *   A) daybook's receiver alone: POST /slack/events on the Hono server, HonoReceiver + event_id
 *      dedup in Redis, with a handler that does nothing (no bot, no agent, no reply)
 *   B) Bolt's stock HTTPReceiver (signature check, no dedup) with an ack-only listener
 * Same Bolt App options on both sides (authorize, no conversation store), so the difference
 * is the receiver and nothing else. It says nothing about acks while the app is answering
 * questions: bench/burst.bench.ts measures that, against the composed app (issue 11). Load comes from autocannon in a second process (this file re-run with
 * --driver); every request has a unique event_id and a valid signature, precomputed there.
 * Reports max throughput with p50/p99 ack latency and the ratio, then p99 at a fixed 500 req/s.
 */
import { fork } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { Agent, createServer as createHttpServer, request, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { App, type Logger as BoltLogger, HTTPReceiver, LogLevel } from "@slack/bolt";
import { createSlackIntegration } from "../adapters/slack/app.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { Store } from "../src/core/store.ts";
import { InFlight } from "../src/in-flight.ts";
import { createServer } from "../src/server.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { RedisStore } from "../src/store/redis-store.ts";
import { fmt, percentile, table } from "./stats.ts";

const secret = "bench-signing-secret-0123456789abcdef";

interface DriverConfig {
  url: string;
  mode: "max" | "rate";
  amount: number;
  connections: number;
  rate?: number;
}

interface DriverResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** The part of autocannon's API used here (it ships no type declarations). */
type Autocannon = (options: Record<string, unknown>) => Promise<{
  requests: { total: number };
  duration: number;
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}>;

// ---- driver (second process) -----------------------------------------------------------------

async function driver(config: DriverConfig): Promise<DriverResult> {
  const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;
  const ts = Math.floor(Date.now() / 1000);
  const prefix = randomUUID().slice(0, 8);
  const bodies: { body: string; signature: string }[] = [];
  for (let i = 0; i < config.amount + config.connections * 2; i++) {
    const body = JSON.stringify({
      token: "legacy",
      team_id: "T0BENCH",
      api_app_id: "A0BENCH",
      type: "event_callback",
      event_id: `Ev${prefix}${i}`,
      event_time: ts,
      event: { type: "app_mention", user: "U0BENCH", text: "<@U0BOT> ping", ts: `${ts}.${i}`, channel: "C0BENCH" },
      authorizations: [{ team_id: "T0BENCH", user_id: "U0BOT", is_bot: true }],
    });
    bodies.push({ body, signature: `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}` });
  }
  if (config.mode === "rate") return fixedRate(config, ts, bodies);
  let next = 0;
  let lastResponse = 0;
  const started = performance.now();
  const result = await autocannon({
    url: config.url,
    connections: config.connections,
    amount: config.amount,
    requests: [
      {
        method: "POST",
        setupRequest: (req: Record<string, unknown>) => {
          const b = bodies[next++ % bodies.length] as { body: string; signature: string };
          return {
            ...req,
            body: b.body,
            headers: {
              "content-type": "application/json",
              "x-slack-request-timestamp": String(ts),
              "x-slack-signature": b.signature,
            },
          };
        },
        onResponse: () => {
          lastResponse = performance.now();
        },
      },
    ],
  });
  // An amount-bounded autocannon run ends on its one-second tick, so its duration (and the
  // wall time around it) is rounded up to whole seconds; the last response time is exact.
  const seconds = ((lastResponse || performance.now()) - started) / 1000;
  return {
    requests: result.requests.total,
    seconds,
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * Fixed-rate latency with sub-millisecond resolution (autocannon reports whole ms): request i
 * is due at start + i/rate, and its latency counts from when it was due, so a stall delays
 * every later request's number too (no coordinated omission).
 */
async function fixedRate(
  config: DriverConfig,
  ts: number,
  bodies: { body: string; signature: string }[],
): Promise<DriverResult> {
  const rate = config.rate ?? 500;
  const agent = new Agent({ keepAlive: true, maxSockets: config.connections });
  const target = new URL(config.url);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const start = performance.now();
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const due = start + (i * 1000) / rate;
      const b = bodies[i] as { body: string; signature: string };
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(b.body),
            "x-slack-request-timestamp": String(ts),
            "x-slack-signature": b.signature,
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            latencies.push(performance.now() - due);
            if ((res.statusCode ?? 0) >= 300) non2xx++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(b.body);
    });
  const pending: Promise<void>[] = [];
  let sent = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const due = Math.min(config.amount, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (sent < due) pending.push(one(sent++));
      if (sent >= config.amount) done();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(pending);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    non2xx,
    errors,
  };
}

function runDriver(config: DriverConfig): Promise<DriverResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--driver", JSON.stringify(config)], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    child.once("message", (m) => resolve(m as DriverResult));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`driver exited with ${code}`));
    });
  });
}

// ---- servers (this process) ------------------------------------------------------------------

const quietBolt = (): BoltLogger => ({
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
}

async function startDaybook(store: Store): Promise<{ url: string; close(): Promise<void> }> {
  const slack = createSlackIntegration({
    signingSecret: secret,
    botToken: "xoxb-bench",
    socketMode: false,
    // Never called: the handler below is ack-only, like Bolt's side.
    apiUrl: "http://127.0.0.1:9/api/",
    devSkipVerify: false,
    nodeEnv: "production",
    store,
    logger: silentLogger,
    handle: async () => {},
    onClick: async () => ({ kind: "none" }),
  });
  const inFlight = new InFlight();
  const app = createServer({ store, logger: silentLogger, inFlight, routes: [slack.route] });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server;
  await new Promise<void>((r) => (server.listening ? r() : server.once("listening", () => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  return { url, close: () => new Promise((r) => server.close(() => r())) };
}

async function startBolt(): Promise<{ url: string; close(): Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret: secret, endpoints: "/slack/events", logger: quietBolt() });
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: "xoxb-bench" }),
    ignoreSelf: false,
    convoStore: false,
    logger: quietBolt(),
  });
  app.event("app_mention", async () => {});
  const server = createHttpServer(receiver.requestListener);
  const url = await listen(server);
  return { url, close: () => new Promise((r) => server.close(() => r())) };
}

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL;
  const store: Store = redisUrl
    ? await RedisStore.connect({ url: redisUrl, prefix: `bench:${randomUUID()}:` })
    : new MemoryStore();
  const amount = Number(process.env.SLACK_BENCH_REQUESTS ?? 30_000);
  const connections = 10;
  const rateAmount = 5_000;

  const daybook = await startDaybook(store);
  // The same receiver with in-process dedup: separates the cost of the Redis round trip
  // (and of redis-server sharing the CPUs) from the cost of the receiver itself.
  const daybookMemory = await startDaybook(new MemoryStore());
  const bolt = await startBolt();
  const urls = { daybook: daybook.url, memory: daybookMemory.url, bolt: bolt.url };
  // Warm all three (JIT, Redis connection) before measuring.
  for (const url of Object.values(urls)) await runDriver({ url, mode: "max", amount: 2_000, connections });

  // Rotate the order across rounds so no side always runs on a warmer (or busier) machine.
  const max: Record<keyof typeof urls, DriverResult[]> = { daybook: [], memory: [], bolt: [] };
  const rounds: (keyof typeof urls)[][] = [
    ["daybook", "bolt", "memory"],
    ["bolt", "memory", "daybook"],
    ["memory", "daybook", "bolt"],
  ];
  for (const order of rounds) {
    for (const who of order) max[who].push(await runDriver({ url: urls[who], mode: "max", amount, connections }));
  }
  const rate = {
    daybook: await runDriver({ url: daybook.url, mode: "rate", amount: rateAmount, connections, rate: 500 }),
    bolt: await runDriver({ url: bolt.url, mode: "rate", amount: rateAmount, connections, rate: 500 }),
  };
  await daybook.close();
  await daybookMemory.close();
  await bolt.close();
  await store.close();

  const best = (rs: DriverResult[]) => rs.reduce((a, b) => (b.rps > a.rps ? b : a));
  const d = best(max.daybook);
  const m = best(max.memory);
  const b = best(max.bolt);
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
  const lines = [
    `Machine: ${availableParallelism()} CPUs, load average ${load} (1/5/15 min) at the end of the run; Redis shares these CPUs. Tail latencies on a loaded machine measure the scheduler more than the code.`,
    "",
    `Slack receiver overhead (empty handlers on both sides): ${amount} signed event_callback requests per run, ${connections} connections, autocannon in a second process; best of 3 rounds. Dedup store: ${redisUrl ? "Redis (REDIS_URL)" : "MemoryStore (REDIS_URL not set)"}.`,
    "",
    table(
      ["receiver", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors"],
      [
        ["daybook HonoReceiver + dedup", fmt(d.rps, 0), fmt(d.p50), fmt(d.p99), d.non2xx, d.errors],
        ["daybook, dedup in memory (reference)", fmt(m.rps, 0), fmt(m.p50), fmt(m.p99), m.non2xx, m.errors],
        ["Bolt HTTPReceiver (stock)", fmt(b.rps, 0), fmt(b.p50), fmt(b.p99), b.non2xx, b.errors],
      ],
    ),
    "",
    `Receiver-only throughput ratio daybook / Bolt, both with listeners that do no work: **${fmt(d.rps / b.rps)}** (target >= 1.0); with dedup in memory instead of Redis: ${fmt(m.rps / b.rps)}. This is the cost of verification and dedup, not ack latency while answering questions (see burst.bench.ts).`,
    "",
    table(
      ["at 500 req/s", "p50 ms", "p99 ms", "non-2xx"],
      [
        ["daybook", fmt(rate.daybook.p50), fmt(rate.daybook.p99), rate.daybook.non2xx],
        ["Bolt", fmt(rate.bolt.p50), fmt(rate.bolt.p99), rate.bolt.non2xx],
      ],
    ),
    "",
    `daybook receiver-only p99 at 500 req/s: **${fmt(rate.daybook.p99)} ms** (target <= 5 ms, empty handler), measured from each request's due time by the driver's own keep-alive client (sub-ms resolution). Latencies in the first table are autocannon's, in whole milliseconds, under saturation.`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

const driverIndex = process.argv.indexOf("--driver");
if (driverIndex !== -1) {
  driver(JSON.parse(process.argv[driverIndex + 1] ?? "{}") as DriverConfig).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`slack-ack driver failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`slack-ack bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
